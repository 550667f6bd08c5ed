import { useEffect, useLayoutEffect, useRef } from 'react';
import type { RefObject } from 'react';

/** What every chart's render.ts returns: created once, updated in place, destroyed on unmount. */
export interface Chart<D> {
  update(data: D): void;
  resize(): void;
  destroy(): void;
}

/**
 * The thin host of habit 7: React owns the box; the chart is created when the box
 * mounts (or `create` changes: a config change), resized by a ResizeObserver,
 * updated in place when `data` changes, and destroyed on unmount, so nothing it
 * started (timers, frames, canvas memory) outlives it.
 */
export function useChart<D>(create: (el: HTMLElement) => Chart<D>, data: D): RefObject<HTMLDivElement | null> {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart<D> | null>(null);
  // A recreated chart (StrictMode, config change) starts from the newest data, not from empty.
  const latest = useRef(data);

  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const c = create(el);
    chart.current = c;
    c.update(latest.current);
    // Coalesce resize bursts (window drags, layout changes) into one per frame.
    let frame = 0;
    const observer = new ResizeObserver(() => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        c.resize();
      });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      c.destroy();
      chart.current = null;
    };
  }, [create]);

  useEffect(() => {
    if (latest.current === data) return;
    latest.current = data;
    chart.current?.update(data);
  }, [data]);

  return box;
}
