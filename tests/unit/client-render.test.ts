import { decimalToFen } from '../../shared/money.js';
// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { create as createChannels } from '../../client/charts/channels/render.js';
import { channelShares } from '../../client/charts/channels/transform.js';
import { create as createCurve } from '../../client/charts/curve/render.js';
import { curveModel } from '../../client/charts/curve/transform.js';
import { create as createRanking, MOVE_MS } from '../../client/charts/ranking/render.js';
import { rankRows } from '../../client/charts/ranking/transform.js';
import type { FenRow } from '../../client/live/decode.js';

/** jsdom does no layout: give the box the size a browser would. */
function box(width: number, height: number): HTMLDivElement {
  const el = document.createElement('div');
  Object.defineProperty(el, 'clientWidth', { value: width });
  Object.defineProperty(el, 'clientHeight', { value: height });
  document.body.append(el);
  return el;
}

const rows = (pairs: [string, string][]): FenRow[] =>
  pairs.map(([key, gmv]) => ({ key, fen: decimalToFen(gmv), orders: 1 }));
const texts = (el: Element, sel: string) => [...el.querySelectorAll(sel)].map((n) => n.textContent);

afterEach(() => document.body.replaceChildren());

describe('ranking render(el).update(rows)', () => {
  it('draws one row per key in rank order with name, rank and value as text', () => {
    const el = box(600, 300);
    const chart = createRanking(el);
    chart.update(
      rankRows(
        rows([
          ['apparel', '10.00'],
          ['beauty', '30.00'],
          ['home', '20.00'],
        ]),
        (k) => k,
        5,
      ),
    );
    const live = () => el.querySelectorAll('g.rank-row:not(.rank-exit)');
    expect([...live()].map((g) => g.getAttribute('data-key'))).toEqual(['beauty', 'home', 'apparel']);
    expect(texts(el, 'g.rank-row text.rank-pos')).toEqual(['1', '2', '3']);
    expect(texts(el, 'g.rank-row text.rank-value')).toEqual(['¥30', '¥20', '¥10']);
  });

  it('moves the same row element when its rank changes, and keeps document order = rank order', () => {
    const el = box(600, 300);
    const chart = createRanking(el);
    chart.update(
      rankRows(
        rows([
          ['a', '3.00'],
          ['b', '2.00'],
          ['c', '1.00'],
        ]),
        (k) => k,
        5,
      ),
    );
    const c = el.querySelector('g.rank-row[data-key="c"]');
    chart.update(
      rankRows(
        rows([
          ['a', '3.00'],
          ['b', '2.00'],
          ['c', '9.00'],
        ]),
        (k) => k,
        5,
      ),
    );
    expect(el.querySelector('g.rank-row[data-key="c"]')).toBe(c);
    expect(c?.getAttribute('data-rank')).toBe('1');
    expect([...el.querySelectorAll('g.rank-row')].map((g) => g.getAttribute('data-key'))).toEqual(['c', 'a', 'b']);
  });

  it('renders data as text, never as markup', () => {
    const el = box(600, 300);
    createRanking(el).update(rankRows(rows([['<img src=x onerror=alert(1)>', '1.00']]), (k) => k, 5));
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('text.rank-name')?.textContent).toContain('<img');
  });

  it('removes rows that drop out while updates keep coming (no pile-up: the 2014 leak)', async () => {
    const el = box(600, 300);
    const chart = createRanking(el);
    const gap = 20;
    for (let i = 0; i < 2.5 * (MOVE_MS / gap); i++) {
      // Each tick a different merchant takes the last place.
      chart.update(
        rankRows(
          rows([
            ['a', '9.00'],
            ['b', '8.00'],
            [`m${i}`, '1.00'],
          ]),
          (k) => k,
          3,
        ),
      );
      await new Promise((r) => setTimeout(r, gap));
    }
    // Only the rows of about the last MOVE_MS may still be on their way out.
    expect(el.querySelectorAll('g.rank-row').length).toBeLessThanOrEqual(3 + MOVE_MS / gap + 5);
    await new Promise((r) => setTimeout(r, MOVE_MS + 300));
    expect(el.querySelectorAll('g.rank-row')).toHaveLength(3);
    chart.destroy();
  });

  it('revives a row that comes back during its exit instead of drawing its key twice', async () => {
    const el = box(600, 300);
    const chart = createRanking(el);
    const abc = rows([
      ['a', '3.00'],
      ['b', '2.00'],
      ['c', '1.00'],
    ]);
    chart.update(rankRows(abc, (k) => k, 3));
    const c = el.querySelector('g.rank-row[data-key="c"]');
    chart.update(rankRows(abc.slice(0, 2), (k) => k, 3));
    expect(c?.classList.contains('rank-exit')).toBe(true);
    await new Promise((r) => setTimeout(r, MOVE_MS / 3));
    chart.update(rankRows(abc, (k) => k, 3));
    expect(el.querySelectorAll('g.rank-row[data-key="c"]')).toHaveLength(1);
    expect(el.querySelector('g.rank-row[data-key="c"]')).toBe(c);
    expect(c?.classList.contains('rank-exit')).toBe(false);
    await new Promise((r) => setTimeout(r, MOVE_MS + 300));
    // The interrupted exit does not remove it at its old end time.
    expect(el.querySelector('g.rank-row[data-key="c"]')).toBe(c);
    expect(Number((c as SVGGElement).style.opacity)).toBe(1);
    expect(c?.getAttribute('transform')).toBe(`translate(0,${(2 * 300) / 5})`);
    chart.destroy();
  });

  it('keeps the last ranking when no data comes (safe mode) and removes everything on destroy', () => {
    const el = box(600, 300);
    const chart = createRanking(el);
    chart.update(rankRows(rows([['a', '1.00']]), (k) => k, 5));
    chart.update(null);
    expect(el.querySelectorAll('g.rank-row')).toHaveLength(1);
    chart.destroy();
    expect(el.children).toHaveLength(0);
  });
});

describe('curve render', () => {
  it("draws this year's and last year's lines and a y axis that fits the data", () => {
    const el = box(800, 300);
    const chart = createCurve(el);
    const model = curveModel({
      series: Array.from({ length: 120 }, (_, s) => [s, 1, 1e15] as [number, number, number]),
      lastYearMinuteFen: [600_000, 600_000, 600_000],
      elapsedSec: 120,
      maxPoints: 700,
    });
    chart.update(model);
    expect(el.querySelector('[data-testid="curve-this-year"]')?.getAttribute('d')).toMatch(/^M/);
    expect(el.querySelector('[data-testid="curve-last-year"]')?.getAttribute('d')).toMatch(/^M/);
    expect(Number(el.querySelector('svg')?.getAttribute('data-y-max'))).toBeGreaterThanOrEqual(1e13);
    chart.destroy();
    expect(el.querySelector('svg')).toBeNull();
  });

  it('marks both peak seconds with a dot and a label', () => {
    const el = box(800, 300);
    const chart = createCurve(el);
    chart.update(
      curveModel({
        series: Array.from(
          { length: 60 },
          (_, s) => [s, s === 20 ? 90 : 1, s === 40 ? 9e6 : 1e5] as [number, number, number],
        ),
        lastYearMinuteFen: null,
        elapsedSec: 60,
        maxPoints: 700,
        peaks: { gmv: { second: 40, fen: 9e6 }, orders: { second: 20, orders: 90 } },
      }),
    );
    expect(el.querySelector('[data-testid="curve-peak-gmv"]')?.getAttribute('data-second')).toBe('40');
    expect(el.querySelector('[data-testid="curve-peak-gmv"] text')?.textContent).toBe('peak ¥90K/s');
    expect(el.querySelector('[data-testid="curve-peak-orders"] text')?.textContent).toBe('peak 90 orders/s');
    expect(el.querySelectorAll('.curve-peak circle')).toHaveLength(2);
    chart.destroy();
  });
});

describe('channel share render', () => {
  it('draws the three channels in fixed order with their shares', () => {
    const el = box(400, 200);
    createChannels(el).update(
      channelShares(
        rows([
          ['pc', '29.00'],
          ['mobile', '68.00'],
          ['offline', '3.00'],
        ]),
      ),
    );
    expect([...el.querySelectorAll('g.channel-row')].map((g) => g.getAttribute('data-key'))).toEqual([
      'mobile',
      'pc',
      'offline',
    ]);
    expect(texts(el, 'text.channel-pct')).toEqual(['68.0%', '29.0%', '3.0%']);
    expect(texts(el, 'text.channel-name')).toEqual(['Mobile', 'PC', 'Offline (O2O)']);
  });
});
