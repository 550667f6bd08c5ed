// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createTimeline } from '../../client/charts/timeline/render.js';
import type { TimelineModel } from '../../client/charts/timeline/transform.js';

/** A 228 px wide box: 200 px of track between the 14 px pads, at x = 0 on the page. */
function box(): HTMLElement {
  const el = document.createElement('div');
  Object.defineProperty(el, 'clientWidth', { value: 228 });
  Object.defineProperty(el, 'clientHeight', { value: 56 });
  document.body.append(el);
  return el;
}

const model = (position: number, marks: TimelineModel['marks'] = []): TimelineModel => ({
  fromMs: 0,
  toMs: 100_000,
  position,
  marks,
  ticks: [{ at: 0.5, label: '00:00' }],
});

function pointer(type: string, clientX: number): Event {
  // jsdom lacks PointerEvent; a MouseEvent of the pointer type carries clientX all the same.
  return new MouseEvent(type, { clientX, bubbles: true });
}

describe('createTimeline(el, handlers)', () => {
  it('draws the head at the position and one keyed bookmark per milestone', () => {
    const el = box();
    const t = createTimeline(el, { onScrub: () => {}, onSeek: () => {} });
    const mark = { key: 'threshold:1', at: 0.25, atMs: 25_000, label: '¥1B', kind: 'threshold' as const };
    t.update(model(0.5, [mark]));
    expect(el.querySelector('.timeline-head')!.getAttribute('cx')).toBe('114');
    expect(el.querySelector('.timeline-played')!.getAttribute('width')).toBe('100');
    const g = el.querySelectorAll('[data-testid="bookmark"]');
    expect(g.length).toBe(1);
    expect(g[0]!.getAttribute('transform')).toBe('translate(64,0)');
    const first = g[0];
    t.update(model(0.6, [mark, { ...mark, key: 'last-year:2', at: 0.75, atMs: 75_000, kind: 'last-year' }]));
    // The same milestone keeps its element; the new one is added.
    expect(el.querySelectorAll('[data-testid="bookmark"]')[0]).toBe(first);
    expect(el.querySelectorAll('[data-testid="bookmark"]').length).toBe(2);
    t.destroy();
    expect(el.querySelector('svg')).toBeNull();
  });

  it('follows a drag without seeking, then seeks once where it is let go; a bookmark click seeks to its instant', () => {
    const el = box();
    const scrubs: (number | null)[] = [];
    const seeks: unknown[] = [];
    const t = createTimeline(el, { onScrub: (f) => scrubs.push(f), onSeek: (s) => seeks.push(s) });
    t.update(model(0.1, [{ key: 'k', at: 0.25, atMs: 25_000, label: 'x', kind: 'threshold' }]));
    const svg = el.querySelector('svg')!;
    svg.dispatchEvent(pointer('pointerdown', 64));
    svg.dispatchEvent(pointer('pointermove', 114));
    // The server's position does not pull the head back while the user holds it.
    t.update(model(0.1));
    expect(el.querySelector('.timeline-head')!.getAttribute('cx')).toBe('114');
    expect(seeks).toEqual([]);
    svg.dispatchEvent(pointer('pointerup', 164));
    expect(scrubs).toEqual([0.25, 0.5, null]);
    expect(seeks).toEqual([{ fraction: 0.75 }]);

    t.update(model(0.1, [{ key: 'k', at: 0.25, atMs: 25_000, label: 'x', kind: 'threshold' }]));
    el.querySelector('[data-testid="bookmark"] path')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(seeks).toEqual([{ fraction: 0.75 }, { atMs: 25_000 }]);
    t.destroy();
  });
});
