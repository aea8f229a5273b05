import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config.js';

/** The sandbox only starts where it was meant to, and tokens only travel where they should. */
function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('when the sandbox may start (no GRAPH_API_URL)', () => {
  it.each([[{}], [{ NODE_ENV: 'development' }], [{ NODE_ENV: 'dev' }], [{ NODE_ENV: 'test' }], [{ NODE_ENV: 'Development' }]])(
    'with %j: graphApiUrl is undefined and main.ts serves the sandbox',
    (env) => {
      expect(loadConfig(env).graphApiUrl).toBeUndefined();
    },
  );

  it.each(['production', 'prod', 'PRODUCTION', 'Prod', ' production '])('NODE_ENV=%j is production: no sandbox, GRAPH_API_URL required', (nodeEnv) => {
    expect(problemsOf({ NODE_ENV: nodeEnv })).toContain('GRAPH_API_URL: required when NODE_ENV=production');
    const config = loadConfig({ NODE_ENV: nodeEnv, GRAPH_API_URL: 'https://graph.facebook.com' });
    expect(config.production).toBe(true);
    expect(config.introspection).toBe(false);
  });

  it.each(['staging', 'prd', 'live'])('any other NODE_ENV (%s) needs GRAPH_API_URL too, without becoming production', (nodeEnv) => {
    expect(problemsOf({ NODE_ENV: nodeEnv })).toContain('GRAPH_API_URL: required when NODE_ENV is not development or test');
    const config = loadConfig({ NODE_ENV: nodeEnv, GRAPH_API_URL: 'http://graph.internal' });
    expect(config.production).toBe(false);
    expect(config.graphApiUrl).toBe('http://graph.internal');
  });

  it.each([[''], ['   ']])('GRAPH_API_URL set but empty (%j) is a configuration error, in development too', (value) => {
    for (const nodeEnv of ['development', 'prod']) {
      expect(problemsOf({ NODE_ENV: nodeEnv, GRAPH_API_URL: value })).toContain('GRAPH_API_URL: set but empty');
    }
  });

  it('other empty variables still mean "unset"', () => {
    expect(loadConfig({ WHATSAPP_APP_SECRET: '', PORT: '' }).port).toBe(4000);
  });

  it('reports the empty GRAPH_API_URL together with every other problem', () => {
    const message = problemsOf({ GRAPH_API_URL: '', PORT: 'abc' });
    expect(message).toContain('GRAPH_API_URL: set but empty');
    expect(message).toContain('PORT');
  });
});

describe('GRAPH_API_URL in production', () => {
  it('must be https://', () => {
    expect(problemsOf({ NODE_ENV: 'production', GRAPH_API_URL: 'http://example.invalid' })).toContain('GRAPH_API_URL: must be https:// when NODE_ENV=production');
    expect(loadConfig({ NODE_ENV: 'production', GRAPH_API_URL: 'https://graph.facebook.com/' }).graphApiUrl).toBe('https://graph.facebook.com');
  });

  it.each(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.8.9.10'])('may be http:// to a loopback host (%s)', (url) => {
    expect(loadConfig({ NODE_ENV: 'production', GRAPH_API_URL: url }).graphApiUrl).toBe(url);
  });

  it('http:// is fine outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development', GRAPH_API_URL: 'http://example.invalid' }).graphApiUrl).toBe('http://example.invalid');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['127.0.0.1.example.com', false],
    ['example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('where the gateway listens', () => {
  it('HOST defaults to loopback in sandbox mode (the demo token is public) and to every interface with GRAPH_API_URL', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ GRAPH_API_URL: 'https://graph.facebook.com' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('/metrics stays on the public port unless METRICS_PORT is set; its port listens on loopback unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: undefined, metricsHost: '127.0.0.1', metricsToken: undefined });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatchObject({ metricsPort: 9464, metricsHost: '0.0.0.0' });
    expect(problemsOf({ METRICS_PORT: 'none' })).toContain('METRICS_PORT');
    expect(problemsOf({ PORT: '4000', METRICS_PORT: '4000' })).toContain('METRICS_PORT: must differ from PORT');
  });

  it('METRICS_TOKEN must be long enough to be a secret', () => {
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toContain('METRICS_TOKEN: must be at least 16 characters');
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token' }).metricsToken).toBe('a-long-enough-token');
  });
});
