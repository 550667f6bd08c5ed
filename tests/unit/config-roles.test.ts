import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('loadConfig(env) roles', () => {
  it('runs everything in one process by default, without Redis', () => {
    expect(loadConfig({})).toMatchObject({ role: 'all', redisUrl: null });
  });

  it('takes ROLE and a redis:// or rediss:// REDIS_URL', () => {
    expect(loadConfig({ ROLE: 'push', REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({
      role: 'push',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(loadConfig({ ROLE: 'ingest', REDIS_URL: 'rediss://cache.example:6380/0' }).role).toBe('ingest');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).role).toBe('all');
  });

  it('refuses ingest and push nodes without REDIS_URL, and an unknown ROLE or URL', () => {
    expect(() => loadConfig({ ROLE: 'push' })).toThrow(ConfigError);
    expect(() => loadConfig({ ROLE: 'push' })).toThrow(/ROLE=push needs REDIS_URL/);
    expect(() => loadConfig({ ROLE: 'ingest' })).toThrow(/ROLE=ingest needs REDIS_URL/);
    expect(() => loadConfig({ ROLE: 'edge', REDIS_URL: 'redis://x' })).toThrow(/ROLE must be/);
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must be/);
  });
});
