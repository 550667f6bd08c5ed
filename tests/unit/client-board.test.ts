// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { Board } from '../../client/app/Board.js';
import { isKiosk } from '../../client/app/kiosk.js';
import { create as createMap } from '../../client/charts/map/render.js';
import { createLiveStore } from '../../client/live/store.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { Snapshot, Tick } from '../../shared/protocol.js';
import { setupBoardDom } from '../fixtures/dom.js';

const START = 1_447_171_200_000;

setupBoardDom();

const common = {
  v: PROTOCOL_VERSION as typeof PROTOCOL_VERSION,
  asOfMs: START + 60_000,
  gross: { gmv: '1234.50', orders: 7 },
  net: { gmv: '1234.50', orders: 7 },
  rate: {
    ordersPerSec: 2,
    gmvPerSec: '300.00',
    peakOrdersPerSec: 5,
    peakSecond: 26,
    peakGmvPerSec: '1500.00',
    peakGmvSecond: 31,
  },
  breakdowns: {
    channel: [{ key: 'mobile', orders: 7, gmv: '1234.50' }],
    country: [{ key: 'CN', orders: 7, gmv: '1234.50' }],
    category: [{ key: 'apparel', orders: 7, gmv: '1234.50' }],
    merchant: [{ key: '<script>alert(1)</script>', orders: 7, gmv: '1234.50' }],
  },
  newestEventMs: START + 60_000,
  committedAtMs: 1_000,
  sentAtMs: 1_100,
  healthy: true,
  pace: { vsLastYearPct: 12.34, projectedGmv: '64000000000.00', lastYearSoFar: '1100.00' },
  milestones: [{ amount: '1000.00', kind: 'threshold' as const, crossedAtMs: START + 5_000, predictedAtMs: null }],
  arcs: [],
  ordersPerArc: 0,
};

const snapshot: Snapshot = {
  ...common,
  seq: 1,
  show: {
    id: '2015',
    name: 'Gala <b>2015</b>',
    startMs: START,
    endMs: START + 86_400_000,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    usdRate: '6.3643',
    milestones: ['1000.00'],
    compareTo: '2014',
    clock: 'events',
  },
  series: [[3, 7, '1234.50']],
  lastYear: { show: '2014', name: '2014', totalGmv: '57100000000.00', minuteGmv: ['1.00', '2.00'] },
};

function mount(kiosk = false) {
  const store = createLiveStore();
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  act(() => root.render(createElement(Board, { store, kiosk })));
  return { store, el, root };
}

const byTestId = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);

describe('Board', () => {
  it('shows every panel from one snapshot, with data as text and never as markup', () => {
    const { store, el, root } = mount();
    act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
    expect(byTestId(el, 'gmv-counter')?.getAttribute('aria-label')).toBe('GMV ¥1,234.50');
    expect(byTestId(el, 'orders-total')?.textContent).toBe('7');
    expect(byTestId(el, 'peak')?.parentElement?.textContent).toContain('at 00:00:26');
    expect(byTestId(el, 'peak-gmv')?.getAttribute('data-value')).toBe('1500.00');
    expect(byTestId(el, 'peak-gmv')?.parentElement?.textContent).toContain('at 00:00:31');
    expect(byTestId(el, 'pace')?.textContent).toBe('+12.3%');
    expect(byTestId(el, 'show-name')?.textContent).toBe('Gala <b>2015</b>');
    expect(el.querySelector('b, script')).toBeNull();
    expect(byTestId(el, 'milestones')?.textContent).toContain('00:00:05');
    // A crossing long before the first snapshot is listed, not celebrated.
    expect(byTestId(el, 'milestone-banner')).toBeNull();
    act(() => root.unmount());
  });

  it('celebrates a milestone crossed after the board is on air', () => {
    const { store, el, root } = mount();
    act(() => store.dispatch({ type: 'snapshot', snapshot: { ...snapshot, milestones: [] }, atMs: 2_000 }));
    const tick: Tick = { ...common, seq: 2, show: '2015', series: [] };
    act(() => store.dispatch({ type: 'tick', tick, atMs: 2_100 }));
    expect(byTestId(el, 'milestone-banner')?.textContent).toContain('1,000 in 00:00:05');
    act(() => root.unmount());
  });

  it('keeps every panel on a disconnect and only the mark changes (safe mode)', () => {
    const { store, el, root } = mount();
    act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
    const before = el.querySelector('main')?.textContent;
    act(() => store.dispatch({ type: 'disconnected' }));
    expect(byTestId(el, 'connection')?.getAttribute('data-state')).toBe('reconnecting');
    expect(byTestId(el, 'gmv-counter')?.getAttribute('aria-label')).toBe('GMV ¥1,234.50');
    expect(el.querySelectorAll('g.rank-row')).toHaveLength(3);
    expect(el.querySelector('main')?.textContent?.replace(/reconnecting…|live|data.*?old|lag.*?s/g, '')).toBe(
      before?.replace(/reconnecting…|live|data.*?old|lag.*?s/g, ''),
    );
    act(() => root.unmount());
  });

  it('counts down to the gala before it starts, then shows the USD figure', () => {
    const { store, el, root } = mount();
    const before = { ...snapshot, asOfMs: START - 300_000, gross: { gmv: '0.00', orders: 0 }, series: [] };
    act(() => store.dispatch({ type: 'snapshot', snapshot: before, atMs: 2_000 }));
    expect(byTestId(el, 'countdown')?.textContent).toBe('The gala starts in 00:05:00');
    expect(byTestId(el, 'show-clock')?.textContent).toBe('starts in 00:05:00');
    act(() => store.dispatch({ type: 'snapshot', snapshot: { ...snapshot, seq: 2 }, atMs: 3_000 }));
    expect(byTestId(el, 'countdown')).toBeNull();
    expect(byTestId(el, 'gmv-usd')?.textContent).toBe('≈ US$193.97');
    act(() => root.unmount());
  });

  it('kiosk mode hides the connection details', () => {
    expect(isKiosk('?kiosk=1')).toBe(true);
    expect(isKiosk('?kiosk=0')).toBe(false);
    expect(isKiosk('')).toBe(false);
    const { store, el, root } = mount(true);
    act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
    expect(el.querySelector('main.kiosk')).not.toBeNull();
    expect(byTestId(el, 'data-age')).toBeNull();
    act(() => root.unmount());
  });
});

describe('map render', () => {
  it('flies only new arc batches, bounded by the pool, and frees everything on destroy', () => {
    const el = document.createElement('div');
    Object.defineProperty(el, 'clientWidth', { value: 900 });
    Object.defineProperty(el, 'clientHeight', { value: 450 });
    document.body.append(el);
    const map = createMap(el);
    const arcs = Array.from({ length: 48 }, (_, i) => [i % 12, i % 2 ? 'US' : 'XX'] as [number, string]);
    map.update({ heat: [{ id: '156', share: 1 }], arcs: { seq: 1, arcs }, ordersPerArc: 3 });
    expect(map.stats().alive).toBe(0); // the batch seen on creation is history
    for (let seq = 2; seq < 40; seq++) map.update({ heat: [], arcs: { seq, arcs }, ordersPerArc: 3 });
    // Unknown codes are skipped; the rest never exceed the pool.
    expect(map.stats().alive).toBeGreaterThan(0);
    expect(map.stats().alive).toBeLessThanOrEqual(map.stats().capacity);
    expect(el.querySelectorAll('path.map-country').length).toBeGreaterThan(150);
    map.destroy();
    expect(map.stats().alive).toBe(0);
    expect(el.children).toHaveLength(0);
  });
});
