import { select } from 'd3';
import { drawRules } from '../marks/render.js';
import type { Chart } from '../useChart.js';
import type { TimelineModel } from './transform.js';
import { t } from '../../i18n/t.js';

export type TimelineChart = Chart<TimelineModel | null>;

/** What the timeline reports: a scrub in progress (preview) and where the user let go or clicked. */
export interface TimelineHandlers {
  /** Fraction 0..1 under the pointer while dragging; null when the drag ends. */
  onScrub(f: number | null): void;
  /** Fraction 0..1 where the user let go, or a bookmark's instant (epoch ms). */
  onSeek(target: { fraction: number } | { atMs: number }): void;
}

const PAD_X = 14;

/**
 * The replay timeline: a track with the played part filled, whole-hour ticks,
 * milestone bookmarks (click one to jump there) and a play head that can be
 * dragged. While a drag lasts, the head follows the pointer and ignores the
 * server's position; the seek is sent once, on release.
 */
export function createTimeline(el: HTMLElement, handlers: TimelineHandlers): TimelineChart {
  const svg = select(el).append('svg').attr('class', 'timeline-svg').attr('data-testid', 'timeline-svg');
  const ticks = svg.append('g').attr('class', 'timeline-ticks');
  const track = svg.append('rect').attr('class', 'timeline-track');
  const played = svg.append('rect').attr('class', 'timeline-played');
  const rules = svg.append('g').attr('class', 'timeline-rules').attr('data-testid', 'timeline-rules');
  const marks = svg.append('g').attr('class', 'timeline-marks');
  const head = svg
    .append('circle')
    .attr('class', 'timeline-head')
    .attr('data-testid', 'timeline-head')
    .attr('role', 'slider')
    .attr('aria-label', t('replay.position'));

  let model: TimelineModel | null = null;
  let dragging: number | null = null;

  const width = () => Math.max(1, el.clientWidth - 2 * PAD_X);
  const xOf = (f: number) => PAD_X + f * width();
  const fractionAt = (clientX: number) => {
    const box = el.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientX - box.left - PAD_X) / width()));
  };

  function draw(): void {
    const w = el.clientWidth;
    const h = el.clientHeight;
    svg.attr('width', w).attr('height', h);
    if (model === null || w === 0 || h === 0) return;
    const y = h * 0.42;
    const f = dragging ?? model.position;
    track
      .attr('x', PAD_X)
      .attr('y', y - 3)
      .attr('width', width())
      .attr('height', 6)
      .attr('rx', 3);
    played
      .attr('x', PAD_X)
      .attr('y', y - 3)
      .attr('width', f * width())
      .attr('height', 6)
      .attr('rx', 3);
    head
      .attr('cx', xOf(f))
      .attr('cy', y)
      .attr('r', 9)
      .attr('aria-valuenow', Math.round(f * 1000) / 10);

    // On a narrow strip every k-th label only, about 48 px apart at least.
    const every = Math.max(1, Math.ceil((model.ticks.length * 48) / width()));
    ticks
      .selectAll<SVGTextElement, TimelineModel['ticks'][number]>('text')
      .data(
        model.ticks.filter((_, i) => i % every === 0),
        (d) => `${d.at}`,
      )
      .join('text')
      .attr('x', (d) => xOf(d.at))
      .attr('y', h - 4)
      // The first and last labels hang inwards, so the track's ends do not clip them.
      .attr('text-anchor', (d) => (d.at < 0.02 ? 'start' : d.at > 0.98 ? 'end' : 'middle'))
      .text((d) => d.label);

    // Run-of-show marks: a thin rule across the track, its label under it (one row; a click seeks there).
    drawRules(rules, model.rules ?? [], {
      px: xOf,
      top: y - 10,
      bottom: y + 10,
      fontPx: 10,
      labelTop: y + 4,
      lanes: 1,
      maxPx: PAD_X + width(),
      onPick: (m) => handlers.onSeek({ atMs: m.atMs }),
    });

    marks
      .selectAll<SVGGElement, TimelineModel['marks'][number]>('g.timeline-mark')
      .data(model.marks, (d) => d.key)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'timeline-mark').attr('data-testid', 'bookmark');
        g.append('line');
        g.append('path');
        g.append('title');
        g.on('pointerdown', (ev: PointerEvent) => ev.stopPropagation());
        g.on('click', (_ev, d) => handlers.onSeek({ atMs: d.atMs }));
        return g;
      })
      .attr('data-kind', (d) => d.kind)
      .attr('data-at', (d) => d.atMs)
      .attr('transform', (d) => `translate(${xOf(d.at)},0)`)
      .call((g) => {
        g.select('line')
          .attr('y1', y - 14)
          .attr('y2', y + 8);
        // A small flag above the track: easy to hit with a finger.
        g.select('path').attr('d', `M0,${y - 26}h12l-4,6l4,6h-12z`);
        g.select('title').text((d) => d.label);
      });
  }

  svg.on('pointerdown', (ev: PointerEvent) => {
    if (model === null) return;
    // Keeps the drag when the pointer leaves the strip (optional: not every DOM has it).
    (ev.currentTarget as Element).setPointerCapture?.(ev.pointerId);
    dragging = fractionAt(ev.clientX);
    handlers.onScrub(dragging);
    draw();
  });
  svg.on('pointermove', (ev: PointerEvent) => {
    if (dragging === null) return;
    dragging = fractionAt(ev.clientX);
    handlers.onScrub(dragging);
    draw();
  });
  const release = (ev: PointerEvent, seek: boolean) => {
    if (dragging === null) return;
    const f = fractionAt(ev.clientX);
    dragging = null;
    handlers.onScrub(null);
    if (seek) handlers.onSeek({ fraction: f });
    draw();
  };
  svg.on('pointerup', (ev: PointerEvent) => release(ev, true));
  svg.on('pointercancel', (ev: PointerEvent) => release(ev, false));

  return {
    update(next) {
      model = next;
      draw();
    },
    resize: draw,
    destroy() {
      svg.on('pointerdown pointermove pointerup pointercancel', null);
      svg.remove();
    },
  };
}
