import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import { marksRev, readMarks } from '../../server/store/marks.js';
import { MAX_MARKS_PER_SHOW, type DirectorMark, type DirectorMarkList, type MarkList } from '../../shared/marks.js';
import type { Snapshot } from '../../shared/protocol.js';
import { io as connect } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import { injectOrders, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { ndjson, order } from '../fixtures/orders.js';
import { TOKEN, tempDir } from '../fixtures/server.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
/** Access is closed: the boards' read and the export need a viewer token, the console's routes the director's. */
const VIEWER = 'viewer-token-0123456789abcdef';
const dir = tempDir('marks');
let app: AllNode;
let url: string;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  ({ app, url } = await startApp(join(dir.path, 'db'), {
    DIRECTOR_TOKENS: DIRECTOR,
    ADMIN_TOKENS: ADMIN,
    VIEW_TOKENS: VIEWER,
    SHOW_CLOCK: 'events',
  }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  dir.remove();
});

const auth = (token: string | null) => (token === null ? {} : { authorization: `Bearer ${token}` });
const create = (body: unknown, token: string | null = DIRECTOR) =>
  app.inject({ method: 'POST', url: '/api/v1/director/marks', headers: auth(token), payload: body as object });
const remove = (id: string, token: string | null = DIRECTOR) =>
  app.inject({ method: 'DELETE', url: `/api/v1/director/marks/${id}`, headers: auth(token) });
const directorList = async () =>
  (await app.inject({ url: '/api/v1/director/marks', headers: auth(DIRECTOR) })).json<DirectorMarkList>();
const read = (path: string) => app.inject({ url: path, headers: auth(VIEWER) });
const publicList = async (query = '') => (await read(`/api/v1/marks${query}`)).json<MarkList>();

/** A board's socket (with the viewer token) that records its snapshots. */
function liveClient(base: string): { socket: LiveSocket; snapshots: Snapshot[] } {
  const socket: LiveSocket = connect(`${base}${LIVE_NAMESPACE}`, {
    transports: ['websocket'],
    reconnectionDelay: 100,
    auth: { token: VIEWER },
  });
  const snapshots: Snapshot[] = [];
  socket.on('snapshot', (s) => snapshots.push(s));
  return { socket, snapshots };
}

/** 2015-11-11 00:00 China time: the live show's start. */
const START = Date.UTC(2015, 10, 10, 16, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the marks routes', () => {
  it('refuse every request without a director or admin token, and make nothing', async () => {
    for (const token of [null, TOKEN, 'not-a-director-token-0000']) {
      const made = await create({ kind: 'act', label: 'Opening' }, token);
      expect(made.statusCode).toBe(401);
      expect(made.json().code).toBe('GMV_ERR_ADMIN_UNAUTHORIZED');
      const list = await app.inject({ url: '/api/v1/director/marks', headers: auth(token) });
      expect(list.statusCode).toBe(401);
      expect((await remove('00000000-0000-4000-8000-000000000000', token)).statusCode).toBe(401);
    }
    expect((await publicList()).marks).toEqual([]);
    expect(await marksRev(app.store, '2015')).toBe(0);
    // The boards' read is behind the viewer token, like the history API; a director token is not one.
    for (const token of [null, DIRECTOR]) {
      const res = await app.inject({ url: '/api/v1/marks', headers: auth(token) });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('GMV_ERR_VIEWER_UNAUTHORIZED');
    }
    expect((await app.inject({ url: `/api/v1/marks?token=${VIEWER}` })).statusCode).toBe(200);
  });

  it('refuse bad input, naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ kind: 'dance', label: 'x' }, /kind/],
      [{ kind: 'act', label: 'x'.repeat(121) }, /label/],
      [{ kind: 'act', label: '' }, /label/],
      [{ kind: 'act', label: '   ' }, /label/],
      [{ kind: 'act', label: 'two\nlines' }, /label/],
      [{ kind: 'act' }, /label/],
      [{ kind: 'act', label: 'x', at: 'tomorrow' }, /\bat\b/],
      [{ kind: 'act', label: 'x', at: '2014-11-11T20:00:00+08:00' }, /\bat must be inside the window of show 2015/],
      [{ kind: 'act', label: 'x', colour: 'red' }, /colour|additional/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('GMV_ERR_REQUEST_INVALID');
      expect(res.json().message, JSON.stringify(body)).toMatch(message);
    }
    expect((await remove('not-a-uuid')).statusCode).toBe(400);
    expect((await directorList()).marks).toEqual([]);
  });
});

describe('making, listing and removing marks', () => {
  let board: { socket: LiveSocket; snapshots: Snapshot[]; notices: { show: string; rev: number }[] };

  it('a board gets the rev in its snapshot', async () => {
    const c = liveClient(url);
    sockets.push(c.socket);
    const notices: { show: string; rev: number }[] = [];
    c.socket.on('marks', (n) => notices.push(n));
    board = { ...c, notices };
    await until(() => c.snapshots.length > 0, 10_000, 'a snapshot');
    expect(c.snapshots[0]!.marksRev).toBe(0);
  });

  it('makes a mark at the given time and one at the show clock now; both reach the boards as a notice', async () => {
    const res = await injectOrders(app, ndjson([order(3), order(5)]));
    expect(res.statusCode).toBe(200);
    // SHOW_CLOCK=events: the show clock is the newest event time, order 5's.
    const now = Date.parse(String(order(5).ts));
    await until(() => app.live.clockMs() === now, 10_000, 'the show clock');

    const ahead = await create({ kind: 'act', label: 'Act 2: the finale', at: '2015-11-11T00:30:00+08:00' });
    expect(ahead.statusCode).toBe(200);
    const a = ahead.json<DirectorMark>();
    expect(a).toMatchObject({ kind: 'act', label: 'Act 2: the finale', at: iso(START + 30 * 60_000) });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.who).toMatch(/^director:[0-9a-f]{12}$/);

    const live = await create({ kind: 'coupon', label: '¥50 coupon drop \\ 满减' }, ADMIN);
    expect(live.statusCode).toBe(200);
    const b = live.json<DirectorMark>();
    expect(b).toMatchObject({ kind: 'coupon', label: '¥50 coupon drop \\ 满减', at: iso(now) });
    expect(b.who).toMatch(/^admin:[0-9a-f]{12}$/);

    await until(() => board.notices.length === 2, 10_000, 'two notices');
    expect(board.notices).toEqual([
      { show: '2015', rev: 1 },
      { show: '2015', rev: 2 },
    ]);

    const list = await directorList();
    expect(list).toMatchObject({ show: '2015', timeZone: 'Asia/Shanghai', rev: 2 });
    // By time: the live one (00:00:05) before the one ahead (00:30).
    expect(list.marks.map((m) => m.id)).toEqual([b.id, a.id]);
    for (const m of list.marks) {
      expect(m.who).not.toContain(DIRECTOR);
      expect(m.who).not.toContain(ADMIN);
    }
    // The boards' read: the same marks, without who.
    const pub = await publicList('?show=2015');
    expect(pub.rev).toBe(2);
    expect(pub.marks).toEqual([
      { id: b.id, at: b.at, kind: 'coupon', label: b.label },
      { id: a.id, at: a.at, kind: 'act', label: a.label },
    ]);
    // A board that connects now has the rev in its snapshot.
    const late = liveClient(url);
    sockets.push(late.socket);
    await until(() => late.snapshots.length > 0, 10_000, 'a late snapshot');
    expect(late.snapshots[0]!.marksRev).toBe(2);
  });

  it('removes a mark; a second removal and an unknown id are 404', async () => {
    const [first] = (await directorList()).marks;
    const res = await remove(first!.id);
    expect(res.statusCode).toBe(200);
    expect(res.json<DirectorMark>().id).toBe(first!.id);
    expect((await publicList()).marks.map((m) => m.label)).toEqual(['Act 2: the finale']);
    const again = await remove(first!.id);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('GMV_ERR_MARK_UNKNOWN');
    await until(() => board.notices.length === 3, 10_000, 'the removal notice');
    expect(board.notices[2]).toEqual({ show: '2015', rev: 3 });
    // The rev is what the store holds: every change, tombstones included (so it outlives a restart).
    expect(await marksRev(app.store, '2015')).toBe(3);
    // The store's reads are exact before and after the parts merge.
    expect((await readMarks(app.store, '2015')).map((m) => m.label)).toEqual(['Act 2: the finale']);
    await app.store.client.command({ query: `OPTIMIZE TABLE ${app.store.db}.show_marks FINAL` });
    expect((await readMarks(app.store, '2015')).map((m) => m.label)).toEqual(['Act 2: the finale']);
  });

  it('exports the marks with the data, as CSV with formula-safe text, within the range', async () => {
    expect(
      (await create({ kind: 'line', label: '=HYPERLINK("x")', at: '2015-11-11T00:10:00.125+08:00' })).statusCode,
    ).toBe(200);
    const csv = await read('/api/v1/export.csv?show=2015&kind=marks');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/gmv-2015-marks-.*\.csv/);
    expect(csv.body.trim().split('\n')).toEqual([
      '"at","kind","label"',
      `"${iso(START + 10 * 60_000 + 125)}","line","'=HYPERLINK(""x"")"`,
      `"${iso(START + 30 * 60_000)}","act","Act 2: the finale"`,
    ]);
    const some = await read(
      '/api/v1/export.csv?show=2015&kind=marks&from=2015-11-11T00:20:00%2B08:00&to=2015-11-11T01:00:00%2B08:00',
    );
    expect(some.body.trim().split('\n')).toEqual([
      '"at","kind","label"',
      `"${iso(START + 30 * 60_000)}","act","Act 2: the finale"`,
    ]);
    const parquet = await read('/api/v1/export.parquet?show=2015&kind=marks');
    expect(parquet.statusCode).toBe(200);
    expect(parquet.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
  });

  it(`refuses a mark past ${MAX_MARKS_PER_SHOW} with GMV_ERR_MARKS_FULL; a removal makes room`, async () => {
    const have = (await directorList()).marks.length;
    // Fill the show up to one short of the limit below HTTP, in one INSERT.
    const rows = Array.from({ length: MAX_MARKS_PER_SHOW - 1 - have }, (_, i) => ({
      show: '2015',
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      at: '2015-11-10 16:40:00.000',
      kind: 'other',
      label: `filler ${i}`,
      who: 'test',
      created_at: '2015-11-10 16:40:00.000',
      deleted: 0,
    }));
    await app.store.client.insert({
      table: `${app.store.db}.show_marks`,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
    expect((await create({ kind: 'other', label: 'the last one' })).statusCode).toBe(200);
    const full = await create({ kind: 'other', label: 'one too many' });
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('GMV_ERR_MARKS_FULL');
    expect((await publicList()).marks).toHaveLength(MAX_MARKS_PER_SHOW);
    expect((await remove(rows[0]!.id)).statusCode).toBe(200);
    expect((await create({ kind: 'other', label: 'room again' })).statusCode).toBe(200);
  });

  it('lists another show with its own rev and none of the live show marks', async () => {
    const other = await publicList('?show=2014');
    expect(other).toEqual({ show: '2014', timeZone: 'Asia/Shanghai', rev: 0, marks: [] });
    expect((await read('/api/v1/marks?show=nope')).json().code).toBe('GMV_ERR_SHOW_UNKNOWN');
  });
});
