// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { create as createCurve } from '../../client/charts/curve/render.js';
import { curveModel } from '../../client/charts/curve/transform.js';
import { labelLanes, ruleMarks, shortLabel, textWidth } from '../../client/charts/marks/transform.js';
import { createTimeline } from '../../client/charts/timeline/render.js';
import { timelineModel } from '../../client/charts/timeline/transform.js';
import type { FenReplayStatus } from '../../client/live/decode.js';
import { createMarksStore, followMarks } from '../../client/live/marks.js';
import type { MarkList, ShowMark } from '../../shared/marks.js';
import type { MarksNotice, Snapshot } from '../../shared/protocol.js';

/** 2015-11-11 00:00 China time. */
const START = Date.UTC(2015, 10, 10, 16, 0, 0);
const mark = (id: string, sec: number, label: string, kind: ShowMark['kind'] = 'act'): ShowMark => ({
  id,
  at: new Date(START + sec * 1000).toISOString(),
  kind,
  label,
});

function box(width: number, height: number): HTMLDivElement {
  const el = document.createElement('div');
  Object.defineProperty(el, 'clientWidth', { value: width });
  Object.defineProperty(el, 'clientHeight', { value: height });
  document.body.append(el);
  return el;
}
afterEach(() => document.body.replaceChildren());

describe('shortLabel(label, max)', () => {
  it('keeps a short label and cuts a long one to max characters with an ellipsis, by code point', () => {
    expect(shortLabel('  Opening act ')).toBe('Opening act');
    expect(shortLabel('abcdefghij', 5)).toBe('abcd…');
    expect(shortLabel('满减券🎁发放开始', 4)).toBe('满减券…');
    expect(Array.from(shortLabel('x'.repeat(120)))).toHaveLength(24);
  });
});

describe('ruleMarks(marks, xOf, lo, hi)', () => {
  it('places each mark on the axis, leaves out those outside it and sorts by x', () => {
    const rules = ruleMarks(
      [
        mark('b', 90, 'Act 2'),
        mark('a', 30, 'Coupon drop', 'coupon'),
        mark('c', 700, 'Later'),
        mark('d', -5, 'Before'),
      ],
      (ms) => (ms - START) / 1000,
      0,
      600,
    );
    expect(rules).toEqual([
      { key: 'a', x: 30, atMs: START + 30_000, kind: 'coupon', label: 'Coupon drop', title: 'Coupon drop' },
      { key: 'b', x: 90, atMs: START + 90_000, kind: 'act', label: 'Act 2', title: 'Act 2' },
    ]);
  });
});

describe('labelLanes(xs, widths, lanes)', () => {
  it('puts a label in the first lane free at its x, and none when every lane is taken', () => {
    // 0..50 in lane 0; 20 overlaps it: lane 1; 40 overlaps both: none; 60 fits lane 0 again.
    expect(labelLanes([0, 20, 40, 60], [50, 50, 50, 50], 2)).toEqual([0, 1, -1, 0]);
    expect(labelLanes([0, 100], [50, 50], 1)).toEqual([0, 0]);
    expect(labelLanes([0], [10], 0)).toEqual([-1]);
  });

  it('counts wide characters wider', () => {
    expect(textWidth('满减', 10)).toBe(20);
    expect(textWidth('ab', 10)).toBe(12);
  });
});

describe('curveModel(input) with marks', () => {
  it('carries the marks that fall on its axis, in seconds since the start', () => {
    const m = curveModel({
      series: [],
      lastYearMinuteFen: null,
      elapsedSec: 100,
      maxPoints: 700,
      marks: { list: [mark('a', 50, 'Opening'), mark('b', 5000, 'Far ahead')], startMs: START },
    });
    expect(m.marks.map((r) => [r.key, r.x])).toEqual([['a', 50]]);
    expect(curveModel({ series: [], lastYearMinuteFen: null, elapsedSec: 100, maxPoints: 700 }).marks).toEqual([]);
  });

  it('draws each mark as a rule with its label on the curve, keyed, and drops a removed one', () => {
    const el = box(800, 300);
    const chart = createCurve(el);
    const input = { series: [], lastYearMinuteFen: null, elapsedSec: 100, maxPoints: 700 };
    chart.update(
      curveModel({ ...input, marks: { list: [mark('a', 20, 'Opening'), mark('b', 80, 'Coupon')], startMs: START } }),
    );
    const rules = el.querySelectorAll('[data-testid="show-mark"]');
    expect([...rules].map((g) => g.querySelector('text')!.textContent)).toEqual(['Opening', 'Coupon']);
    expect(rules[0]!.querySelector('line')!.getAttribute('y2')).not.toBe(
      rules[0]!.querySelector('line')!.getAttribute('y1'),
    );
    const first = rules[0];
    chart.update(
      curveModel({ ...input, elapsedSec: 101, marks: { list: [mark('a', 20, 'Opening')], startMs: START } }),
    );
    const after = el.querySelectorAll('[data-testid="show-mark"]');
    expect(after).toHaveLength(1);
    expect(after[0]).toBe(first);
    chart.destroy();
  });
});

describe('timelineModel(status, tz, ticks, marks)', () => {
  const status = {
    fromMs: START,
    toMs: START + 100_000,
    positionMs: START,
    bookmarks: [],
  } as unknown as FenReplayStatus;

  it('places the marks along the track as fractions; a click on one seeks to its instant', () => {
    const model = timelineModel(status, 'Asia/Shanghai', 12, [mark('a', 25, 'Host: welcome'), mark('z', 200, 'Out')]);
    expect(model.rules!.map((r) => [r.key, r.x])).toEqual([['a', 0.25]]);
    const el = box(228, 56);
    const seeks: unknown[] = [];
    const t = createTimeline(el, { onScrub: () => {}, onSeek: (s) => seeks.push(s) });
    t.update(model);
    const g = el.querySelector('[data-testid="show-mark"]')!;
    expect(g.getAttribute('transform')).toBe('translate(64,0)');
    expect(g.querySelector('text')!.textContent).toBe('Host: welcome');
    g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(seeks).toEqual([{ atMs: START + 25_000 }]);
    t.destroy();
  });
});

describe('followMarks(socket, store, get)', () => {
  it('reads the list when a snapshot or a notice names another rev, and not again for the same rev', async () => {
    const handlers: { snapshot?: (s: Snapshot) => void; marks?: (n: MarksNotice) => void } = {};
    const socket = {
      on(event: 'snapshot' | 'marks', listener: never) {
        handlers[event] = listener;
      },
    };
    const reads: string[] = [];
    let rev = 1;
    const get = async (path: string): Promise<MarkList> => {
      reads.push(path);
      return { show: '2015', timeZone: 'Asia/Shanghai', rev, marks: [mark(`m${rev}`, rev, `Mark ${rev}`)] };
    };
    const store = createMarksStore();
    const stop = followMarks(socket, store, get, 0);
    const settle = () => new Promise((r) => setTimeout(r, 0));
    handlers.snapshot!({ show: { id: '2015' }, marksRev: 1 } as Snapshot);
    await settle();
    expect(reads).toEqual(['/api/v1/marks?show=2015']);
    expect(store.getState()?.marks.map((m) => m.label)).toEqual(['Mark 1']);
    // The same rev again (a resync): nothing to read.
    handlers.snapshot!({ show: { id: '2015' }, marksRev: 1 } as Snapshot);
    handlers.marks!({ show: '2015', rev: 1 });
    await settle();
    expect(reads).toHaveLength(1);
    rev = 2;
    handlers.marks!({ show: '2015', rev: 2 });
    await settle();
    expect(reads).toHaveLength(2);
    expect(store.getState()?.rev).toBe(2);
    // A snapshot without the field (an older server, a replay) reads nothing.
    handlers.snapshot!({ show: { id: '2015' } } as Snapshot);
    await settle();
    expect(reads).toHaveLength(2);
    stop();
  });
});
