import { memo, useMemo, useRef } from 'react';
import type { ShowMark } from '../../../shared/marks.js';
import type { FenPoint } from '../../live/decode.js';
import { useChart } from '../useChart.js';
import { create } from './render.js';
import { curveModel } from './transform.js';
import { t } from '../../i18n/t.js';

interface Props {
  series: FenPoint[];
  lastYearMinuteFen: number[] | null;
  /** Whole seconds since the show start on the show clock; null before the first snapshot. */
  elapsedSec: number | null;
  /** The show's run-of-show marks and its start (epoch ms); null: none drawn. */
  marks?: { list: readonly ShowMark[]; startMs: number } | null;
}

/** About one point per 3 px of a 4K-wide panel; the renderer draws them as one path. */
const MAX_POINTS = 700;

export const Curve = memo(function Curve({ series, lastYearMinuteFen, elapsedSec, marks = null }: Props) {
  // Only complete seconds are drawn, so the curve changes when a second completes, not on every
  // tick: recompute then (and when last year arrives), reading the newest series from a ref.
  const latest = useRef(series);
  latest.current = series;
  const model = useMemo(
    () =>
      elapsedSec === null
        ? null
        : curveModel({ series: latest.current, lastYearMinuteFen, elapsedSec, maxPoints: MAX_POINTS, marks }),
    [lastYearMinuteFen, elapsedSec, marks],
  );
  const box = useChart(create, model);
  return <div ref={box} className="chart curve" role="img" aria-label={t('curve.aria')} />;
});
