import { describe, expect, it } from 'vitest';
import { startRedis } from '../../support/redis-server.js';

describe('the redis-server the events tests start', () => {
  it('fails in one line naming the package when redis-server is not installed (never a skip)', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRedis()).rejects.toThrow(/^redis-server is not installed: apt-get install -y redis-server/);
    } finally {
      process.env.PATH = path;
    }
  });
});
