// Naming interrupt keeps d3-transition in the bundle: d3 is marked side-effect free, and that
// module's side effect is what adds .transition() to selections.
import { easeCubicInOut, interpolateNumber, interrupt, select } from 'd3';
import type { Selection } from 'd3';
import { attrIf, styleIf, textIf } from '../attrs.js';
import type { Chart } from '../useChart.js';
import { clip } from './transform.js';
import type { RankedRow } from './transform.js';

export type RankingChart = Chart<RankedRow[] | null>;

/** Rank changes glide; long enough to follow across a hall, short against 10 ticks a second. */
export const MOVE_MS = 700;

interface Row extends RankedRow {
  y: number;
}

/** A ranked bar list: one row group per key, so a row that changes rank moves instead of being redrawn. */
export function create(el: HTMLElement): RankingChart {
  const svg = select(el).append('svg').attr('class', 'ranking-svg');
  let rows: RankedRow[] = [];
  // The box's size as of the last resize: reading it on every tick would force a layout mid-frame.
  let w = 0;
  let h = 0;
  let measured = false;

  function measure(): void {
    w = el.clientWidth;
    h = el.clientHeight;
    measured = true;
  }

  function draw(animate: boolean): void {
    if (!measured) measure();
    attrIf(svg, 'width', w);
    attrIf(svg, 'height', h);
    const count = Math.max(1, rows.length);
    const rowH = h / Math.max(count, 5);
    const font = Math.max(8, Math.min(rowH * 0.52, w / 16));
    const rankW = font * 1.6;
    const valueW = font * 4.4;
    const barX = rankW;
    const barW = Math.max(0, w - rankW - valueW - font * 0.4);
    const maxChars = Math.max(3, Math.floor(barW / (font * 0.55)));
    const data: Row[] = rows.map((r) => ({ ...r, y: (r.rank - 1) * rowH }));

    const groups = svg
      // Rows on their way out are joined too, so a key has one element whatever it is doing: a
      // row that comes back during its exit is revived, never drawn a second time beside it.
      .selectAll<SVGGElement, Row>('g.rank-row')
      .data(data, (d) => d.key)
      .join(
        (enter) => {
          const g = enter
            .append('g')
            .attr('class', 'rank-row')
            .attr('transform', (d) => `translate(0,${d.y})`)
            .style('opacity', 0);
          g.append('rect').attr('class', 'rank-bar');
          g.append('text').attr('class', 'rank-pos');
          g.append('text').attr('class', 'rank-name');
          g.append('text').attr('class', 'rank-value');
          g.transition('fade')
            .duration(animate ? MOVE_MS : 0)
            .style('opacity', 1);
          return g;
        },
        (update) => {
          const back = update.filter('.rank-exit');
          if (!back.empty()) revive(back, animate);
          return update;
        },
        // A row that drops out slides below the last place while it fades, clear of its successor.
        // One already leaving is left to finish: restarting its exit on every tick would never
        // remove it (rows would pile up: the 2014 leak).
        (exit) =>
          exit
            .filter(':not(.rank-exit)')
            .interrupt('move')
            .classed('rank-exit', true)
            .attr('data-target', null)
            .transition('fade')
            .duration(animate ? MOVE_MS : 0)
            .attrTween('transform', function () {
              return slideY(this, count * rowH);
            })
            .style('opacity', 0)
            .remove(),
      );
    attrIf(groups, 'data-key', (d) => d.key);
    attrIf(groups, 'data-rank', (d) => d.rank);
    move(groups, animate);
    const bars = groups.select<SVGRectElement>('rect.rank-bar');
    attrIf(bars, 'x', barX);
    attrIf(bars, 'y', rowH * 0.12);
    attrIf(bars, 'height', rowH * 0.76);
    attrIf(bars, 'rx', rowH * 0.12);
    attrIf(bars, 'width', (d) => Math.max(2, barW * d.bar));
    const baseline = rowH * 0.5 + font * 0.36;
    const fontSize = `${font}px`;
    const pos = groups.select<SVGTextElement>('text.rank-pos');
    attrIf(pos, 'x', rankW * 0.8);
    attrIf(pos, 'y', baseline);
    styleIf(pos, 'font-size', fontSize);
    textIf(pos, (d) => String(d.rank));
    const name = groups.select<SVGTextElement>('text.rank-name');
    attrIf(name, 'x', barX + font * 0.4);
    attrIf(name, 'y', baseline);
    styleIf(name, 'font-size', fontSize);
    textIf(name, (d) => clip(d.name, maxChars));
    const value = groups.select<SVGTextElement>('text.rank-value');
    attrIf(value, 'x', w);
    attrIf(value, 'y', baseline);
    styleIf(value, 'font-size', fontSize);
    textIf(value, (d) => d.valueText);
    // Document order follows rank: screen readers and tests read the list in order.
    groups.order();
  }

  return {
    update(next) {
      // Safe mode: no data keeps the last ranking on screen.
      if (next === null) return;
      rows = next;
      draw(true);
    },
    resize() {
      measure();
      draw(false);
    },
    destroy() {
      svg.selectAll<Element, unknown>('g.rank-row').each(function () {
        interrupt(this, 'move');
        interrupt(this, 'fade');
      });
      svg.remove();
    },
  };
}

/**
 * Brings leaving rows back: their exit (fade and slide, and the removal at its end) is
 * interrupted and they fade in again from where they are; move() then slides them to their place.
 */
function revive(rows: Selection<SVGGElement, Row, SVGSVGElement, unknown>, animate: boolean): void {
  rows
    .interrupt('fade')
    .classed('rank-exit', false)
    .transition('fade')
    .duration(animate ? MOVE_MS : 0)
    .style('opacity', 1);
}

/** Moves rows to their rank's place, starting a transition only for a row whose place changed. */
function move(groups: Selection<SVGGElement, Row, SVGSVGElement, unknown>, animate: boolean): void {
  groups.each(function (d) {
    const g = select<SVGGElement, Row>(this);
    const target = `translate(0,${d.y})`;
    if (g.attr('data-target') === target) return;
    g.attr('data-target', target);
    if (!animate) g.interrupt('move').attr('transform', target);
    else
      g.transition('move')
        .duration(MOVE_MS)
        .ease(easeCubicInOut)
        .attrTween('transform', function () {
          return slideY(this, d.y);
        });
  });
}

/**
 * A vertical slide from where the row stands now. Rows only ever move along y, so
 * this skips d3's general SVG transform parsing (which needs a full SVG DOM).
 */
function slideY(node: SVGGElement, toY: number): (t: number) => string {
  const m = /translate\(\s*[-\d.e]+\s*,\s*([-\d.e]+)\s*\)/.exec(node.getAttribute('transform') ?? '');
  const y = interpolateNumber(m ? Number(m[1]) : toY, toY);
  return (t) => `translate(0,${y(t)})`;
}
