import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { OnAirRecorder } from '../../server/live/record.js';
import type { StoreHandle } from '../../server/store/client.js';
import type { Tick } from '../../shared/protocol.js';

type Mode = 'ok' | 'fail' | 'hang';

/** A store that writes, fails or never answers, and keeps the INSERT bodies it accepted. */
function fakeStore() {
  const state = { mode: 'ok' as Mode, bodies: [] as string[], calls: 0 };
  const client = {
    exec: async (p: { values: Readable }) => {
      state.calls++;
      if (state.mode === 'hang') return new Promise(() => undefined);
      let body = '';
      for await (const c of p.values) body += String(c);
      if (state.mode === 'fail') throw new Error('store down');
      state.bodies.push(body);
      return { stream: Readable.from([]) };
    },
  };
  return { state, store: { db: 'gmv', client } as unknown as StoreHandle };
}

function fakeLog() {
  const warnings: Record<string, unknown>[] = [];
  const log = { warn: (o: Record<string, unknown>) => warnings.push(o), debug: () => undefined };
  return { warnings, log: log as unknown as FastifyBaseLogger };
}

function tick(seq: number): Tick {
  return {
    seq,
    sentAtMs: 1_447_171_200_000 + seq * 100 + 7,
    asOfMs: 1_447_171_200_000 + seq * 100,
    gross: { gmv: `${seq}.50`, orders: seq },
    net: { gmv: `-${seq}.25`, orders: -seq },
    breakdowns: { channel: [], country: [], category: [], merchant: [] },
    milestones: [],
  } as unknown as Tick;
}

// Flushes only when the test asks (the largest interval a timer takes).
const NEVER = 2 ** 31 - 1;

describe('OnAirRecorder', () => {
  it('hands each message back at once, whatever the store does', () => {
    const { state, store } = fakeStore();
    state.mode = 'hang';
    const r = new OnAirRecorder(store, 'live', fakeLog().log, 100, NEVER);
    const t = tick(1);
    expect(r.record('tick', t)).toBe(t);
    void r.flush();
    for (let i = 2; i <= 50; i++) r.record('tick', tick(i));
    expect(r.pending).toBe(49);
  });

  it('writes a buffer as TabSeparated rows of the on_air columns, exact to the millisecond', async () => {
    const { state, store } = fakeStore();
    const r = new OnAirRecorder(store, 'live', fakeLog().log, 100, NEVER);
    r.record('snapshot', tick(3));
    r.record('tick', tick(4));
    await r.flush();
    // The on_air rows (the frames' INSERT comes first); no watermark yet, healthy, built at the first message.
    expect(state.bodies.at(-1)).toEqual(
      'live\t3\tsnapshot\t1447171200.307\t1447171200.300\t3\t3.50\t-3\t-3.25\t\\N\t\\N\t1\t1447171200.307\t400\n' +
        'live\t4\ttick\t1447171200.407\t1447171200.400\t4\t4.50\t-4\t-4.25\t\\N\t\\N\t1\t1447171200.307\t400\n',
    );
    expect(r.pending).toBe(0);
  });

  it('keeps at most `max` messages while the store is down, drops the oldest and logs how many', async () => {
    const { state, store } = fakeStore();
    const { log, warnings } = fakeLog();
    state.mode = 'fail';
    const r = new OnAirRecorder(store, 'live', log, 5, NEVER);
    for (let i = 1; i <= 4; i++) r.record('tick', tick(i));
    await r.flush();
    expect(r.pending).toBe(4);
    for (let i = 5; i <= 8; i++) r.record('tick', tick(i));
    expect(r.pending).toBe(5);
    state.mode = 'ok';
    await r.flush();
    expect(warnings.find((w) => 'dropped' in w)).toEqual({ dropped: 3 });
    // What is written is the newest five, oldest first.
    expect(
      state.bodies
        .at(-1)!
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split('\t')[1])),
    ).toEqual([4, 5, 6, 7, 8]);
  });

  it('writes frames before their messages, TabSeparated-escaped, and keeps both when the store fails', async () => {
    const { state, store } = fakeStore();
    const program = { rev: 1, scene: { kind: 'hero' as const }, held: false, heldSeq: null, atMs: 5 };
    const r = new OnAirRecorder(store, 'live', fakeLog().log, 100, NEVER, { program: () => program, keepDays: 30 });
    const t = tick(1);
    t.breakdowns.merchant = [{ key: 'back\\slash\ttab', orders: 1, gmv: '1.50' }];
    state.mode = 'fail';
    r.record('tick', t);
    await r.flush();
    expect([r.pending, r.pendingFrames]).toEqual([1, 1]);
    state.mode = 'ok';
    await r.flush();
    const [frames, rows] = state.bodies as [string, string];
    const [show, seq, sentAt, json, keep] = frames.trimEnd().split('\t');
    expect([show, seq, sentAt, keep]).toEqual(['live', '1', '1447171200.107', '30']);
    // Unescaped as ClickHouse reads TabSeparated, the field is the frame's JSON.
    const frame = JSON.parse(json!.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c)));
    expect(frame.rankings.merchant[0].key).toBe('back\\slash\ttab');
    expect(frame.program.scene).toEqual({ kind: 'hero' });
    expect(rows.split('\t').at(-1)).toBe('30\n');
  });

  it('runs one INSERT at a time and does not hold shutdown when the store hangs', async () => {
    const { state, store } = fakeStore();
    const { log, warnings } = fakeLog();
    state.mode = 'hang';
    const r = new OnAirRecorder(store, 'live', log, 100, NEVER);
    r.record('tick', tick(1));
    void r.flush();
    r.record('tick', tick(2));
    void r.flush();
    expect(state.calls).toBe(1);
    await r.close(50);
    expect(warnings.some((w) => 'lost' in w)).toBe(true);
  });
});
