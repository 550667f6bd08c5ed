import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllNode } from '../../server/roles.js';
import type { FleetAnswer, ScreenReport, ScreenStatus } from '../../shared/fleet.js';
import { liveClient, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { tempDir } from '../fixtures/server.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const dir = tempDir('fleet');
let app: AllNode;
let url: string;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  ({ app, url } = await startApp(dir.path, {
    DIRECTOR_TOKENS: DIRECTOR,
    SCREEN_SILENT_MS: '1500',
    SCREEN_BEHIND_MS: '1500',
  }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  dir.remove();
});

const screens = async (token: string | null = DIRECTOR) =>
  app.inject({ url: '/api/v1/director/screens', headers: token === null ? {} : { authorization: `Bearer ${token}` } });

async function fleet(): Promise<FleetAnswer> {
  const res = await screens();
  expect(res.statusCode).toBe(200);
  return res.json<FleetAnswer>();
}

/** Polls the console's list until `check` finds what it waits for. */
async function waitFor(check: (f: FleetAnswer) => ScreenStatus | undefined | false, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = check(await fleet());
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const byName = (name: string) => (f: FleetAnswer) => f.screens.find((s) => s.name === name);

function report(over: Partial<ScreenReport> = {}): ScreenReport {
  return {
    screen: 'wall-1',
    seq: 0,
    fps: 60,
    paintAgoMs: 3,
    dataAgeMs: 200,
    link: 'live',
    build: '0.1.0+test',
    width: 3840,
    height: 2160,
    programRev: 0,
    visible: true,
    ...over,
  };
}

/** A board's socket that reports `make()` (its current seq and all) every 600 ms until stopped. */
async function reportingBoard(make: (seq: number) => ScreenReport) {
  const client = liveClient(url);
  sockets.push(client.socket);
  await until(() => client.snapshots.length > 0, 10_000, 'a snapshot');
  const seq = () => Math.max(client.snapshots.at(-1)!.seq, client.ticks.at(-1)?.seq ?? 0);
  const send = () => client.socket.emit('report', make(seq()));
  send();
  const timer = setInterval(send, 600);
  return { client, seq, stop: () => clearInterval(timer) };
}

describe('the screen fleet', () => {
  it("refuses the list to anyone without a director's token", async () => {
    expect((await screens(null)).statusCode).toBe(401);
    expect((await screens('not-a-director-token-at-all')).statusCode).toBe(401);
  });

  it('lists a board that reports as it reports, with its node, unflagged while it paints and keeps up', async () => {
    const b = await reportingBoard((seq) => report({ screen: 'wall-ok', seq }));
    const s = await waitFor(byName('wall-ok'), 'wall-ok listed');
    expect(s).toMatchObject({ named: true, connected: true, flags: [] });
    expect(s.node).toMatch(/:\d+$/);
    expect(s.report).toMatchObject({ fps: 60, build: '0.1.0+test', width: 3840, height: 2160, link: 'live' });
    expect(s.report.seq).toBeGreaterThanOrEqual(b.client.snapshots[0]!.seq);
    b.stop();
  });

  it('flags a board that stops reporting as silent (a frozen tab), then as disconnected once its socket closes', async () => {
    const b = await reportingBoard((seq) => report({ screen: 'wall-frozen', seq }));
    await waitFor((f) => byName('wall-frozen')(f)?.flags.length === 0 && byName('wall-frozen')(f), 'wall-frozen fine');
    b.stop();
    const silent = await waitFor(
      (f) => byName('wall-frozen')(f)?.flags.includes('silent') && byName('wall-frozen')(f),
      'silent',
    );
    expect(silent.flags).toEqual(['silent']);
    expect(silent.connected).toBe(true);
    b.client.socket.close();
    const gone = await waitFor(
      (f) => byName('wall-frozen')(f)?.connected === false && byName('wall-frozen')(f),
      'gone',
    );
    expect(gone.flags).toEqual(['disconnected']);
    // Flagged screens are listed first.
    const f = await fleet();
    const flaggedInOrder = f.screens.map((s) => s.flags.length > 0);
    expect(flaggedInOrder).toEqual([...flaggedInOrder].sort((x, y) => Number(y) - Number(x)));
    expect(f.flagged).toBe(f.screens.filter((s) => s.flags.length > 0).length);
  });

  it('forgets an unnamed board once it leaves, and lists it under its socket while connected', async () => {
    const b = await reportingBoard((seq) => report({ screen: '', seq }));
    const name = `board-${b.client.socket.id!.slice(0, 8)}`;
    expect((await waitFor(byName(name), 'the unnamed board')).named).toBe(false);
    b.stop();
    b.client.socket.close();
    await waitFor((f) => !byName(name)(f) && f.screens[0]!, 'the unnamed board forgotten');
  });

  it('flags a board that paints no frame, one that paints slowly and one whose data is stale', async () => {
    const stalled = await reportingBoard((seq) => report({ screen: 'wall-stalled', seq, fps: 0, paintAgoMs: 4000 }));
    const slow = await reportingBoard((seq) => report({ screen: 'wall-slow', seq, fps: 7.5 }));
    const stale = await reportingBoard((seq) => report({ screen: 'wall-stale', seq, dataAgeMs: 20_000 }));
    expect((await waitFor(byName('wall-stalled'), 'stalled')).flags).toEqual(['not-painting']);
    expect((await waitFor(byName('wall-slow'), 'slow')).flags).toEqual(['slow']);
    expect((await waitFor(byName('wall-stale'), 'stale')).flags).toEqual(['stale']);
    for (const b of [stalled, slow, stale]) b.stop();
  });

  it('flags a board that stays on an old seq while newer figures go out', async () => {
    // The board keeps reporting the seq of its first snapshot, up to date when it came.
    let first = -1;
    const b = await reportingBoard((seq) => {
      if (first < 0) first = seq;
      return report({ screen: 'wall-behind', seq: first });
    });
    // The heartbeat moves seq on every second: the board's figures are superseded and stay so.
    const s = await waitFor(
      (f) => byName('wall-behind')(f)?.flags.includes('behind') && byName('wall-behind')(f),
      'behind',
    );
    expect(s.behindMs).toBeGreaterThanOrEqual(1500);
    expect(s.report.seq).toBe(first);
    expect(b.client.ticks.at(-1)!.seq).toBeGreaterThan(first);
    b.stop();
  });

  it('takes no report that breaks the schema: an unknown field, a wrong type, a name too long', async () => {
    const client = liveClient(url);
    sockets.push(client.socket);
    await until(() => client.snapshots.length > 0, 10_000, 'a snapshot');
    const bad: unknown[] = [
      { ...report({ screen: 'bad-extra' }), extra: 1 },
      { ...report({ screen: 'bad-type' }), fps: 'sixty' },
      report({ screen: 'x'.repeat(65) }),
    ];
    for (const r of bad) {
      client.socket.emit('report', r as ScreenReport);
      await new Promise((r) => setTimeout(r, 550));
    }
    // A good one after them is taken: the bad ones were checked, not lost in transit.
    client.socket.emit('report', report({ screen: 'good-after-bad' }));
    await waitFor(byName('good-after-bad'), 'the good report');
    const names = (await fleet()).screens.map((s) => s.name);
    expect(names).not.toContain('bad-extra');
    expect(names).not.toContain('bad-type');
    expect(names.some((n) => n.startsWith('xxxx'))).toBe(false);
  });
});
