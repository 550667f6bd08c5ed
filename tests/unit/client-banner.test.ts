// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { MilestoneBanner } from '../../client/app/milestones/MilestoneBanner.js';
import { initialLiveState, reduceLive } from '../../client/live/state.js';
import { PROTOCOL_VERSION, type Snapshot } from '../../shared/protocol.js';
import { decimalToFen } from '../../shared/money.js';
import type { FenMilestone } from '../../client/live/decode.js';
import { setupBoardDom } from '../fixtures/dom.js';

setupBoardDom();

const START = Date.parse('2014-11-11T00:00:00+08:00');
const show = { startMs: START, timeZone: 'Asia/Shanghai' };
const crossed = (amount: string, atS: number): FenMilestone => ({
  fen: decimalToFen(amount),
  kind: 'threshold',
  crossedAtMs: START + atS * 1000,
  predictedAtMs: null,
});

function mount() {
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  const render = (milestones: FenMilestone[], asOfS: number, epoch: number) =>
    act(() => root.render(createElement(MilestoneBanner, { milestones, show, asOfMs: START + asOfS * 1000, epoch })));
  const banner = () => el.querySelector('[data-testid="milestone-banner"]')?.textContent ?? null;
  return { render, banner, unmount: () => act(() => root.unmount()) };
}

describe('MilestoneBanner in a replay', () => {
  it('celebrates a crossing played through, but none of those a seek jumped over', () => {
    const b = mount();
    // Created at 00:00:00: nothing crossed yet.
    b.render([], 0, 1);
    expect(b.banner()).toBeNull();
    // Playing: 100 million is crossed between two frames.
    b.render([crossed('100000000.00', 97)], 100, 1);
    expect(b.banner()).toContain('100 million in 00:01:37');
    b.unmount();

    const c = mount();
    c.render([], 0, 1);
    // A seek to 00:38:28 (a new stream: epoch 2) lands long after 1 billion and 10 billion.
    c.render([crossed('1000000000.00', 180), crossed('10000000000.00', 2290)], 2308, 2);
    expect(c.banner()).toBeNull();
    // Playing on from there, the next crossing is celebrated again.
    c.render(
      [crossed('1000000000.00', 180), crossed('10000000000.00', 2290), crossed('20000000000.00', 4000)],
      4001,
      2,
    );
    expect(c.banner()).toContain('20 billion');
    c.unmount();
  });
});

describe('reduceLive streamEpoch', () => {
  const snap = (seq: number): Snapshot =>
    ({
      v: PROTOCOL_VERSION,
      seq,
      show: { id: '2014', startMs: START, endMs: START + 86_400_000, timeZone: 'Asia/Shanghai' },
      asOfMs: START,
      gross: { gmv: '0.00', orders: 0 },
      net: { gmv: '0.00', orders: 0 },
      rate: { ordersPerSec: 0, gmvPerSec: '0.00', peakOrdersPerSec: 0, peakSecond: null },
      pace: { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null },
      breakdowns: { channel: [], country: [], category: [], merchant: [] },
      milestones: [],
      series: [],
      sentAtMs: 1,
      lastYear: null,
    }) as unknown as Snapshot;

  it('counts the snapshots that start a stream afresh, not the ones that follow on the same stream', () => {
    let s = reduceLive(initialLiveState, { type: 'snapshot', snapshot: snap(5), atMs: 1 }).state;
    expect(s.streamEpoch).toBe(1);
    s = reduceLive(s, { type: 'snapshot', snapshot: snap(6), atMs: 2 }).state;
    expect(s.streamEpoch).toBe(1);
    s = reduceLive(s, { type: 'restarted' }).state;
    s = reduceLive(s, { type: 'snapshot', snapshot: snap(2), atMs: 3 }).state;
    expect(s.streamEpoch).toBe(2);
    s = reduceLive(s, { type: 'disconnected' }).state;
    s = reduceLive(s, { type: 'snapshot', snapshot: snap(9), atMs: 4 }).state;
    expect(s.streamEpoch).toBe(3);
  });
});
