// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { ConnectionMark } from '../../client/app/panels/ConnectionMark.js';
import { freshnessMark } from '../../client/live/select.js';
import { initialLiveState, reduceLive, type LiveAction, type LiveState } from '../../client/live/state.js';
import { PROTOCOL_VERSION, type Snapshot, type Tick } from '../../shared/protocol.js';
import { setupBoardDom } from '../fixtures/dom.js';

setupBoardDom();

const START = 1_447_171_200_000;

const base = {
  v: PROTOCOL_VERSION as typeof PROTOCOL_VERSION,
  asOfMs: START,
  gross: { gmv: '10.00', orders: 1 },
  net: { gmv: '10.00', orders: 1 },
  rate: { ordersPerSec: 0, gmvPerSec: '0.00', peakOrdersPerSec: 1, peakSecond: 0 },
  breakdowns: { channel: [], country: [], category: [], merchant: [] },
  newestEventMs: START,
  healthy: true,
  pace: { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null },
  milestones: [],
  arcs: [],
  ordersPerArc: 0,
};

function snapshot(committedAtMs: number | null, sentAtMs: number, stale?: Snapshot['stale']): Snapshot {
  return {
    ...base,
    seq: 1,
    committedAtMs,
    sentAtMs,
    show: {
      id: '2015',
      name: '2015',
      startMs: START,
      endMs: START + 86_400_000,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      usdRate: null,
      milestones: [],
      compareTo: null,
      clock: 'wall',
    },
    series: [],
    lastYear: null,
    ...(stale ? { stale } : {}),
  };
}

function tick(seq: number, committedAtMs: number, sentAtMs: number): Tick {
  return { ...base, seq, committedAtMs, sentAtMs, show: '2015', series: [] };
}

function run(actions: LiveAction[]): LiveState {
  return actions.reduce((s, a) => reduceLive(s, a).state, initialLiveState);
}

// The client clock is far from the server's (a TV set hours off): ages are on the server clock.
const SKEW = 7_200_000;

describe('freshnessMark(state, now)', () => {
  it('is null before the server has committed any order', () => {
    const state = run([{ type: 'snapshot', snapshot: snapshot(null, 50_000), atMs: 50_000 + SKEW }]);
    expect(freshnessMark(state, 90_000 + SKEW)).toBeNull();
  });

  it('goes amber, then red, as the newest commit ages, whatever the heartbeats', () => {
    // Committed at 100 000 (server clock); heartbeat ticks keep arriving with the same commit.
    let state = run([{ type: 'snapshot', snapshot: snapshot(100_000, 100_000), atMs: 100_000 + SKEW }]);
    expect(freshnessMark(state, 104_000 + SKEW)?.level).toBe('fresh');
    state = reduceLive(state, { type: 'tick', tick: tick(2, 100_000, 106_000), atMs: 106_000 + SKEW }).state;
    expect(freshnessMark(state, 106_000 + SKEW)).toMatchObject({ level: 'amber', ageMs: 6_000 });
    state = reduceLive(state, { type: 'tick', tick: tick(3, 100_000, 116_000), atMs: 116_000 + SKEW }).state;
    expect(freshnessMark(state, 116_000 + SKEW)?.level).toBe('red');
    // New orders committed: fresh again.
    state = reduceLive(state, { type: 'tick', tick: tick(4, 116_500, 116_600), atMs: 116_600 + SKEW }).state;
    expect(freshnessMark(state, 117_000 + SKEW)?.level).toBe('fresh');
  });

  it('keeps ageing while the link is down', () => {
    let state = run([{ type: 'snapshot', snapshot: snapshot(100_000, 100_000), atMs: 100_000 + SKEW }]);
    state = reduceLive(state, { type: 'disconnected' }).state;
    expect(freshnessMark(state, 120_000 + SKEW)?.level).toBe('red');
  });

  it("uses the server's thresholds from the snapshot, and a screen's own over them", () => {
    const state = run([
      { type: 'snapshot', snapshot: snapshot(100_000, 100_000, { amberMs: 1_000, redMs: 2_000 }), atMs: 100_000 },
    ]);
    expect(state.stale).toEqual({ amberMs: 1_000, redMs: 2_000 });
    expect(freshnessMark(state, 101_500)?.level).toBe('amber');
    expect(freshnessMark(state, 102_000)?.level).toBe('red');
    expect(freshnessMark(state, 102_000, { amberMs: 5_000, redMs: 15_000 })?.level).toBe('fresh');
    // Without them (a replay, an older server): 5 s and 15 s.
    const plain = run([{ type: 'snapshot', snapshot: snapshot(100_000, 100_000), atMs: 100_000 }]);
    expect(freshnessMark(plain, 104_000)?.level).toBe('fresh');
    expect(freshnessMark(plain, 105_000)?.level).toBe('amber');
  });
});

function mount(props: Parameters<typeof ConnectionMark>[0]) {
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  act(() => root.render(createElement(ConnectionMark, props)));
  const mark = el.querySelector('[data-testid="freshness"]');
  act(() => root.unmount());
  return mark;
}

/** A state whose newest commit is `ageMs` old now, on the real clock the component reads. */
function aged(ageMs: number): LiveState {
  const now = Date.now();
  return run([{ type: 'snapshot', snapshot: snapshot(now - ageMs, now), atMs: now }]);
}

const NO_URL = { stale: null, marks: false };

describe('ConnectionMark freshness', () => {
  it('shows a labelled dot, and in amber and red a word', () => {
    const fresh = mount({ live: aged(0), kiosk: false, options: NO_URL });
    expect(fresh?.getAttribute('data-level')).toBe('fresh');
    expect(fresh?.getAttribute('aria-label')).toBe('data fresh');
    expect(fresh?.textContent).toBe('');
    const amber = mount({ live: aged(8_000), kiosk: false, options: NO_URL });
    expect(amber?.getAttribute('data-level')).toBe('amber');
    expect(amber?.textContent).toBe('data late');
    expect(amber?.getAttribute('aria-label')).toBe('data late: no new orders for 5 s or more');
    const red = mount({ live: aged(60_000), kiosk: false, options: NO_URL });
    expect(red?.getAttribute('data-level')).toBe('red');
    expect(red?.textContent).toBe('data stale');
  });

  it('is left off the kiosk picture unless ?marks=1, and off replays', () => {
    expect(mount({ live: aged(60_000), kiosk: true, options: NO_URL })).toBeNull();
    expect(mount({ live: aged(60_000), kiosk: true, options: { stale: null, marks: true } })).not.toBeNull();
    expect(mount({ live: aged(60_000), kiosk: false, replay: true, options: NO_URL })).toBeNull();
  });

  it("reads ?stale= from the page's URL", () => {
    window.history.replaceState(null, '', '/?stale=1,2');
    try {
      expect(mount({ live: aged(3_000), kiosk: false })?.getAttribute('data-level')).toBe('red');
    } finally {
      window.history.replaceState(null, '', '/');
    }
    expect(mount({ live: aged(3_000), kiosk: false })?.getAttribute('data-level')).toBe('fresh');
  });
});
