import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import type { AuditList, DirectorState } from '../../shared/director.js';
import type { Program } from '../../shared/protocol.js';
import { createProgramStore, shownState } from '../../client/live/program.js';
import { createLiveStore } from '../../client/live/store.js';
import { injectOrders, liveClient, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { fenOf, ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const dir = tempDir('director');
let app: AllNode;
let url: string;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  ({ app, url } = await startApp(join(dir.path, 'db'), {
    DIRECTOR_TOKENS: DIRECTOR,
    ADMIN_TOKENS: ADMIN,
    SHOW_CLOCK: 'events',
  }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  dir.remove();
});

const post = (action: string, token = DIRECTOR, body?: unknown) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/director/${action}`,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
const get = (path: string, token: string | null = DIRECTOR) =>
  app.inject({ url: `/api/v1/director/${path}`, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

/** A board as the page runs it: the live store and the program store, fed by a real socket. */
function board() {
  const client = liveClient(url);
  sockets.push(client.socket);
  const store = createLiveStore(() => client.socket.emit('resync'));
  const program = createProgramStore(store);
  const programs: Program[] = [];
  const shownGross: number[] = [];
  store.subscribe(() => {
    const g = shownState(store.getState(), program.getState()).gmvFen;
    if (g !== null) shownGross.push(Number(g));
  });
  client.socket.on('snapshot', (s) => {
    store.dispatch({ type: 'snapshot', snapshot: s, atMs: Date.now() });
    if (s.program) program.apply(s.program, true);
  });
  client.socket.on('tick', (t) => store.dispatch({ type: 'tick', tick: t, atMs: Date.now() }));
  client.socket.on('program', (p) => {
    programs.push(p);
    program.apply(p, false);
  });
  return { client, store, program, programs, shownGross };
}

let nextOrder = 1;
async function sell(n: number): Promise<number> {
  const orders = Array.from({ length: n }, () => order(nextOrder++));
  const res = await injectOrders(app, ndjson(orders));
  expect(res.statusCode).toBe(200);
  return orders.reduce((sum, o) => sum + fenOf(o), 0);
}

describe('the director routes', () => {
  it('refuse every request without a director or admin token', async () => {
    for (const token of [null, TOKEN, 'not-a-director-token-0000']) {
      const res = await get('state', token);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('GMV_ERR_ADMIN_UNAUTHORIZED');
      for (const action of ['take', 'hold', 'release']) {
        const r = await app.inject({
          method: 'POST',
          url: `/api/v1/director/${action}`,
          headers: token === null ? {} : { authorization: `Bearer ${token}` },
        });
        expect(r.statusCode).toBe(401);
      }
      expect((await get('audit', token)).statusCode).toBe(401);
    }
    // Nothing refused reached the program.
    expect((await get('state')).json<DirectorState>().program.rev).toBe(0);
    expect((await get('state', ADMIN)).statusCode).toBe(200);
  });

  it('refuse a milestone card without its milestone', async () => {
    const res = await post('preview', DIRECTOR, { scene: { kind: 'milestone' } });
    expect(res.statusCode).toBe(400);
    expect((await post('preview', DIRECTOR, { scene: { kind: 'stage' } })).statusCode).toBe(400);
  });
});

describe('take, hold and release on real boards', () => {
  it('a take reaches every connected board, and a board that connects later has it in its snapshot', async () => {
    const a = board();
    const b = board();
    await until(() => a.store.getState().figures && b.store.getState().figures, 10_000, 'two boards');
    const preview = await post('preview', DIRECTOR, { scene: { kind: 'hero' } });
    expect(preview.json<DirectorState>().preview).toEqual({ kind: 'hero' });
    expect(a.programs).toHaveLength(0);
    const take = await post('take');
    expect(take.statusCode).toBe(200);
    const rev = take.json<DirectorState>().program.rev;
    for (const x of [a, b]) {
      await until(() => x.program.getState().program?.rev === rev, 10_000, 'the take on a board');
      expect(x.program.getState().program?.scene).toEqual({ kind: 'hero' });
    }
    const c = board();
    await until(() => c.program.getState().program, 10_000, 'a late board');
    expect(c.program.getState().program).toMatchObject({ rev, scene: { kind: 'hero' }, held: false });
  });

  it('hold keeps the figures on the wall while orders arrive; release shows them, never a smaller number', async () => {
    const w = board();
    const first = await sell(5);
    await until(
      () => w.store.getState().gmvFen !== null && Number(w.store.getState().gmvFen) >= first,
      10_000,
      'sales',
    );
    const hold = await post('hold');
    const heldSeq = hold.json<DirectorState>().program.heldSeq!;
    expect(heldSeq).toBeGreaterThan(0);
    expect(heldSeq).toBeLessThanOrEqual(app.live.seq);
    await until(() => w.program.getState().frozen, 10_000, 'the hold on the board');
    const heldGross = Number(w.program.getState().frozen!.gmvFen);
    expect(heldGross).toBeGreaterThanOrEqual(first);

    const more = await sell(7);
    await until(
      () => Number(w.store.getState().gmvFen) >= heldGross + more,
      10_000,
      'the live state going on during the hold',
    );
    // The live state went on; the wall still shows the held figures.
    expect(Number(shownState(w.store.getState(), w.program.getState()).gmvFen)).toBe(heldGross);
    expect(w.program.getState().program?.held).toBe(true);

    const release = await post('release');
    expect(release.json<DirectorState>().program).toMatchObject({ held: false, heldSeq: null });
    await until(() => w.program.getState().program?.held === false, 10_000, 'the release on the board');
    expect(Number(shownState(w.store.getState(), w.program.getState()).gmvFen)).toBe(heldGross + more);
    // Every figure the wall showed, in order: never smaller than the one before.
    for (let i = 1; i < w.shownGross.length; i++) expect(w.shownGross[i]).toBeGreaterThanOrEqual(w.shownGross[i - 1]!);
  });

  it('records every action in ClickHouse, with who (never the token), newest first', async () => {
    await post('preview', ADMIN, { scene: { kind: 'milestone', milestone: '10000000000.00' } });
    await post('take', ADMIN);
    const audit = (await get('audit?limit=10')).json<AuditList>().actions;
    expect(audit.map((a) => a.action)).toEqual(['take', 'preview', 'release', 'hold', 'take', 'preview']);
    expect(audit[0]).toMatchObject({ scene: { kind: 'milestone', milestone: '10000000000.00' } });
    expect(audit[0]!.who).toMatch(/^admin:[0-9a-f]{12}$/);
    expect(audit[2]!.who).toMatch(/^director:[0-9a-f]{12}$/);
    expect(audit[3]!.heldSeq).toBeGreaterThan(0);
    const times = audit.map((a) => Date.parse(a.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    for (const a of audit) {
      expect(a.who).not.toContain(DIRECTOR);
      expect(a.who).not.toContain(ADMIN);
    }
    const rs = await app.store.query({
      query: `SELECT count() AS n, uniqExact(who) AS who FROM ${app.store.db}.director_actions`,
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ n: string; who: string }>())[0]).toEqual({ n: '6', who: '2' });
    expect((await get('audit?limit=1')).json<AuditList>().actions).toEqual([audit[0]]);
    expect((await get('audit?limit=100000')).statusCode).toBe(400);
  });
});

describe('the map view', () => {
  it('preview a map view on the map scene, and refuse one on any other scene', async () => {
    const ok = await post('preview', DIRECTOR, { scene: { kind: 'map', map: 'china' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<DirectorState>().preview).toEqual({ kind: 'map', map: 'china' });
    const refused = await post('preview', DIRECTOR, { scene: { kind: 'hero', map: 'world' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ message: string }>().message).toContain('scene-takes-no-map');
    expect((await post('preview', DIRECTOR, { scene: { kind: 'map', map: 'moon' } })).statusCode).toBe(400);
  });
});
