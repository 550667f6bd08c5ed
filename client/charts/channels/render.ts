// interrupt is named so the bundle keeps d3-transition (see ranking/render.ts).
import { interrupt, select } from 'd3';
import { channelName } from '../../format/names.js';
import { attrIf, styleIf, textIf } from '../attrs.js';
import type { Chart } from '../useChart.js';
import type { ChannelShare } from './transform.js';

export type ChannelChart = Chart<ChannelShare[] | null>;

const COLORS: Readonly<Record<string, string>> = { mobile: '#ffcf5a', pc: '#5aa9ff', offline: '#35d07f' };
const MOVE_MS = 600;

/** One 100% bar split by channel, then one line per channel: swatch, name, share. */
export function create(el: HTMLElement): ChannelChart {
  const svg = select(el).append('svg').attr('class', 'channel-svg');
  let shares: ChannelShare[] = [];

  /** Segment positions as last animated, in half-percent steps. */
  let shownStarts = '';

  // The box's size as of the last resize: reading it on every tick would force a layout mid-frame.
  let w = 0;
  let h = 0;
  let measured = false;

  function measure(): void {
    w = el.clientWidth;
    h = el.clientHeight;
    measured = true;
  }

  function draw(ms: number): void {
    if (!measured) measure();
    attrIf(svg, 'width', w);
    attrIf(svg, 'height', h);
    const barH = h * 0.26;
    const rowH = (h - barH * 1.25) / Math.max(3, shares.length);
    const font = Math.max(8, Math.min(rowH * 0.62, w / 11));
    const segs = svg
      .selectAll<SVGRectElement, ChannelShare>('rect.channel-seg')
      .data(shares, (d) => d.key)
      .join((enter) => enter.append('rect').attr('class', 'channel-seg').attr('x', 0).attr('width', 0));
    attrIf(segs, 'data-key', (d) => d.key);
    attrIf(segs, 'y', 0);
    attrIf(segs, 'height', barH);
    attrIf(segs, 'fill', (d) => COLORS[d.key] ?? '#8a94a8');
    if (ms === 0) {
      // A resize: place the segments at once.
      segs.each(function () {
        interrupt(this, 'share');
      });
      segs.attr('x', (d) => d.start * w).attr('width', (d) => d.width * w);
      shownStarts = '';
    } else if (visibleMove()) {
      // Small drifts wait for the next visible move rather than restarting a transition every tick.
      segs
        .transition('share')
        .duration(ms)
        .attr('x', (d) => d.start * w)
        .attr('width', (d) => d.width * w);
    }
    const rows = svg
      .selectAll<SVGGElement, ChannelShare>('g.channel-row')
      .data(shares, (d) => d.key)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'channel-row');
        g.append('rect').attr('class', 'channel-swatch');
        g.append('text').attr('class', 'channel-name');
        g.append('text').attr('class', 'channel-pct');
        return g;
      });
    attrIf(rows, 'data-key', (d) => d.key);
    attrIf(rows, 'transform', (_, i) => `translate(0,${barH * 1.25 + i * rowH})`);
    const baseline = rowH * 0.5 + font * 0.36;
    const fontSize = `${font}px`;
    const swatch = rows.select<SVGRectElement>('rect.channel-swatch');
    attrIf(swatch, 'y', rowH / 2 - font * 0.35);
    attrIf(swatch, 'width', font * 0.7);
    attrIf(swatch, 'height', font * 0.7);
    attrIf(swatch, 'fill', (d) => COLORS[d.key] ?? '#8a94a8');
    const name = rows.select<SVGTextElement>('text.channel-name');
    attrIf(name, 'x', font * 1.1);
    attrIf(name, 'y', baseline);
    styleIf(name, 'font-size', fontSize);
    textIf(name, (d) => channelName(d.key));
    const pct = rows.select<SVGTextElement>('text.channel-pct');
    attrIf(pct, 'x', w);
    attrIf(pct, 'y', baseline);
    styleIf(pct, 'font-size', fontSize);
    attrIf(pct, 'fill', (d) => COLORS[d.key] ?? '#8a94a8');
    textIf(pct, (d) => d.pctText);
  }

  /** True when some segment moved by more than half a percent since the last animated move. */
  function visibleMove(): boolean {
    const starts = shares.map((d) => Math.round(d.start * 200) + Math.round(d.width * 200) * 1000).join(',');
    if (starts === shownStarts) return false;
    shownStarts = starts;
    return true;
  }

  return {
    update(next) {
      if (next === null) return;
      shares = next;
      draw(MOVE_MS);
    },
    resize() {
      measure();
      draw(0);
    },
    destroy() {
      svg.selectAll<Element, unknown>('rect.channel-seg').each(function () {
        interrupt(this, 'share');
      });
      svg.remove();
    },
  };
}
