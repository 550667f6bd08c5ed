import { memo, useCallback, useRef } from 'react';
import { useChart } from '../useChart.js';
import { createTimeline } from './render.js';
import type { TimelineHandlers } from './render.js';
import type { TimelineModel } from './transform.js';

interface Props extends TimelineHandlers {
  model: TimelineModel | null;
}

/** Host of the replay timeline; the handlers are read through a ref, so a new callback never recreates it. */
export const Timeline = memo(function Timeline({ model, onScrub, onSeek }: Props) {
  const handlers = useRef<TimelineHandlers>({ onScrub, onSeek });
  handlers.current = { onScrub, onSeek };
  const create = useCallback(
    (el: HTMLElement) =>
      createTimeline(el, {
        onScrub: (f) => handlers.current.onScrub(f),
        onSeek: (t) => handlers.current.onSeek(t),
      }),
    [],
  );
  const box = useChart(create, model);
  return <div ref={box} className="timeline" data-testid="timeline" />;
});
