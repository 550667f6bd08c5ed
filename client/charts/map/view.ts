/** The map's two views: China's provinces for domestic flows, the world for cross-border ones. */
export type MapView = 'china' | 'world';
/** `auto` follows the share of each; `china` and `world` force one. */
export type MapMode = 'auto' | MapView;

/** `?map=china|world|auto`; anything else, or none, is auto. */
export function mapModeFrom(search: string): MapMode {
  const v = new URLSearchParams(search).get('map')?.trim().toLowerCase();
  return v === 'china' || v === 'world' ? v : 'auto';
}

/** The window the shares are read over, in one-second buckets. */
export const VIEW_WINDOW_SECONDS = 30;
/** Fewer arcs than this in the window: too few to judge, the view stays. */
export const VIEW_MIN_ARCS = 20;
/** Hysteresis: China when domestic flows reach this share, the world again only when they fall to 1 − it. */
export const VIEW_ENTER_SHARE = 0.6;
/** After a switch the view stays at least this long, whatever the shares do. */
export const VIEW_MIN_DWELL_MS = 20_000;

/**
 * The automatic choice of view: the share of domestic arcs over the last VIEW_WINDOW_SECONDS,
 * with hysteresis (60 % to enter the China view, 40 % to leave it) and a least dwell, so a
 * mixed feed does not flip the wall back and forth. Starts on the world (as the map always did)
 * and takes the first switch as soon as the window holds enough arcs. Fixed memory.
 */
export class ViewChooser {
  private readonly seconds = new Float64Array(VIEW_WINDOW_SECONDS).fill(-1);
  private readonly domestic = new Uint32Array(VIEW_WINDOW_SECONDS);
  private readonly cross = new Uint32Array(VIEW_WINDOW_SECONDS);
  private switchedAtMs = -Infinity;
  view: MapView = 'world';

  /** Counts a batch's flows seen at `nowMs` and returns the view to show. */
  observe(domestic: number, cross: number, nowMs: number): MapView {
    const second = Math.floor(nowMs / 1000);
    const i = ((second % VIEW_WINDOW_SECONDS) + VIEW_WINDOW_SECONDS) % VIEW_WINDOW_SECONDS;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.domestic[i] = 0;
      this.cross[i] = 0;
    }
    this.domestic[i]! += domestic;
    this.cross[i]! += cross;
    const share = this.domesticShare(nowMs);
    if (share === null || nowMs - this.switchedAtMs < VIEW_MIN_DWELL_MS) return this.view;
    const next: MapView =
      this.view === 'world'
        ? share >= VIEW_ENTER_SHARE
          ? 'china'
          : 'world'
        : share <= 1 - VIEW_ENTER_SHARE
          ? 'world'
          : 'china';
    if (next !== this.view) {
      this.view = next;
      this.switchedAtMs = nowMs;
    }
    return this.view;
  }

  /** Domestic arcs' share of the window at `nowMs`, or null when it holds fewer than VIEW_MIN_ARCS. */
  domesticShare(nowMs: number): number | null {
    const oldest = Math.floor(nowMs / 1000) - VIEW_WINDOW_SECONDS + 1;
    let d = 0;
    let c = 0;
    for (let i = 0; i < VIEW_WINDOW_SECONDS; i++) {
      if (this.seconds[i]! < oldest) continue;
      d += this.domestic[i]!;
      c += this.cross[i]!;
    }
    return d + c < VIEW_MIN_ARCS ? null : d / (d + c);
  }
}
