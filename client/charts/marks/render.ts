import type { Selection } from 'd3';
import { labelLanes, textWidth, type RuleMark } from './transform.js';

export interface RuleLayout {
  /** The rule's x in px, from the mark's `x`. */
  px(x: number): number;
  /** Where the rule starts and ends, px. */
  top: number;
  bottom: number;
  fontPx: number;
  /** Where the first row of labels starts, px (default: `top`). */
  labelTop?: number;
  /** Rows of labels below `top`; a label that finds no room is not drawn (its rule is). */
  lanes: number;
  /** Where the labels stop (the chart's right edge), px. */
  maxPx: number;
  /** A click on a rule (the timeline seeks there); none: rules do not take the pointer. */
  onPick?: (m: RuleMark) => void;
}

/**
 * Run-of-show marks as thin vertical rules with a short label, into `layer` (a `<g>` the chart
 * made): one keyed join, so a redraw moves what is there and adds or drops only the changes.
 */
export function drawRules(
  layer: Selection<SVGGElement, unknown, null, undefined>,
  marks: RuleMark[],
  o: RuleLayout,
): void {
  const xs = marks.map((m) => o.px(m.x));
  const widths = marks.map((m) => textWidth(m.label, o.fontPx));
  const lanes = labelLanes(xs, widths, o.lanes);
  const rows = marks.map((m, i) => ({ m, x: xs[i]!, lane: lanes[i]!, fits: xs[i]! + widths[i]! <= o.maxPx }));
  layer
    .selectAll<SVGGElement, (typeof rows)[number]>('g.rule-mark')
    .data(rows, (d) => d.m.key)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'rule-mark').attr('data-testid', 'show-mark');
      g.append('line');
      g.append('text');
      g.append('title');
      if (o.onPick) {
        const pick = o.onPick;
        g.on('pointerdown', (ev: PointerEvent) => ev.stopPropagation());
        g.on('click', (_ev, d) => pick(d.m));
      }
      return g;
    })
    .attr('data-kind', (d) => d.m.kind)
    .attr('data-at', (d) => d.m.atMs)
    .attr('transform', (d) => `translate(${d.x},0)`)
    .call((g) => {
      g.select('line').attr('y1', o.top).attr('y2', o.bottom);
      g.select('text')
        // Near the right edge the label hangs to the left of its rule.
        .attr('text-anchor', (d) => (d.fits ? 'start' : 'end'))
        .attr('x', (d) => (d.fits ? 3 : -3))
        .attr('y', (d) => (o.labelTop ?? o.top) + o.fontPx * (Math.max(0, d.lane) + 1))
        .style('font-size', `${o.fontPx}px`)
        .attr('display', (d) => (d.lane < 0 ? 'none' : null))
        .text((d) => d.m.label);
      g.select('title').text((d) => d.m.title);
    });
}
