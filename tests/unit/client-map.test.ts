import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../shared/countries.js';
import { anchorOf, mainlandCentroid, worldAtlas } from '../../client/charts/map/atlas.js';
import { drawArcs, lifeMs } from '../../client/charts/map/draw.js';
import type { ArcContext, ArcStyle } from '../../client/charts/map/draw.js';
import { ISO_NUMERIC } from '../../client/charts/map/iso-numeric.js';
import { ArcPool, control } from '../../client/charts/map/pool.js';
import { countryHeat, heatOpacity } from '../../client/charts/map/transform.js';

const style: ArcStyle = { travelMs: 1000, tail: 0.5, ringPx: 8, lineWidth: 2, color: '#fc0', headPx: 3 };

/** A 2D context that only counts what it is asked to do. */
function fakeContext() {
  const calls: Record<string, number> = {};
  const count = (name: string) => () => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const ctx: ArcContext = {
    beginPath: count('beginPath'),
    moveTo: count('moveTo'),
    lineTo: count('lineTo'),
    stroke: count('stroke'),
    fill: count('fill'),
    rect: count('rect'),
    arc: count('arc'),
    globalAlpha: 1,
    lineWidth: 1,
    strokeStyle: '',
    fillStyle: '',
  };
  return { ctx, calls };
}

describe('country anchors', () => {
  it('map every ISO alpha-2 code to a world-atlas shape or a fallback point (Antarctica aside)', () => {
    const { anchors } = worldAtlas();
    expect(ISO_NUMERIC.size).toBe(COUNTRY_CODES.size);
    const missing = [...COUNTRY_CODES].filter((c) => anchorOf(c, anchors) === null);
    expect(missing).toEqual(['AQ']);
  });

  it('land arcs on the mainland, not on the centroid of scattered territories', () => {
    const { anchors } = worldAtlas();
    const [lon, lat] = anchorOf('FR', anchors)!;
    expect(lon).toBeGreaterThan(-2);
    expect(lon).toBeLessThan(6);
    expect(lat).toBeGreaterThan(44);
    const [usLon] = anchorOf('US', anchors)!;
    expect(usLon).toBeGreaterThan(-110);
  });

  it('small places missing from the 110m atlas fall back to the table; unknown codes give null', () => {
    const { anchors } = worldAtlas();
    expect(anchorOf('SG', anchors)).toEqual([103.82, 1.35]);
    expect(anchorOf('HK', anchors)).toEqual([114.17, 22.32]);
    expect(anchorOf('XX', anchors)).toBeNull();
    expect(anchorOf('', anchors)).toBeNull();
  });

  it('mainlandCentroid of a plain polygon is its centroid', () => {
    // d3-geo rings run clockwise; the other way round is the rest of the globe.
    const [lon, lat] = mainlandCentroid({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [0, 2],
          [2, 2],
          [2, 0],
          [0, 0],
        ],
      ],
    });
    expect(lon).toBeCloseTo(1, 1);
    expect(lat).toBeCloseTo(1, 1);
  });
});

describe('ArcPool', () => {
  it('never holds more arcs than its capacity, whatever the flood (the 2013 lesson)', () => {
    const pool = new ArcPool(100);
    let added = 0;
    for (let i = 0; i < 10_000; i++) if (pool.add(0, 0, 10, 10, i)) added++;
    expect(pool.size).toBe(100);
    expect(added).toBe(100);
    expect(pool.refused).toBe(9900);
    // No arc in flight is cut: the first hundred are the ones still there.
    expect(pool.data[pool.offset(0) + 6]).toBe(0);
    expect(pool.data[pool.offset(99) + 6]).toBe(99);
  });

  it('prunes arcs whose life is over, oldest first, and can be cleared', () => {
    const pool = new ArcPool(10);
    for (let i = 0; i < 5; i++) pool.add(0, 0, 1, 1, i * 100);
    pool.prune(250 + 1000, 1000);
    expect(pool.size).toBe(2);
    pool.clear();
    expect(pool.size).toBe(0);
  });

  it('bows arcs upward from the chord', () => {
    const [, cy] = control(0, 100, 200, 100);
    expect(cy).toBeLessThan(100);
    const [, cy2] = control(200, 100, 0, 100);
    expect(cy2).toBeLessThan(100);
    expect(control(5, 5, 5, 5)).toEqual([5, 5]);
  });
});

describe('drawArcs(ctx, pool, now, style, budget)', () => {
  it('batches all arcs into at most one stroke per opacity level', () => {
    const pool = new ArcPool(300);
    for (let i = 0; i < 300; i++) pool.add(0, 0, 100, 50, i * 3);
    const { ctx, calls } = fakeContext();
    const stats = drawArcs(ctx, pool, 1000, style, 1000, () => 0);
    expect(stats.drawn).toBe(300);
    expect(stats.skipped).toBe(0);
    expect(calls.stroke).toBeLessThanOrEqual(4);
    expect(calls.beginPath).toBeLessThanOrEqual(4);
  });

  it('skips arcs not yet born or past their life', () => {
    const pool = new ArcPool(10);
    pool.add(0, 0, 10, 10, 5000); // not yet born
    pool.add(0, 0, 10, 10, 0); // long gone at t = 4000
    pool.add(0, 0, 10, 10, 3500); // in flight
    const { ctx } = fakeContext();
    expect(drawArcs(ctx, pool, 4000, style, 1000, () => 0)).toEqual({ drawn: 1, skipped: 0 });
    expect(lifeMs(style)).toBe(1500);
  });

  it('stops when the frame budget runs out and reports what it left out', () => {
    const pool = new ArcPool(400);
    for (let i = 0; i < 400; i++) pool.add(0, 0, 100, 50, 500);
    const { ctx } = fakeContext();
    let t = 0;
    // Each look at the clock costs 1 ms: a 4 ms budget allows a few batches of 16 arcs.
    const stats = drawArcs(ctx, pool, 800, style, 4, () => t++);
    expect(stats.drawn).toBeLessThan(400);
    expect(stats.drawn + stats.skipped).toBe(400);
  });
});

describe('country heat', () => {
  it('scales countries by GMV against the leader and ignores unknown codes', () => {
    const heat = countryHeat([
      { key: 'CN', orders: 1, fen: 10000 },
      { key: 'US', orders: 1, fen: 2500 },
      { key: 'XX', orders: 1, fen: 9900 },
    ]);
    expect(heat).toEqual([
      { id: '156', share: 1 },
      { id: '840', share: 0.25 },
    ]);
    expect(heatOpacity(0)).toBeGreaterThan(0);
    expect(heatOpacity(1)).toBe(1);
    expect(heatOpacity(0.25)).toBeLessThan(heatOpacity(1));
  });
});
