import { describe, expect, it } from 'vitest';
import { readPage } from './pages.js';

const readme = readPage('README.md');

describe('README', () => {
  it('gives the two commands a newcomer runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('is a front door: short, and it names what the tests need', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    for (const prerequisite of ['redis-server', '/usr/bin/chromium', '/usr/sbin/nginx']) expect(readme).toContain(prerequisite);
  });
});
