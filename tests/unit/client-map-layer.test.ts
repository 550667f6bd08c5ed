// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { MapPanel } from '../../client/app/panels/MapPanel.js';
import type { Arc } from '../../shared/protocol.js';
import { createChina } from '../../client/charts/map/china-render.js';
import { decodeChina, type CompactChina } from '../../client/charts/map/china.js';
import { create as createWorld } from '../../client/charts/map/render.js';
import { setLang } from '../../client/i18n/lang.js';
import { setupBoardDom } from '../fixtures/dom.js';

setupBoardDom();
afterEach(() => setLang('en'));

const china = decodeChina(JSON.parse(readFileSync('client/charts/map/china-map.json', 'utf8')) as CompactChina);

function box(w: number, h: number): HTMLElement {
  const el = document.createElement('div');
  Object.defineProperty(el, 'clientWidth', { value: w });
  Object.defineProperty(el, 'clientHeight', { value: h });
  document.body.append(el);
  return el;
}

const legendValue = (el: HTMLElement) =>
  Number(el.querySelector('[data-testid="orders-per-arc"]')!.getAttribute('data-value'));
const shown = (el: Element | null) => el !== null && (el as HTMLElement).style.display !== 'none';

describe('the China view', () => {
  it('draws the province shapes once, named in the screen language, with the inset', () => {
    setLang('zh-CN');
    const el = box(1600, 900);
    const map = createChina(china)(el);
    expect(el.querySelectorAll('path.map-province')).toHaveLength(31);
    expect(el.querySelectorAll('path.map-region')).toHaveLength(3);
    expect(el.querySelector('text.map-province-label[data-id="65"]')!.textContent).toBe('新疆');
    expect(el.querySelector('[data-testid="map-inset"] path')!.getAttribute('d')).toMatch(/^M/);
    const d = el.querySelector('path.map-province')!.getAttribute('d');
    // An update with arcs touches no shape (they are drawn per size, never per frame or per tick).
    map.update({ arcs: { seq: 1, arcs: [] }, ordersPerArc: 0 });
    map.update({ arcs: { seq: 2, arcs: [[0, 'CN', '11', null, null]] }, ordersPerArc: 1 });
    expect(el.querySelector('path.map-province')!.getAttribute('d')).toBe(d);
    map.destroy();
    expect(el.children).toHaveLength(0);
  });

  it('flies only domestic arcs; labels the hub stand-in and the unknown-province sink only when used', () => {
    const el = box(1600, 900);
    const map = createChina(china)(el);
    map.update({ arcs: { seq: 1, arcs: [] }, ordersPerArc: 0 });
    // Arcs as the server will send them: a province and the merchant's location.
    const located: Arc[] = Array.from({ length: 10 }, (_, i) => [i % 12, 'CN', '51', 1202, 302] as Arc);
    map.update({ arcs: { seq: 2, arcs: [...located, [0, 'US'], [1, 'JP', '', null, null]] }, ordersPerArc: 4 });
    expect(map.stats().alive).toBe(10);
    expect(legendValue(el)).toBe(4);
    expect(shown(el.querySelector('[data-testid="map-origin-note"]'))).toBe(false);
    expect(el.querySelector('[data-testid="map-sink"]')!.getAttribute('display')).toBe('none');
    // Arcs as the server sends them today: no province, no location.
    map.update({ arcs: { seq: 3, arcs: [[0, 'CN']] }, ordersPerArc: 4 });
    expect(map.stats().alive).toBe(11);
    expect(shown(el.querySelector('[data-testid="map-origin-note"]'))).toBe(true);
    expect(el.querySelector('[data-testid="map-sink"]')!.getAttribute('display')).toBe('inline');
    map.destroy();
  });

  it('never cuts an arc in flight when ticks bring more than the pool holds, and N counts what is drawn', () => {
    const el = box(1600, 900);
    const map = createChina(china)(el);
    const batch: Arc[] = Array.from({ length: 48 }, (_, i) => [i % 12, 'CN', '44', null, null] as Arc);
    map.update({ arcs: { seq: 0, arcs: batch }, ordersPerArc: 10 }); // history: not flown
    const capacity = map.stats().capacity;
    const batches = Math.ceil(capacity / 48) + 6;
    for (let seq = 1; seq <= batches; seq++) map.update({ arcs: { seq, arcs: batch }, ordersPerArc: 10 });
    const s = map.stats();
    expect(s.alive).toBe(capacity);
    expect(s.refused).toBe(batches * 48 - capacity);
    // Every order the batches stood for is shown by the arcs drawn: N = orders / drawn arcs, not the server's 10.
    expect(legendValue(el)).toBe(Math.round((batches * 48 * 10) / capacity));
    expect(el.querySelector('[data-testid="orders-per-arc"]')!.textContent).toBe(
      `1 arc ≈ ${Math.round((batches * 48 * 10) / capacity)} orders`,
    );
    map.destroy();
  });
});

describe('the world view', () => {
  it('flies only cross-border arcs, from the merchant location when the arc carries one', () => {
    const el = box(1600, 800);
    const map = createWorld(el);
    map.update({ heat: [], arcs: { seq: 1, arcs: [] }, ordersPerArc: 0 });
    map.update({
      heat: [],
      arcs: {
        seq: 2,
        arcs: [
          [0, 'CN'],
          [1, 'CN', '33', null, null],
          [2, 'US', '', 1202, 302],
          [3, 'DE'],
        ],
      },
      ordersPerArc: 7,
    });
    expect(map.stats().alive).toBe(2);
    expect(legendValue(el)).toBe(7);
    // One of the two started at its hub: the stand-in is named.
    expect(shown(el.querySelector('[data-testid="map-origin-note"]'))).toBe(true);
    map.destroy();
  });
});

describe('MapPanel', () => {
  it('shows the view it is told to (the director’s), else the world until enough arcs were seen', async () => {
    const el = box(1600, 900);
    const root = createRoot(el);
    const arcs = { seq: 1, arcs: [[0, 'CN']] as Arc[] };
    act(() => root.render(createElement(MapPanel, { countries: null, arcs, ordersPerArc: 1 })));
    expect(el.querySelector('[data-testid="map"]')!.getAttribute('data-view')).toBe('world');
    expect(el.querySelector('[data-testid="world-map"]')).not.toBeNull();
    act(() => root.render(createElement(MapPanel, { countries: null, arcs, ordersPerArc: 1, mode: 'china' })));
    expect(el.querySelector('[data-testid="map"]')!.getAttribute('data-view')).toBe('china');
    // The shapes come as their own chunk; the box waits for them.
    for (let i = 0; i < 50 && el.querySelector('[data-ready="true"]') === null; i++) {
      await act(() => new Promise((r) => setTimeout(r, 20)));
    }
    expect(el.querySelectorAll('[data-testid="china-map"] path.map-province')).toHaveLength(31);
    expect(el.querySelector('[data-testid="world-map"]')).toBeNull();
    act(() => root.unmount());
  });
});
