import { useEffect, useRef, useState } from 'react';
import type { ArcBatch } from '../../live/state.js';
import { countFlows } from './routes.js';
import { mapModeFrom, ViewChooser, type MapMode, type MapView } from './view.js';

/** The screen's `?map=`, read once (as `?lang=`): the crew decides, a screen that wants another reloads. */
const SCREEN_MODE: MapMode = typeof window === 'undefined' ? 'auto' : mapModeFrom(window.location.search);

export interface ShownView {
  view: MapView;
  /** Domestic arcs' share of the recent window, in whole percent; null while too few arcs were seen. */
  domesticPct: number | null;
  /** The view is forced (by the director or the screen's `?map=`), not chosen by the shares. */
  forced: boolean;
}

/**
 * The view the map panel shows: forced by `mode`, or chosen by the share of domestic and
 * cross-border arcs (ViewChooser, with hysteresis). Re-renders only when the view or the
 * shown percentage changes, not on every tick.
 */
export function useMapView(arcs: ArcBatch, mode: MapMode = SCREEN_MODE): ShownView {
  const chooser = useRef<ViewChooser | null>(null);
  chooser.current ??= new ViewChooser();
  const [shown, setShown] = useState<Omit<ShownView, 'forced'>>({
    view: 'world',
    domesticPct: null,
  });
  useEffect(() => {
    const c = chooser.current!;
    const { domestic, cross } = countFlows(arcs.arcs);
    const now = performance.now();
    const auto = c.observe(domestic, cross, now);
    const share = c.domesticShare(now);
    const next = {
      view: auto,
      domesticPct: share === null ? null : Math.round(share * 100),
    };
    setShown((prev) => (prev.view === next.view && prev.domesticPct === next.domesticPct ? prev : next));
  }, [arcs]);
  // The chooser follows the shares even while a view is forced, so auto resumes where they stand.
  return mode === 'auto' ? { ...shown, forced: false } : { view: mode, domesticPct: shown.domesticPct, forced: true };
}
