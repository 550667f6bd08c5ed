import { formatFen } from '../../shared/money.js';
import type { FenPoint } from '../../client/live/decode.js';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { Arc, SeriesPoint, Snapshot, Tick } from '../../shared/protocol.js';
import { addOffsetSample, clockOffsetMs, OFFSET_SAMPLES, orderToScreenLag } from '../../client/live/clock.js';
import { orderToScreenLagMs, serverClockOffsetMs } from '../../client/live/select.js';
import { clipSeries, initialLiveState, reduceLive } from '../../client/live/state.js';
import type { LiveAction, LiveState } from '../../client/live/state.js';

const START = 1_447_171_200_000;
const base = {
  v: PROTOCOL_VERSION as typeof PROTOCOL_VERSION,
  asOfMs: START,
  gross: { gmv: '1.00', orders: 1 },
  net: { gmv: '1.00', orders: 1 },
  rate: { ordersPerSec: 0, gmvPerSec: '0.00', peakOrdersPerSec: 0, peakSecond: null },
  breakdowns: { channel: [], country: [], category: [], merchant: [] },
  newestEventMs: START,
  healthy: true,
  pace: { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null },
  milestones: [],
};

function snapshot(seq: number, sentAtMs: number, points: [number, number, number][] = []): Snapshot {
  const series: SeriesPoint[] = points.map(([s, n, f]) => [s, n, formatFen(f)]);
  return {
    ...base,
    seq,
    committedAtMs: 500,
    sentAtMs,
    arcs: [],
    ordersPerArc: 0,
    series,
    show: {
      id: '2015',
      name: 'x',
      startMs: START,
      endMs: START + 3_600_000,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      usdRate: null,
      milestones: [],
      compareTo: '2014',
      clock: 'events',
    },
    lastYear: { show: '2014', name: '2014', totalGmv: '9.00', minuteGmv: ['9.00'] },
  };
}

function tick(seq: number, o: { sentAtMs: number; committedAtMs: number; arcs?: Arc[]; perArc?: number }): Tick {
  const { sentAtMs, committedAtMs, arcs = [], perArc = 0 } = o;
  return { ...base, seq, show: '2015', series: [], sentAtMs, committedAtMs, arcs, ordersPerArc: perArc };
}

function run(actions: LiveAction[]): LiveState {
  return actions.reduce((s, a) => reduceLive(s, a).state, initialLiveState);
}

describe('server clock offset', () => {
  it('is the smallest recent (arrival − sent) sample: the one with the least network delay', () => {
    let samples: number[] = [];
    for (const [recv, sent] of [
      [10_050, 50],
      [10_120, 100],
      [10_230, 200],
    ])
      samples = addOffsetSample(samples, recv!, sent!);
    expect(clockOffsetMs(samples)).toBe(10_000);
    expect(clockOffsetMs([])).toBeNull();
  });

  it('keeps a bounded window of samples', () => {
    let samples: number[] = [];
    for (let i = 0; i < 1000; i++) samples = addOffsetSample(samples, i, 0);
    expect(samples).toHaveLength(OFFSET_SAMPLES);
    expect(clockOffsetMs(samples)).toBe(1000 - OFFSET_SAMPLES);
  });
});

describe('order-to-screen lag', () => {
  it('is arrival on the server clock minus the commit, whatever the client clock says', () => {
    // Client clock runs 1 h ahead of the server; the tick left 40 ms after the commit and took 10 ms.
    const skew = 3_600_000;
    const state = run([
      { type: 'snapshot', snapshot: snapshot(1, 1_000), atMs: 1_000 + skew + 10 },
      { type: 'tick', tick: tick(2, { sentAtMs: 2_040, committedAtMs: 2_000 }), atMs: 2_040 + skew + 10 },
    ]);
    expect(serverClockOffsetMs(state)).toBe(skew + 10);
    expect(orderToScreenLagMs(state)).toBe(40);
    expect(orderToScreenLag(100, 50, 20)).toBe(30);
  });

  it('is measured only when a message brings new commits (a heartbeat would measure idle time)', () => {
    const state = run([
      { type: 'snapshot', snapshot: snapshot(1, 1_000), atMs: 1_000 },
      { type: 'tick', tick: tick(2, { sentAtMs: 1_100, committedAtMs: 1_050 }), atMs: 1_100 },
      { type: 'tick', tick: tick(3, { sentAtMs: 9_000, committedAtMs: 1_050 }), atMs: 9_000 },
    ]);
    expect(orderToScreenLagMs(state)).toBe(50);
  });
});

describe('board data in the live state', () => {
  it('keeps each tick’s arcs with its seq and the last non-zero orders per arc', () => {
    const arcs: Arc[] = [[0, 'US']];
    const state = run([
      { type: 'snapshot', snapshot: snapshot(1, 0), atMs: 0 },
      { type: 'tick', tick: tick(2, { sentAtMs: 0, committedAtMs: 1, arcs, perArc: 250 }), atMs: 0 },
      { type: 'tick', tick: tick(3, { sentAtMs: 0, committedAtMs: 1 }), atMs: 0 },
    ]);
    expect(state.arcs).toEqual({ seq: 3, arcs: [] });
    expect(state.ordersPerArc).toBe(250);
    expect(state.lastYear?.minuteFen).toEqual([900]);
  });

  it('bounds the series by the show: seconds before the start or after the end are not kept', () => {
    const state = run([
      {
        type: 'snapshot',
        snapshot: snapshot(1, 0, [
          [-10, 1, 1],
          [0, 1, 1],
          [3599, 1, 1],
          [3600, 1, 1],
        ]),
        atMs: 0,
      },
    ]);
    expect(state.series.map((p) => p[0])).toEqual([0, 3599]);
    const kept: FenPoint[] = [[1, 1, 1]];
    expect(clipSeries(kept, 10)).toBe(kept);
  });
});
