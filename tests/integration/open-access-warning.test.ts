import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

/** The warnings the app logs while it is built with `env`. */
async function warningsAt(env: Record<string, string>): Promise<string[]> {
  const dir = tempDir('open-access');
  const lines: string[] = [];
  const config = loadConfig({ DATA_DIR: dir.path, INGEST_TOKENS: TOKEN, ROLE: 'all', ...env });
  const app = await buildApp(config, { logger: { level: 'warn', stream: { write: (l: string) => lines.push(l) } } });
  try {
    await app.ready();
    return lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
  } finally {
    await app.close();
    dir.remove();
  }
}

const OPEN = /open to anyone who can reach this address/;

describe('open viewer access', () => {
  it('is warned about when the server listens on an address other than loopback', async () => {
    expect((await warningsAt({ HOST: '0.0.0.0' })).filter((m) => OPEN.test(m))).toHaveLength(1);
  });

  it('is not warned about on loopback, nor once viewer tokens are set', async () => {
    expect((await warningsAt({ HOST: '127.0.0.1' })).filter((m) => OPEN.test(m))).toEqual([]);
    const guarded = await warningsAt({ HOST: '0.0.0.0', VIEW_TOKENS: 'view-token-0123456789abcdef' });
    expect(guarded.filter((m) => OPEN.test(m))).toEqual([]);
  });
});
