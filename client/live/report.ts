import { MAX_SCREEN_NAME, SCREEN_REPORT_EVERY_MS, type ScreenReport } from '../../shared/fleet.js';
import { dataAgeMs } from './select.js';
import type { LiveState } from './state.js';

/** What the reporter needs of the page; the defaults are the browser's. */
export interface ReporterHost {
  now(): number;
  requestFrame(cb: () => void): number;
  cancelFrame(id: number): void;
  every(cb: () => void, ms: number): () => void;
  visible(): boolean;
  /** The screen's size in device pixels. */
  size(): { width: number; height: number };
}

export function browserReporterHost(): ReporterHost {
  return {
    now: () => Date.now(),
    requestFrame: (cb) => requestAnimationFrame(cb),
    cancelFrame: (id) => cancelAnimationFrame(id),
    every: (cb, ms) => {
      const id = setInterval(cb, ms);
      return () => clearInterval(id);
    },
    visible: () => document.visibilityState !== 'hidden',
    size: () => ({
      width: Math.round(window.innerWidth * window.devicePixelRatio),
      height: Math.round(window.innerHeight * window.devicePixelRatio),
    }),
  };
}

/** What a report says of the board's state. */
export interface ReportSource {
  live(): LiveState;
  /** The rev of the director's program it follows; -1 before any. */
  programRev(): number;
}

/** The socket a report leaves on. */
export interface ReportSocket {
  readonly connected: boolean;
  emit(event: 'report', report: ScreenReport): unknown;
}

/** The build this bundle is (vite.config.ts), or 'dev'. */
export function thisBuild(): string {
  return typeof __GMV_BUILD__ === 'string' ? __GMV_BUILD__.slice(0, MAX_SCREEN_NAME) : 'dev';
}

/** `?screen=` of a location's search, cut to what a report carries; '' when unnamed. */
export function screenOfSearch(search: string): string {
  return (new URLSearchParams(search).get('screen') ?? '').trim().slice(0, MAX_SCREEN_NAME);
}

/**
 * The board's side of the screen fleet: counts the frames the page paints (one callback per
 * animation frame, nothing else) and once a second, while connected, reports them with the seq
 * it applied, its link, data age, build and size. A report is never queued while disconnected:
 * the next one after the reconnection says how things are then. Returns a stop function.
 */
export function startReporter(
  socket: ReportSocket,
  source: ReportSource,
  screen: string,
  host: ReporterHost = browserReporterHost(),
  build: string = thisBuild(),
): () => void {
  let frames = 0;
  let lastPaint: number | null = null;
  let frame = 0;
  const onFrame = () => {
    frames++;
    lastPaint = host.now();
    frame = host.requestFrame(onFrame);
  };
  frame = host.requestFrame(onFrame);
  let periodStart = host.now();
  const stopTimer = host.every(() => {
    const now = host.now();
    const fps = (frames * 1000) / Math.max(1, now - periodStart);
    frames = 0;
    periodStart = now;
    if (!socket.connected) return;
    const state = source.live();
    const age = dataAgeMs(state, now);
    const { width, height } = host.size();
    socket.emit('report', {
      screen,
      seq: state.figures?.seq ?? -1,
      fps: Math.min(1000, Math.round(fps * 10) / 10),
      paintAgoMs: lastPaint === null ? null : Math.max(0, Math.round(now - lastPaint)),
      dataAgeMs: age === null ? null : Math.round(age),
      link: state.link,
      build,
      width,
      height,
      programRev: source.programRev(),
      visible: host.visible(),
    });
  }, SCREEN_REPORT_EVERY_MS);
  return () => {
    stopTimer();
    host.cancelFrame(frame);
  };
}
