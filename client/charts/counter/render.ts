import { select } from 'd3';
import type { Fen } from '../../../shared/money.js';
import { formatCny } from '../../format/number.js';
import { INITIAL_INTERVAL_MS, nextIntervalEstimate, restAt, retarget, runDuration, valueAt } from './transform.js';
import type { Run } from './transform.js';

export interface CounterChart {
  /** Count up toward `targetFen`; the first call shows it at once (and any past 2^53 fen, exactly). */
  update(targetFen: Fen): void;
  /** Refit the digits to the box. */
  resize(): void;
  destroy(): void;
}

const PLACEHOLDER = '¥—';
/** Font size the text is measured at before scaling it to the box. */
const PROBE_PX = 100;
/** Leave a sliver so rounding never clips the last digit. */
const FIT_MARGIN = 0.97;

/**
 * The start of the current animation frame (performance.now() base): the frame-locked board applies
 * a tick inside the frame of its presentation time, so a count-up starting here starts on the same
 * frame on every board, and runs in step with theirs (valueAt is a function of frame time only).
 */
const STALE_FRAME_MS = 50;

function frameNow(): number {
  const t = typeof document === 'undefined' ? null : document.timeline?.currentTime;
  const now = performance.now();
  // Outside a frame on an idle page the timeline may still hold the last frame's time: too old.
  return typeof t === 'number' && now - t < STALE_FRAME_MS ? t : now;
}

/** Draws the hero number inside `el`; the React host owns `el` and its accessible name. */
export function create(el: HTMLElement): CounterChart {
  const span = select(el)
    .append('span')
    .attr('class', 'counter-value')
    .attr('aria-hidden', 'true')
    .attr('data-testid', 'gmv-counter-display')
    .text(PLACEHOLDER);
  const node = span.node() as HTMLSpanElement;
  const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

  let run: Run | null = null;
  let target: number | null = null;
  let targetAtMs = 0;
  let intervalMs = INITIAL_INTERVAL_MS;
  let shown: number | null = null;
  let frame = 0;

  function draw(fen: number): void {
    shown = fen;
    drawText(formatCny(fen));
  }

  function drawText(text: string): void {
    if (text === node.textContent) return;
    const refit = text.length !== (node.textContent ?? '').length;
    node.textContent = text;
    if (refit) fit();
  }

  function fit(): void {
    const boxW = el.clientWidth;
    const boxH = el.clientHeight;
    if (boxW === 0 || boxH === 0) return; // not laid out yet; the host calls resize() when it is
    node.style.fontSize = `${PROBE_PX}px`;
    const { width, height } = node.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const size = Math.min((PROBE_PX * boxW) / width, (PROBE_PX * boxH) / height) * FIT_MARGIN;
    node.style.fontSize = `${Math.floor(size)}px`;
  }

  function tick(now: number): void {
    frame = 0;
    if (run === null || shown === null) return;
    // max() is the last guard of the promise that the number never goes down.
    draw(Math.max(shown, valueAt(run, now)));
    if (now < run.startMs + run.durationMs) frame = requestAnimationFrame(tick);
  }

  return {
    update(targetFen) {
      if (typeof targetFen === 'bigint') {
        // Past 2^53 fen a count-up in doubles would round: the exact figure, at once.
        cancelAnimationFrame(frame);
        frame = 0;
        run = null;
        shown = null;
        target = null;
        drawText(formatCny(targetFen));
        return;
      }
      if (!Number.isSafeInteger(targetFen) || targetFen === target) return;
      const now = frameNow();
      if (run === null || shown === null) {
        run = restAt(targetFen, now);
        draw(targetFen);
        fit();
      } else {
        intervalMs = nextIntervalEstimate(intervalMs, now - targetAtMs);
        run = retarget(run, targetFen, now, reducedMotion ? 0 : runDuration(intervalMs));
        if (frame === 0) frame = requestAnimationFrame(tick);
      }
      target = targetFen;
      targetAtMs = now;
    },
    resize: fit,
    destroy() {
      cancelAnimationFrame(frame);
      frame = 0;
      span.remove();
    },
  };
}
