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

describe('REDIS_URL (issue 18.6)', () => {
  const production = { NODE_ENV: 'production', GRAPH_API_URL: 'https://graph.facebook.com', WHATSAPP_APP_SECRET: 'app-secret' };

  it('in production, a redis:// URL to another host without a password is refused', () => {
    expect(problemsOf({ ...production, REDIS_URL: 'redis://redis.internal:6379' })).toContain('REDIS_URL: must be rediss:// or carry a password');
  });

  it.each(['rediss://redis.internal:6380', 'redis://:s3cret@redis.internal:6379', 'redis://default:s3cret@redis.internal:6379', 'redis://127.0.0.1:6379', 'redis://localhost:6379'])(
    'in production, %s is accepted (TLS, a password, or loopback)',
    (url) => {
      expect(loadConfig({ ...production, REDIS_URL: url }).redisUrl).toBe(url);
    },
  );

  it('outside production a plain redis:// URL is accepted', () => {
    expect(loadConfig({ NODE_ENV: 'staging', GRAPH_API_URL: 'http://graph.internal', WHATSAPP_APP_SECRET: 'x', REDIS_URL: 'redis://redis:6379' }).redisUrl).toBe('redis://redis:6379');
  });

  it('needs a key the replicas share: EVENTS_SIGNING_KEY or WHATSAPP_APP_SECRET, in any NODE_ENV', () => {
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379' })).toContain('EVENTS_SIGNING_KEY: required with REDIS_URL when WHATSAPP_APP_SECRET is not set');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', EVENTS_SIGNING_KEY: 'k'.repeat(32) }).eventsSigningKey).toBe('k'.repeat(32));
    expect(problemsOf({ EVENTS_SIGNING_KEY: 'too-short' })).toContain('EVENTS_SIGNING_KEY: must be at least 32 characters');
    // Without Redis nothing is shared: a per-process key is enough.
    expect(loadConfig({}).eventsSigningKey).toBeUndefined();
  });
});

describe('webhook limits (issue 18.5)', () => {
  it('defaults: items up to 8 days old, 16 bodies at once, 10 s per body', () => {
    const config = loadConfig({});
    expect([config.webhookMaxAgeSeconds, config.webhookMaxConcurrentBodies, config.webhookBodyTimeoutMs, config.webhookDedupeMaxKeys]).toEqual([8 * 24 * 3600, 16, 10_000, 100_000]);
  });

  it('WEBHOOK_BODY_TIMEOUT_MS may not exceed REQUEST_TIMEOUT_MS; its default follows a lower REQUEST_TIMEOUT_MS', () => {
    expect(problemsOf({ WEBHOOK_BODY_TIMEOUT_MS: '130000' })).toContain('WEBHOOK_BODY_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS');
    expect(loadConfig({ WEBHOOK_BODY_TIMEOUT_MS: '50000', REQUEST_TIMEOUT_MS: '60000' }).webhookBodyTimeoutMs).toBe(50000);
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '5000' }).webhookBodyTimeoutMs).toBe(5000);
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
