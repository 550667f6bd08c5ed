import { afterAll, describe, expect, it } from 'vitest';
import { fenOf, fenToDecimal, ndjson, order } from '../fixtures/orders.js';
import { postNdjson, startServer, tempDir, type ServerProcess } from '../fixtures/server.js';

const dir = tempDir('crash');
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill('SIGKILL');
  dir.remove();
});

async function totals(url: string) {
  return (await fetch(`${url}/api/v1/totals`)).json() as Promise<{ gross: { gmv: string; orders: number } }>;
}

describe('the server process', () => {
  it('keeps every acknowledged order through kill -9 and counts resent orders once', async () => {
    server = await startServer(dir.path);
    const known = Array.from({ length: 3000 }, (_, i) => order(i + 1));
    const expected = { gmv: fenToDecimal(known.reduce((s, o) => s + fenOf(o), 0)), orders: known.length };
    // Several batches in flight at once, as a real client would send them.
    const answers = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((k) =>
        postNdjson(server!.url, ndjson(known.slice(k * 500, k * 500 + 500))).then((r) => r.json()),
      ),
    );
    expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(known.length);
    expect((await totals(server.url)).gross).toEqual(expected);

    expect(await server.kill('SIGKILL')).toBe(null);
    server = await startServer(dir.path);
    expect((await totals(server.url)).gross).toEqual(expected);

    const resent = await (await postNdjson(server.url, ndjson(known))).json();
    expect(resent).toEqual({ accepted: 0, duplicates: known.length, rejected: [] });
    expect((await totals(server.url)).gross).toEqual(expected);
  });

  it('refuses to start without ingest credentials and says why', async () => {
    await expect(startServer(dir.path, { INGEST_TOKENS: '' })).rejects.toThrow(/INGEST_TOKENS is not set/);
  });

  it('stops on SIGTERM after finishing in-flight batches', async () => {
    server ??= await startServer(dir.path);
    const before = (await totals(server.url)).gross.orders;
    const batch = Array.from({ length: 20_000 }, (_, i) => order(100_000 + i));
    const inFlight = postNdjson(server.url, ndjson(batch)).then((r) => r.json() as Promise<{ accepted: number }>);
    // The body is on the wire and being handled when the signal arrives.
    await new Promise((r) => setTimeout(r, 40));
    const exit = server.kill('SIGTERM');
    const answer = await inFlight;
    expect(await exit).toBe(0);
    expect(answer.accepted).toBe(batch.length);
    server = await startServer(dir.path);
    expect((await totals(server.url)).gross.orders - before).toBe(batch.length);
  });
});
