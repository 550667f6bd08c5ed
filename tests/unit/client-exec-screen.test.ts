// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { ExecScreen } from '../../client/app/exec/ExecScreen.js';
import { Board } from '../../client/app/Board.js';
import { createLiveStore } from '../../client/live/store.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { SeriesPoint, Snapshot } from '../../shared/protocol.js';
import { setupBoardDom } from '../fixtures/dom.js';

const START = 1_447_171_200_000;

setupBoardDom();

/** Ten minutes in: 20 fen each second this year; last year 600 fen a minute, 1,440 minutes. */
const series: SeriesPoint[] = Array.from({ length: 600 }, (_, s) => [s, 1, '0.20']);
const snapshot: Snapshot = {
  v: PROTOCOL_VERSION,
  seq: 4,
  asOfMs: START + 600_000,
  gross: { gmv: '57100000123.45', orders: 1_234_567 },
  net: { gmv: '57000000000.05', orders: 1_230_000 },
  rate: { ordersPerSec: 2, gmvPerSec: '300.00', peakOrdersPerSec: 5, peakSecond: 26 },
  breakdowns: {
    channel: [
      { key: 'mobile', orders: 7, gmv: '40000000000.00' },
      { key: 'pc', orders: 3, gmv: '17100000123.45' },
    ],
    country: [{ key: 'CN', orders: 7, gmv: '57100000123.45' }],
    category: [{ key: 'apparel', orders: 7, gmv: '57100000123.45' }],
    merchant: [],
  },
  newestEventMs: START + 599_000,
  committedAtMs: 1_000,
  sentAtMs: 1_100,
  healthy: true,
  pace: { vsLastYearPct: 100, projectedGmv: '17280.00', lastYearSoFar: '60.00' },
  milestones: [
    { amount: '1000.00', kind: 'threshold', crossedAtMs: START + 5_123, predictedAtMs: null },
    { amount: '100000000000.00', kind: 'threshold', crossedAtMs: null, predictedAtMs: null },
  ],
  arcs: [],
  ordersPerArc: 0,
  show: {
    id: '2015',
    name: 'Gala 2015',
    startMs: START,
    endMs: START + 86_400_000,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    usdRate: '6.3643',
    milestones: ['1000.00', '100000000000.00'],
    compareTo: '2014',
    clock: 'events',
  },
  series,
  lastYear: { show: '2014', name: '2014', totalGmv: '8640.00', minuteGmv: Array.from({ length: 1440 }, () => '6.00') },
};

function mount(view: 'exec' | 'board', store = createLiveStore()) {
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  act(() => root.render(view === 'exec' ? createElement(ExecScreen, { store }) : createElement(Board, { store })));
  return { store, el, root };
}
const byTestId = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);

describe('ExecScreen', () => {
  it('gives each listed key its share of the gross, not of the few rows listed', () => {
    const { store, el, root } = mount('exec');
    const listed = {
      ...snapshot,
      gross: { gmv: '1000.00', orders: 10 },
      breakdowns: {
        ...snapshot.breakdowns,
        // The top two of many countries: 600.00 of a 1,000.00 gross.
        country: [
          { key: 'CN', orders: 4, gmv: '400.00' },
          { key: 'US', orders: 2, gmv: '200.00' },
        ],
      },
    };
    act(() => store.dispatch({ type: 'snapshot', snapshot: listed, atMs: 2_000 }));
    const subs = [...(byTestId(el, 'exec-country')?.querySelectorAll('.exec-row-sub') ?? [])].map((e) => e.textContent);
    expect(subs).toEqual(['40.0% · 4 orders', '20.0% · 2 orders']);
    act(() => root.unmount());
  });

  it('shows the exact figures, the pace, the projection with its band and the milestone history', () => {
    const { store, el, root } = mount('exec');
    act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
    expect(byTestId(el, 'exec-gross')?.textContent).toBe('¥57,100,000,123.45');
    expect(byTestId(el, 'exec-net')?.textContent).toBe('¥57,000,000,000.05');
    expect(byTestId(el, 'exec-orders')?.textContent).toBe('1,234,567');
    expect(byTestId(el, 'exec-pace')?.textContent).toContain('+100.0%');
    expect(byTestId(el, 'exec-pace')?.textContent).toContain('last year by this second: ¥60.00');
    // This year made 1,200 fen a minute against 600: the ratio was 2 all along, so the band is tight.
    expect(byTestId(el, 'exec-projection')?.getAttribute('data-center')).toBe('1728000');
    expect(byTestId(el, 'exec-band')?.getAttribute('data-low')).toBe('1728000');
    expect(byTestId(el, 'exec-band')?.getAttribute('data-high')).toBe('1728000');
    expect(el.querySelector('.exec-method')?.textContent).toMatch(/ratio/);
    const crossed = el.querySelectorAll('[data-testid="exec-milestone"]');
    expect(crossed.length).toBe(1);
    expect(crossed[0]?.textContent).toContain('00:00:05.123');
    expect(byTestId(el, 'exec-channel')?.textContent).toContain('¥17,100,000,123.45');
    // Never asks for notifications by itself.
    expect(byTestId(el, 'exec-notify')).not.toBeNull();
    act(() => root.unmount());
  });

  it("forecasts from last year's shape: when last year's total falls, each milestone ahead and a target's pace", () => {
    const { store, el, root } = mount('exec');
    // 20 fen/s this year for ten minutes against 10 fen/s last year: a steady ratio of 2.
    const shaped: Snapshot = {
      ...snapshot,
      gross: { gmv: '120.00', orders: 600 },
      milestones: [
        { amount: '100.00', kind: 'threshold', crossedAtMs: START + 500_000, predictedAtMs: null },
        { amount: '200.00', kind: 'threshold', crossedAtMs: null, predictedAtMs: START + 700_000 },
        { amount: '8640.00', kind: 'last-year', crossedAtMs: null, predictedAtMs: null },
      ],
      show: { ...snapshot.show, milestones: ['100.00', '200.00'], target: '10000' },
    };
    act(() => store.dispatch({ type: 'snapshot', snapshot: shaped, atMs: 2_000 }));
    expect(byTestId(el, 'exec-forecast')?.getAttribute('data-ratio')).toBe('2');
    // 2 × 10 fen/s × t reaches last year's 864,000 fen at t = 43,200 s: noon, China time.
    expect(byTestId(el, 'exec-pass-last-year')?.textContent).toBe("passes last year's total at 12:00 ± 0 min");
    const etas = el.querySelectorAll('[data-testid="exec-eta"]');
    expect(etas.length).toBe(1);
    // 200.00 CNY = 20,000 fen at 20 fen/s: 1,000 s, 00:16:40, instead of the linear 00:11:40.
    expect(etas[0]?.getAttribute('data-at-sec')).toBe('1000');
    expect(etas[0]?.textContent).toContain('≈ 00:16 ± 0 min');
    expect(el.querySelector('.exec-milestones')?.textContent).toContain('≈ 00:16 ± 0 min');
    // 1,000,000 − 12,000 fen to go over the 23.83 hours left, 1.15× last year's same hours.
    const target = byTestId(el, 'exec-target');
    expect(target?.getAttribute('data-need')).toBe('988000');
    expect(Number(target?.getAttribute('data-per-hour'))).toBeCloseTo(988_000 / (85_800 / 3600), 6);
    expect(target?.textContent).toContain("1.15× last year's same hours");
    expect(target?.textContent).toContain('on track');
    act(() => root.unmount());
  });

  it('keeps the linear prediction of the next milestone when there is no last year', () => {
    const { store, el, root } = mount('exec');
    const alone: Snapshot = {
      ...snapshot,
      lastYear: null,
      milestones: [{ amount: '100000000000.00', kind: 'threshold', crossedAtMs: null, predictedAtMs: START + 700_000 }],
    };
    act(() => store.dispatch({ type: 'snapshot', snapshot: alone, atMs: 2_000 }));
    expect(byTestId(el, 'exec-forecast')?.getAttribute('data-state')).toBe('none');
    expect(el.querySelector('.exec-milestones')?.textContent).toContain('≈ 00:11:40');
    act(() => root.unmount());
  });

  it('prints the same digits as the wall from the same store', () => {
    const store = createLiveStore();
    const exec = mount('exec', store);
    const wall = mount('board', store);
    act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
    const wallGross = byTestId(wall.el, 'gmv-counter')?.getAttribute('aria-label');
    expect(wallGross).toBe(`GMV ${byTestId(exec.el, 'exec-gross')?.textContent}`);
    expect(byTestId(wall.el, 'orders-total')?.textContent).toBe(byTestId(exec.el, 'exec-orders')?.textContent);
    act(() => exec.root.unmount());
    act(() => wall.root.unmount());
  });

  it('stays on screen when a milestone is crossed in a browser that only notifies from a service worker', () => {
    // Chrome on Android: notifications can be granted, but `new Notification()` throws.
    const saved = (globalThis as { Notification?: unknown }).Notification;
    class PageNotification {
      static permission = 'granted';
      static requestPermission = () => Promise.resolve('granted');
      constructor() {
        throw new TypeError("Failed to construct 'Notification': Illegal constructor.");
      }
    }
    (globalThis as { Notification?: unknown }).Notification = PageNotification;
    try {
      const { store, el, root } = mount('exec');
      act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
      const [first, last] = snapshot.milestones;
      const crossed = { ...snapshot, seq: 5, milestones: [first!, { ...last!, crossedAtMs: START + 590_000 }] };
      act(() => store.dispatch({ type: 'snapshot', snapshot: crossed, atMs: 3_000 }));
      expect(el.querySelectorAll('[data-testid="exec-milestone"]').length).toBe(2);
      expect(byTestId(el, 'exec-gross')?.textContent).toBe('¥57,100,000,123.45');
      expect(byTestId(el, 'exec-notify')?.getAttribute('data-permission')).toBe('unsupported');
      act(() => root.unmount());
    } finally {
      (globalThis as { Notification?: unknown }).Notification = saved;
    }
  });
});
