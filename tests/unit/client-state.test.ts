import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { SeriesPoint, Snapshot, Tick } from '../../shared/protocol.js';
import { formatFen } from '../../shared/money.js';
import type { FenPoint } from '../../client/live/decode.js';

/** Points in fen as the wire carries them. */
const wire = (points: FenPoint[]): SeriesPoint[] => points.map(([s, n, f]) => [s, n, formatFen(f)]);
import { connectionMark, dataAgeMs } from '../../client/live/select.js';
import { initialLiveState, mergeSeries, reduceLive, RESYNC_RETRY_MS } from '../../client/live/state.js';
import type { LiveAction, LiveState } from '../../client/live/state.js';
import { createLiveStore } from '../../client/live/store.js';

const base: Omit<Tick, 'seq' | 'show' | 'gross' | 'series'> = {
  v: PROTOCOL_VERSION,
  asOfMs: 1_447_171_200_000,
  net: { gmv: '0.00', orders: 0 },
  rate: { ordersPerSec: 10, gmvPerSec: '100.00', peakOrdersPerSec: 12, peakSecond: 3 },
  breakdowns: { channel: [], country: [], category: [], merchant: [] },
  newestEventMs: 1_447_171_200_000,
  committedAtMs: 1_000_000,
  sentAtMs: 1_000_500,
  healthy: true,
  pace: { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null },
  milestones: [],
  arcs: [],
  ordersPerArc: 0,
};

function snapshot(seq: number, gmv: string, points: FenPoint[] = []): Snapshot {
  const series = wire(points);
  return {
    ...base,
    seq,
    gross: { gmv, orders: seq * 10 },
    series,
    show: {
      id: '2015',
      name: '11.11 Global Shopping Festival 2015',
      startMs: 1_447_171_200_000,
      endMs: 1_447_257_600_000,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      usdRate: '6.3643',
      milestones: [],
      compareTo: '2014',
      clock: 'events',
    },
    lastYear: null,
  };
}

function tick(seq: number, gmv: string, points: FenPoint[] = [], show = '2015'): Tick {
  return { ...base, seq, show, gross: { gmv, orders: seq * 10 }, series: wire(points) };
}

function run(actions: LiveAction[], from: LiveState = initialLiveState) {
  let state = from;
  let resyncs = 0;
  for (const a of actions) {
    const step = reduceLive(state, a);
    state = step.state;
    if (step.resync) resyncs++;
  }
  return { state, resyncs };
}

const snap = (s: Snapshot, atMs = 0): LiveAction => ({ type: 'snapshot', snapshot: s, atMs });
const tk = (t: Tick, atMs = 0): LiveAction => ({ type: 'tick', tick: t, atMs });

describe('live state reducer', () => {
  it('a snapshot replaces the whole state, series and all', () => {
    const { state } = run([
      snap(snapshot(5, '10.00', [[1, 1, 100]])),
      snap(snapshot(9, '57100000000.00', [[7, 2, 5]])),
    ]);
    expect(state.figures?.seq).toBe(9);
    expect(state.gmvFen).toBe(5_710_000_000_000);
    expect(state.series).toEqual([[7, 2, 5]]);
    expect(state.show?.name).toBe('11.11 Global Shopping Festival 2015');
    expect(state.link).toBe('live');
  });

  it('a tick that follows directly replaces the totals', () => {
    const { state, resyncs } = run([snap(snapshot(5, '10.00')), tk(tick(6, '12.34'), 42)]);
    expect(resyncs).toBe(0);
    expect(state.figures?.seq).toBe(6);
    expect(state.figures?.gross.orders).toBe(60);
    expect(state.gmvFen).toBe(1234);
    expect(state.receivedAtMs).toBe(42);
  });

  it('a gap in seq asks for a resync once and ignores ticks until the next snapshot', () => {
    const { state, resyncs } = run([snap(snapshot(5, '10.00')), tk(tick(7, '99.00'), 10), tk(tick(8, '99.50'), 20)]);
    expect(resyncs).toBe(1);
    expect(state.gmvFen).toBe(1000);
    expect(state.awaitingSnapshotSinceMs).toBe(10);

    const after = run([snap(snapshot(8, '99.50')), tk(tick(9, '100.00'))], state);
    expect(after.resyncs).toBe(0);
    expect(after.state.gmvFen).toBe(10_000);
  });

  it('a lost resync answer is asked for again after a while', () => {
    const { resyncs } = run([
      snap(snapshot(5, '10.00')),
      tk(tick(7, '1.00'), 0),
      tk(tick(8, '1.00'), RESYNC_RETRY_MS - 1),
      tk(tick(9, '1.00'), RESYNC_RETRY_MS + 1),
    ]);
    expect(resyncs).toBe(2);
  });

  it('a duplicate or late tick is ignored without a resync', () => {
    const { state, resyncs } = run([
      snap(snapshot(5, '10.00')),
      tk(tick(6, '11.00')),
      tk(tick(6, '11.00')),
      tk(tick(4, '9.00')),
    ]);
    expect(resyncs).toBe(0);
    expect(state.figures?.seq).toBe(6);
    expect(state.gmvFen).toBe(1100);
  });

  it('a tick before any snapshot or for another show asks for a snapshot', () => {
    expect(run([tk(tick(1, '1.00'))]).resyncs).toBe(1);
    const other = run([snap(snapshot(5, '10.00')), tk(tick(6, '1.00', [], '2014'))]);
    expect(other.resyncs).toBe(1);
    expect(other.state.gmvFen).toBe(1000);
  });

  it('an older snapshot on the same link is ignored, but wins after a reconnect', () => {
    const same = run([snap(snapshot(9, '90.00')), snap(snapshot(3, '30.00'))]);
    expect(same.state.figures?.seq).toBe(9);
    // A restarted server counts seq from scratch; its snapshot must still replace.
    const restarted = run([
      snap(snapshot(9, '90.00')),
      { type: 'disconnected' },
      { type: 'connected' },
      snap(snapshot(3, '30.00')),
    ]);
    expect(restarted.state.figures?.seq).toBe(3);
    expect(restarted.state.gmvFen).toBe(3000);
  });

  it('disconnecting keeps every figure on screen and marks the link reconnecting', () => {
    const { state } = run([snap(snapshot(5, '10.00', [[1, 1, 1]])), { type: 'disconnected' }]);
    expect(state.link).toBe('reconnecting');
    expect(state.gmvFen).toBe(1000);
    expect(state.series).toHaveLength(1);
    expect(connectionMark(state, 0).state).toBe('reconnecting');
  });

  it('an unhealthy server marks the data stale', () => {
    const s = { ...snapshot(5, '10.00'), healthy: false };
    expect(connectionMark(run([snap(s)]).state, 0).state).toBe('stale');
    expect(connectionMark(run([snap(snapshot(5, '10.00'))]).state, 0).state).toBe('live');
  });

  it('messages of another protocol version are ignored', () => {
    const wrong = { ...snapshot(5, '10.00'), v: 99 } as unknown as Snapshot;
    const { state } = run([snap(wrong)]);
    expect(state.figures).toBeNull();
    expect(state.versionMismatch).toBe(true);
  });

  it('an unparsable gmv keeps the last good value', () => {
    const { state } = run([snap(snapshot(5, '10.00')), tk(tick(6, 'NaN'))]);
    expect(state.figures?.seq).toBe(6);
    expect(state.gmvFen).toBe(1000);
  });

  it('tick series points replace the same second or are inserted in order', () => {
    const { state } = run([
      snap(
        snapshot(5, '1.00', [
          [1, 1, 10],
          [3, 3, 30],
        ]),
      ),
      tk(
        tick(6, '2.00', [
          [3, 4, 40],
          [2, 2, 20],
          [5, 5, 50],
        ]),
      ),
    ]);
    expect(state.series).toEqual([
      [1, 1, 10],
      [2, 2, 20],
      [3, 4, 40],
      [5, 5, 50],
    ]);
  });
});

describe('mergeSeries', () => {
  it('returns the same array when nothing changed and never mutates its input', () => {
    const s: FenPoint[] = [[1, 1, 1]];
    expect(mergeSeries(s, [])).toBe(s);
    const merged = mergeSeries(s, [
      [0, 9, 9],
      [1, 2, 2],
    ]);
    expect(merged).toEqual([
      [0, 9, 9],
      [1, 2, 2],
    ]);
    expect(s).toEqual([[1, 1, 1]]);
  });
});

describe('data age', () => {
  it('is measured on the server clock, so a skewed client clock does not matter', () => {
    const { state } = run([snap(snapshot(5, '1.00'), 9_999_000_000)]);
    // committed at 1,000,000, sent at 1,000,500; 250 ms after arrival on the client.
    expect(dataAgeMs(state, 9_999_000_250)).toBe(750);
  });
});

describe('live store', () => {
  it('notifies subscribers on change and forwards resync requests', () => {
    let resyncs = 0;
    let notified = 0;
    const store = createLiveStore(() => resyncs++);
    store.subscribe(() => notified++);
    store.dispatch(snap(snapshot(5, '1.00')));
    store.dispatch(tk(tick(7, '2.00')));
    expect(resyncs).toBe(1);
    expect(store.getState().figures?.seq).toBe(5);
    expect(notified).toBe(2);
  });
});

describe('series history in chunks (protocol 3)', () => {
  const history = (before: number, chunks: number[]) => ({ before, chunkSeconds: 3600, chunks });

  it('fills the seconds a snapshot left out from chunks, keeping the larger value of a second', () => {
    const snap = { ...snapshot(1, '10.00', [[4000, 5, 500]]), history: history(3900, [0, 1]) };
    const { state } = run([
      { type: 'connected' },
      { type: 'snapshot', snapshot: snap, atMs: 1 },
      {
        type: 'history',
        show: '2015',
        series: wire([
          [10, 2, 200],
          [20, 1, 100],
        ]),
      },
      // A chunk fetched earlier (smaller values) never undoes a newer one; a chunk's copy of a
      // recent second the snapshot already has does not either.
      {
        type: 'history',
        show: '2015',
        series: wire([
          [10, 1, 100],
          [3700, 3, 300],
          [4000, 4, 400],
        ]),
      },
      { type: 'history', show: 'other', series: wire([[30, 9, 900]]) },
    ]);
    expect(state.series).toEqual([
      [10, 2, 200],
      [20, 1, 100],
      [3700, 3, 300],
      [4000, 5, 500],
    ]);
  });

  it('keeps the curve it has across a reconnect while the chunks come again', () => {
    const first = { ...snapshot(1, '10.00', [[4000, 5, 500]]), history: history(3900, [0]) };
    const again = {
      ...snapshot(9, '12.00', [
        [4000, 6, 600],
        [4001, 1, 100],
      ]),
      history: history(3950, [0, 1]),
    };
    const { state } = run([
      { type: 'connected' },
      { type: 'snapshot', snapshot: first, atMs: 1 },
      { type: 'history', show: '2015', series: wire([[10, 2, 200]]) },
      { type: 'disconnected' },
      { type: 'connected' },
      { type: 'snapshot', snapshot: again, atMs: 2 },
    ]);
    expect(state.series).toEqual([
      [10, 2, 200],
      [4000, 6, 600],
      [4001, 1, 100],
    ]);
  });

  it('takes a complete series (no history) as it is', () => {
    const { state } = run([
      { type: 'connected' },
      { type: 'snapshot', snapshot: snapshot(1, '1.00', [[10, 2, 200]]), atMs: 1 },
      { type: 'disconnected' },
      { type: 'connected' },
      { type: 'snapshot', snapshot: snapshot(2, '1.00', [[11, 1, 100]]), atMs: 2 },
    ]);
    expect(state.series).toEqual([[11, 1, 100]]);
  });
});
