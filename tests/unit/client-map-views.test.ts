import { readFileSync } from 'node:fs';
import { geoBounds, geoContains, geoPath } from 'd3';
import { describe, expect, it } from 'vitest';
import { MERCHANT_HUBS } from '../../shared/geo.js';
import type { Arc } from '../../shared/protocol.js';
import { PROVINCES, provinceOf } from '../../shared/provinces.js';
import { ARC_BUDGET } from '../../server/domain/board.js';
import { chinaLayout } from '../../client/charts/map/china-render.js';
import { decodeChina, UNKNOWN_PROVINCE_LONLAT, type CompactChina } from '../../client/charts/map/china.js';
import { lifeMs, type ArcStyle } from '../../client/charts/map/draw.js';
import { MAX_SPAWN, MIN_TICK_MS, peakCapacity, SPREAD_MS } from '../../client/charts/map/layer.js';
import { ArcPool } from '../../client/charts/map/pool.js';
import { countFlows, routeOf } from '../../client/charts/map/routes.js';
import { ArcScale } from '../../client/charts/map/scale.js';
import { mapModeFrom, VIEW_MIN_DWELL_MS, VIEW_WINDOW_SECONDS, ViewChooser } from '../../client/charts/map/view.js';

const compact = JSON.parse(readFileSync('client/charts/map/china-map.json', 'utf8')) as CompactChina;
const china = decodeChina(compact);
const anchor = (alpha2: string) => (alpha2 === 'US' ? ([-98, 39] as const) : null);

describe('mapModeFrom(search)', () => {
  it('reads ?map=china|world|auto, anything else is auto', () => {
    expect(mapModeFrom('?map=china')).toBe('china');
    expect(mapModeFrom('?map=World')).toBe('world');
    expect(mapModeFrom('?map=auto')).toBe('auto');
    expect(mapModeFrom('?map=moon')).toBe('auto');
    expect(mapModeFrom('')).toBe('auto');
  });
});

describe('ViewChooser', () => {
  it('starts on the world and stays there while too few arcs were seen', () => {
    const c = new ViewChooser();
    expect(c.observe(10, 0, 1_000)).toBe('world');
    expect(c.domesticShare(1_000)).toBeNull();
  });

  it('takes the China view as soon as domestic flows reach 60 % of enough arcs', () => {
    const c = new ViewChooser();
    expect(c.observe(29, 21, 1_000)).toBe('world'); // 58 %
    expect(c.observe(2, 0, 1_100)).toBe('world'); // 31 of 52: 59.6 %
    expect(c.observe(1, 0, 1_200)).toBe('china'); // 32 of 53: 60.4 %
  });

  it('has hysteresis: in the China view it stays until domestic flows fall to 40 %', () => {
    const c = new ViewChooser();
    expect(c.observe(40, 0, 0)).toBe('china');
    // After the dwell, a 50 % mix keeps China (it would not have entered it).
    expect(c.observe(40, 80, VIEW_MIN_DWELL_MS + 1_000)).toBe('china'); // 80 of 160 = 50 %
    expect(c.observe(0, 41, VIEW_MIN_DWELL_MS + 2_000)).toBe('world'); // 80 of 201 < 40 %
  });

  it('does not switch back within the least dwell, whatever the shares', () => {
    const c = new ViewChooser();
    expect(c.observe(40, 0, 0)).toBe('china');
    for (let t = 100; t < VIEW_MIN_DWELL_MS; t += 100) expect(c.observe(0, 48, t)).toBe('china');
    expect(c.observe(0, 48, VIEW_MIN_DWELL_MS)).toBe('world');
  });

  it('judges only the recent window: old seconds are forgotten', () => {
    const c = new ViewChooser();
    c.observe(100, 0, 0);
    const later = (VIEW_WINDOW_SECONDS + 5) * 1000;
    expect(c.observe(0, 30, later)).toBe('world');
    expect(c.domesticShare(later)).toBe(0);
  });
});

describe('routeOf(arc, countryAnchor)', () => {
  const zhejiang = provinceOf('33')!.lonLat;

  it('flies a two-element arc (today’s server) from the hub, to the labelled sink when domestic', () => {
    expect(routeOf([0, 'CN'], anchor)).toEqual({
      domestic: true,
      from: MERCHANT_HUBS[0]!.lonLat,
      fromHub: true,
      to: null,
    });
    expect(routeOf([4, 'US'], anchor)).toEqual({
      domestic: false,
      from: MERCHANT_HUBS[4]!.lonLat,
      fromHub: true,
      to: [-98, 39],
    });
  });

  it('uses the merchant location (tenths of a degree) and the buyer province’s capital when the arc carries them', () => {
    const arc: Arc = [0, 'CN', '33', 1135, 231];
    expect(routeOf(arc, anchor)).toEqual({ domestic: true, from: [113.5, 23.1], fromHub: false, to: zhejiang });
    // A province code that is not a mainland province, or none: the sink; no location: the hub.
    expect(routeOf([1, 'CN', '', null, null], anchor)?.to).toBeNull();
    expect(routeOf([1, 'CN', '99', null, null], anchor)).toMatchObject({ fromHub: true, to: null });
    // A cross-border arc keeps its country's anchor whatever province it names.
    expect(routeOf([2, 'US', '33', 1135, 231], anchor)).toMatchObject({
      domestic: false,
      fromHub: false,
      to: [-98, 39],
    });
  });

  it('leaves out what cannot be placed: an unknown hub without a location, an unknown country, a location off the globe', () => {
    expect(routeOf([999, 'CN'], anchor)).toBeNull();
    expect(routeOf([999, 'CN', '33', 1200, 300], anchor)).toMatchObject({ from: [120, 30], fromHub: false });
    expect(routeOf([0, 'XX'], anchor)).toBeNull();
    expect(routeOf([0, 'CN', '33', 9999, 300], anchor)).toMatchObject({ fromHub: true });
  });

  it('countFlows splits a batch by the buyer’s country', () => {
    expect(
      countFlows([
        [0, 'CN'],
        [1, 'US'],
        [2, 'CN', '11', null, null],
        [3, 'HK'],
      ]),
    ).toEqual({ domestic: 2, cross: 2 });
  });
});

describe('the arc pool sized for the peak', () => {
  const style: ArcStyle = { travelMs: 1400, tail: 0.45, ringPx: 8, lineWidth: 1.5, color: '#fc0', headPx: 3 };

  it('takes full batches at the fastest tick rate without refusing or cutting an arc', () => {
    expect(MAX_SPAWN).toBe(ARC_BUDGET);
    const pool = new ArcPool(peakCapacity(style));
    const life = lifeMs(style);
    const started: number[] = [];
    for (let tick = 0; tick < 600; tick++) {
      const now = tick * MIN_TICK_MS;
      pool.prune(now, life);
      for (let i = 0; i < MAX_SPAWN; i++) {
        const born = now + (i / MAX_SPAWN) * SPREAD_MS;
        if (pool.add(0, 0, 1, 1, born)) started.push(born);
      }
    }
    expect(pool.refused).toBe(0);
    expect(started).toHaveLength(600 * MAX_SPAWN);
    // Every arc still in the pool is one of the newest: none left it before its life was over.
    const now = 599 * MIN_TICK_MS;
    const alive = started.filter((b) => b + life > now).length;
    expect(pool.size).toBeGreaterThanOrEqual(alive);
  });

  it('refuses new arcs, never live ones, when ticks bring more than it holds', () => {
    const pool = new ArcPool(10);
    for (let i = 0; i < 10; i++) pool.add(0, 0, 1, 1, 0);
    expect(pool.add(0, 0, 1, 1, 50)).toBe(false);
    expect(pool.size).toBe(10);
    for (let k = 0; k < 10; k++) expect(pool.data[pool.offset(k) + 6]).toBe(0);
    // Once their life is over there is room again.
    pool.prune(1000, 1000);
    expect(pool.add(0, 0, 1, 1, 1000)).toBe(true);
  });

  it('places live arcs again after a resize, keeping their age', () => {
    const pool = new ArcPool(4);
    pool.add(10, 10, 20, 20, 123, 100, 30, 110, 35);
    pool.replace((lon, lat, out) => {
      out[0] = lon * 2;
      out[1] = lat * 2;
      return true;
    }, 1);
    const o = pool.offset(0);
    expect([...pool.data.subarray(o, o + 7)]).toEqual([200, 60, expect.any(Number), expect.any(Number), 220, 70, 123]);
    // An end the new projection cannot place ends the arc rather than fly it wrong.
    pool.replace(() => false, 1);
    pool.prune(0, 1000);
    expect(pool.size).toBe(0);
  });
});

describe('ArcScale: 1 arc ≈ N orders of what is drawn', () => {
  it('is the server’s N while every arc is drawn, and grows when arcs are refused', () => {
    const s = new ArcScale();
    s.record(1_000, 48 * 25, 48);
    expect(s.value(1_000)).toBe(25);
    // A tick whose 48 arcs found room for 12: the drawn ones stand for the others too.
    s.record(1_100, 48 * 25, 12);
    expect(s.value(1_100)).toBe(Math.round((96 * 25) / 60));
    const t = new ArcScale();
    t.record(0, 48 * 25, 12);
    expect(t.value(0)).toBe(100);
  });

  it('forgets old seconds and says 0 when nothing was drawn', () => {
    const s = new ArcScale();
    expect(s.value(0)).toBe(0);
    s.record(0, 100, 10);
    expect(s.value(60_000)).toBe(0);
  });
});

describe('the China view’s shapes and projection', () => {
  it('holds the 31 provinces, Hong Kong, Macao, Taiwan and the South China Sea inset, with attribution, small', () => {
    const ids = china.shapes.map((s) => s.id).sort();
    expect(ids).toEqual([...PROVINCES.map((p) => p.code), 'HK', 'MO', 'TW'].sort());
    expect(china.inset).not.toBeNull();
    expect(compact.source).toMatch(/china-geojson.*MIT/);
    expect(readFileSync('client/charts/map/china-map.json').length).toBeLessThan(60_000);
  });

  it('decodes each province around its own capital (rings wound as d3-geo wants them)', () => {
    for (const p of PROVINCES) {
      const shape = china.shapes.find((s) => s.id === p.code)!;
      expect(geoContains(shape, p.lonLat), p.en).toBe(true);
      // A ring wound the wrong way would cover the globe.
      const [[w, s], [e, n]] = geoBounds(shape);
      expect(e - w, p.en).toBeLessThan(40);
      expect(n - s, p.en).toBeLessThan(30);
    }
  });

  it('projects every capital and the sink inside the box, and keeps the inset clear of the provinces', () => {
    for (const [w, h] of [
      [900, 480],
      [1920, 1080],
      [3840, 1000],
    ] as const) {
      const { main, inset, insetBox } = chinaLayout(china, w, h);
      for (const p of PROVINCES) {
        const [x, y] = main(p.lonLat)!;
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(w);
        expect(y).toBeGreaterThan(0);
        expect(y).toBeLessThan(h);
      }
      const [sx, sy] = main(UNKNOWN_PROVINCE_LONLAT as [number, number])!;
      expect(sx).toBeLessThan(w);
      expect(sy).toBeGreaterThan(0);
      const [[ix0, iy0], [ix1, iy1]] = insetBox!;
      expect(ix1).toBeLessThanOrEqual(w);
      expect(iy1).toBeLessThanOrEqual(h);
      const path = geoPath(main);
      for (const s of china.shapes) {
        const [[x0, y0], [x1, y1]] = path.bounds(s);
        const overlaps = x0 < ix1 && x1 > ix0 && y0 < iy1 && y1 > iy0;
        expect(overlaps, `${s.id} at ${w}x${h}`).toBe(false);
      }
      const [[jx0, jy0], [jx1, jy1]] = geoPath(inset!).bounds(china.inset!);
      expect(jx0).toBeGreaterThanOrEqual(ix0 - 2);
      expect(jy0).toBeGreaterThanOrEqual(iy0 - 2);
      expect(jx1).toBeLessThanOrEqual(ix1 + 2);
      expect(jy1).toBeLessThanOrEqual(iy1 + 2);
    }
  });
});
