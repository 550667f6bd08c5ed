// @vitest-environment jsdom
import { select } from 'd3';
import { afterEach, describe, expect, it } from 'vitest';
import { attrIf, styleIf, textIf } from '../../client/charts/attrs.js';

/** Starts recording attribute, style and text writes; the returned function says which happened since. */
function watch(els: Element[]): () => string[] {
  const observer = new MutationObserver(() => {});
  for (const el of els) observer.observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
  // A write of an equal value still queues a record (DOM spec): only skipped writes leave none.
  return () => observer.takeRecords().map((r) => (r.type === 'attributes' ? (r.attributeName ?? '') : r.type));
}

describe('attrIf, styleIf, textIf', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('write values that differ and leave equal ones untouched', () => {
    const svg = select(document.body).append('svg');
    const rows = svg
      .selectAll<SVGTextElement, { k: string; v: number }>('text')
      .data([
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
      ])
      .join('text');
    attrIf(rows, 'x', (d) => d.v * 10);
    styleIf(rows, 'font-size', '12px');
    textIf(rows, (d) => d.k);
    expect(rows.nodes().map((n) => [n.getAttribute('x'), n.style.fontSize, n.textContent])).toEqual([
      ['10', '12px', 'a'],
      ['20', '12px', 'b'],
    ]);

    const writes = watch(rows.nodes());
    attrIf(rows, 'y', 0);
    expect(writes()).toEqual(['y', 'y']);
    attrIf(rows, 'x', (d) => d.v * 10);
    styleIf(rows, 'font-size', '12px');
    textIf(rows, (d) => d.k);
    expect(writes()).toEqual([]);

    rows.data([
      { k: 'a', v: 1 },
      { k: 'c', v: 3 },
    ]);
    attrIf(rows, 'x', (d) => d.v * 10);
    textIf(rows, (d) => d.k);
    expect(writes()).toEqual(['x', 'childList']);
    expect(rows.nodes().map((n) => [n.getAttribute('x'), n.textContent])).toEqual([
      ['10', 'a'],
      ['30', 'c'],
    ]);
  });
});
