import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { EnvSchema, readEnv } from '../../server/env.js';

const variables = Object.entries(EnvSchema.properties) as unknown as [string, TSchema & Record<string, unknown>][];

/** The message loadConfig throws for `env`, or null when it accepts it. */
function refusal(env: Record<string, string>): string | null {
  try {
    loadConfig(env);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('readEnv(env) against EnvSchema', () => {
  it('gives every variable with a default its default when unset or empty', () => {
    const unset = readEnv({});
    const empty = readEnv(Object.fromEntries(variables.map(([name]) => [name, ''])));
    for (const [name, schema] of variables) {
      expect(unset[name as keyof typeof unset], name).toEqual(schema.default);
      expect(empty[name as keyof typeof empty], name).toEqual(schema.default);
    }
  });

  it('describes every variable, and gives each without a default an optional type', () => {
    for (const [name, schema] of variables) {
      expect(schema.description, name).toMatch(/\S/);
      if (!('default' in schema)) expect(Type.IsOptional(schema), name).toBe(true);
    }
  });

  it('converts integers, booleans and lists from their text', () => {
    const env = readEnv({ PORT: '8080', STORE_FSYNC: 'true', CATEGORIES: ' a , b,,', TICK_MS: '250' });
    expect(env).toMatchObject({ PORT: 8080, STORE_FSYNC: true, CATEGORIES: ['a', 'b'], TICK_MS: 250 });
    expect(readEnv({ STORE_FSYNC: '0' }).STORE_FSYNC).toBe(false);
  });

  it('refuses each integer out of its bounds or not a whole number, in one line naming the variable', () => {
    for (const [name, schema] of variables.filter(([, s]) => Type.IsInteger(s))) {
      const min = schema.minimum as number;
      const max = schema.maximum as number;
      for (const bad of [String(min - 1), String(max + 1), '1.5', 'ten']) {
        const message = refusal({ [name]: bad });
        expect(message, `${name}=${bad}`).toBe(`${name} must be an integer between ${min} and ${max}, got "${bad}"`);
      }
    }
  });

  it('refuses a value outside a variable’s allowed words, naming them', () => {
    expect(refusal({ SHOW_CLOCK: 'sun' })).toBe('SHOW_CLOCK must be "wall" or "events", got "sun"');
    expect(refusal({ LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL must be "fatal", .* or "silent", got "loud"$/);
    expect(refusal({ STORE_FSYNC: 'yes' })).toBe('STORE_FSYNC must be 1 or 0 (true or false), got "yes"');
    expect(refusal({ CATEGORIES: 'apparel,Shoes' })).toMatch(/^each CATEGORIES entry must be .*, got "Shoes"$/);
    expect(refusal({ CLICKHOUSE_DATABASE: 'gmv-1' })).toMatch(/^CLICKHOUSE_DATABASE must be a plain identifier/);
    expect(refusal({ DEMO_SCALE: 'lots' })).toMatch(/^DEMO_SCALE must be a decimal number/);
  });

  it('never echoes a secret it refuses', () => {
    const cases: Record<string, string> = {
      INGEST_TOKENS: 'ingest-token-0123456789,short-token',
      ADMIN_TOKENS: 'admin token with spaces',
      INGEST_HMAC_SECRETS: 'too-short-hmac-secret',
      SHARE_SECRET: 'short-share-secret',
      REDIS_URL: 'http://user:hunter2@cache:6379',
      CLICKHOUSE_URL: 'ftp://user:hunter2@ch',
    };
    for (const [name, value] of Object.entries(cases)) {
      const message = refusal({ [name]: value });
      expect(message, name).toMatch(new RegExp(`^(each )?${name}`));
      for (const part of value.split(',')) expect(message, name).not.toContain(part);
    }
  });

  it('declares every variable the server reads from process.env', () => {
    const read = new Set<string>();
    for (const file of sourceFiles('server')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/process\.env(?:\.([A-Z0-9_]+)|\[['"]([A-Z0-9_]+)['"]\])/g)) {
        read.add(m[1] ?? m[2]!);
      }
    }
    for (const name of read) expect(Object.keys(EnvSchema.properties), name).toContain(name);
  });
});
