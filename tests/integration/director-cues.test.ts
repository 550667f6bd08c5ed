import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardCrossedAtMs } from '../../client/app/milestones/card.js';
import { createProgramStore } from '../../client/live/program.js';
import { createLiveStore } from '../../client/live/store.js';
import type { AllNode } from '../../server/roles.js';
import type { AuditList, DirectorState } from '../../shared/director.js';
import type { Program } from '../../shared/protocol.js';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { injectOrders, liveClient, startApp, until, type LiveSocket } from '../fixtures/app.js';
import { ndjson } from '../fixtures/orders.js';
import { tempDir } from '../fixtures/server.js';

const DIRECTOR = 'director-token-0123456789abcdef';
const T0 = Date.parse('2015-11-11T00:00:00+08:00');
const dir = tempDir('director-cues');
let app: AllNode;
let url: string;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  const shows = DEFAULT_SHOWS.map((s) =>
    s.id === '2015' ? { ...s, milestones: ['1000.00', '5000.00', '9000.00'] } : s,
  );
  const file = join(dir.path, 'shows.json');
  writeFileSync(file, JSON.stringify(shows));
  ({ app, url } = await startApp(join(dir.path, 'db'), {
    SHOWS_FILE: file,
    SHOW_CLOCK: 'events',
    DIRECTOR_TOKENS: DIRECTOR,
  }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  dir.remove();
});

const post = (action: string, body?: unknown, token: string | null = DIRECTOR) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/director/${action}`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
const state = async () =>
  (
    await app.inject({ url: '/api/v1/director/state', headers: { authorization: `Bearer ${DIRECTOR}` } })
  ).json<DirectorState>();
const audit = async (limit = 10) =>
  (
    await app.inject({
      url: `/api/v1/director/audit?limit=${limit}`,
      headers: { authorization: `Bearer ${DIRECTOR}` },
    })
  ).json<AuditList>().actions;

/** Polls the desk's state (over HTTP) until `check` holds. */
async function untilState(check: (s: DirectorState) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check(await state())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function sale(id: string, ms: number, amount: string) {
  return { order_id: id, ts: ms, amount, currency: 'CNY', country: 'CN', channel: 'mobile', merchant_id: 'm1' };
}
async function sell(...orders: ReturnType<typeof sale>[]) {
  const res = await injectOrders(app, ndjson(orders));
  expect(res.statusCode).toBe(200);
}

/** A board as the page runs it: the live store and the program store, fed by a real socket. */
function board() {
  const client = liveClient(url);
  sockets.push(client.socket);
  const store = createLiveStore(() => client.socket.emit('resync'));
  const program = createProgramStore(store);
  const programs: Program[] = [];
  client.socket.on('snapshot', (s) => {
    store.dispatch({ type: 'snapshot', snapshot: s, atMs: Date.now() });
    if (s.program) program.apply(s.program, true);
  });
  client.socket.on('tick', (t) => store.dispatch({ type: 'tick', tick: t, atMs: Date.now() }));
  client.socket.on('program', (p) => {
    programs.push(p);
    program.apply(p, false);
  });
  /** What the milestone card on this board says: when its milestone was reached (null: still to go). */
  const card = () => cardCrossedAtMs(program.getState().program, store.getState().figures?.milestones ?? null);
  return { store, program, programs, card };
}

describe('arming a cue', () => {
  it('needs a director token, and refuses an amount that is no milestone of the show', async () => {
    expect((await post('arm', { amount: '1000.00', mode: 'auto' }, null)).statusCode).toBe(401);
    expect((await post('disarm', undefined, null)).statusCode).toBe(401);
    const res = await post('arm', { amount: '1234.00', mode: 'auto' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'GMV_ERR_REQUEST_INVALID' });
    expect(res.json().message).toContain('cue-not-a-milestone-of-the-show');
    expect((await post('arm', { amount: '1000.00', mode: 'sometimes' })).statusCode).toBe(400);
    expect((await state()).cue).toBeNull();
  });
});

describe('an armed cue on real boards', () => {
  it('auto: the card goes on air by itself at the crossing, with the exact event time, revised by a late sale', async () => {
    const b = board();
    await until(() => b.store.getState().figures, 10_000, 'a board');
    const armed = await post('arm', { amount: '1000.00', mode: 'auto' });
    expect(armed.statusCode).toBe(200);
    expect(armed.json<DirectorState>()).toMatchObject({
      preview: { kind: 'milestone', milestone: '1000.00' },
      cue: { amount: '1000.00', mode: 'auto', state: 'armed', crossedAtMs: null },
    });
    const rev = armed.json<DirectorState>().program.rev;

    // 600.00, then 500.00 at 0:00:20.300: that order takes gross GMV to 1000.00.
    await sell(sale('a-1', T0 + 10_000, '600.00'));
    await until(() => Number(b.store.getState().gmvFen) === 60_000, 10_000, 'the first sale');
    expect(b.programs).toHaveLength(0);
    await sell(sale('a-2', T0 + 20_300, '500.00'));
    const onAir = await until(() => b.programs.find((p) => p.rev > rev), 10_000, 'the cue on air');
    expect(onAir.scene).toEqual({ kind: 'milestone', milestone: '1000.00' });
    expect(onAir.crossedAtMs).toBe(T0 + 20_300);
    // The card says when the milestone was reached by the order's event time, not the take's wall time.
    expect(onAir.atMs).not.toBe(T0 + 20_300);
    expect(b.card()).toBe(T0 + 20_300);
    expect((await state()).cue).toMatchObject({ state: 'on-air', crossedAtMs: T0 + 20_300 });

    const [take, arm] = await audit(2);
    expect(take).toMatchObject({
      action: 'take',
      who: 'auto',
      mode: 'auto',
      scene: { kind: 'milestone', milestone: '1000.00' },
      crossedAt: new Date(T0 + 20_300).toISOString(),
      rev: onAir.rev,
    });
    expect(arm).toMatchObject({ action: 'arm', mode: 'auto', scene: { kind: 'milestone', milestone: '1000.00' } });
    expect(arm!.who).toMatch(/^director:[0-9a-f]{12}$/);

    // A late sale of 400.00 at 0:00:15: gross reached 1000.00 then. The card follows the revision.
    await sell(sale('a-0', T0 + 15_000, '400.00'));
    await until(() => b.card() === T0 + 15_000, 10_000, 'the revised crossing on the card');
    await untilState((s) => s.cue?.crossedAtMs === T0 + 15_000, 'the revised crossing on the cue');
    // A revision is no new take: the program stayed as the cue put it.
    expect(b.program.getState().program?.rev).toBe(onAir.rev);
  });

  it('refuses to arm a milestone already crossed; disarm is recorded', async () => {
    const res = await post('arm', { amount: '1000.00', mode: 'manual' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('cue-milestone-already-crossed');
    const disarmed = await post('disarm');
    expect(disarmed.json<DirectorState>().cue).toBeNull();
    expect((await audit(1))[0]).toMatchObject({
      action: 'disarm',
      scene: { kind: 'milestone', milestone: '1000.00' },
    });
  });

  it("manual: the cue turns ready at the crossing and the card waits for the director's take", async () => {
    const b = board();
    await until(() => b.store.getState().figures, 10_000, 'a board');
    const armed = await post('arm', { amount: '5000.00', mode: 'manual' });
    const rev = armed.json<DirectorState>().program.rev;
    // 1500.00 so far; 3600.00 at 0:00:30.450 reaches 5000.00.
    await sell(sale('m-1', T0 + 30_450, '3600.00'));
    await untilState((s) => s.cue?.state === 'crossed', 'the cue crossed');
    expect((await state()).cue).toMatchObject({ amount: '5000.00', state: 'crossed', crossedAtMs: T0 + 30_450 });
    // Nothing went on air by itself.
    await until(() => Number(b.store.getState().gmvFen) === 510_000, 10_000, 'the crossing sale on the board');
    expect(b.programs).toHaveLength(0);
    expect((await state()).program.rev).toBe(rev);

    const take = await post('take');
    expect(take.json<DirectorState>()).toMatchObject({
      program: { scene: { kind: 'milestone', milestone: '5000.00' }, crossedAtMs: T0 + 30_450 },
      cue: { state: 'on-air' },
    });
    const onAir = await until(() => b.programs.find((p) => p.rev > rev), 10_000, 'the take on the board');
    expect(onAir.crossedAtMs).toBe(T0 + 30_450);
    expect(b.card()).toBe(T0 + 30_450);
    const [entry] = await audit(1);
    expect(entry).toMatchObject({ action: 'take', crossedAt: new Date(T0 + 30_450).toISOString(), mode: null });
    expect(entry!.who).toMatch(/^director:/);
  });
});
