import { memo, useMemo, useRef } from 'react';
import type { ShowMark } from '../../../shared/marks.js';
import { fenToNumber } from '../../../shared/money.js';
import type { FenPoint, FenRate } from '../../live/decode.js';
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
  /** The rate, for its peak seconds; null before the first snapshot. */
  rate?: FenRate | null;
  /** The show's length in seconds, where the axis ends; null: not known yet. */
  endSec?: number | null;
}

/** About one point per 3 px of a 4K-wide panel; the renderer draws them as one path. */
const MAX_POINTS = 700;

export const Curve = memo(function Curve({
  series,
  lastYearMinuteFen,
  elapsedSec,
  marks = null,
  rate = null,
  endSec = null,
}: Props) {
  // Only complete seconds are drawn, so the curve changes when a second completes, not on every
  // tick: recompute then (and when last year arrives), reading the newest series from a ref.
  const latest = useRef(series);
  latest.current = series;
  // Peaks as plain values, and only complete ones: a peak second still filling changes on every
  // tick and is not drawn yet, so it must not recompute the curve each time.
  const done = (second: number | null | undefined) =>
    second != null && elapsedSec !== null && second < elapsedSec ? second : null;
  const gmvSecond = done(rate?.peakFenSecond);
  const gmvFen = gmvSecond === null || rate?.peakFenPerSec == null ? null : fenToNumber(rate.peakFenPerSec);
  const ordersSecond = done(rate?.peakSecond);
  const orders = ordersSecond === null ? null : (rate?.peakOrdersPerSec ?? null);
  const model = useMemo(
    () =>
      elapsedSec === null
        ? null
        : curveModel({
            series: latest.current,
            lastYearMinuteFen,
            elapsedSec,
            maxPoints: MAX_POINTS,
            marks,
            endSec,
            peaks: {
              gmv: gmvSecond === null || gmvFen === null ? null : { second: gmvSecond, fen: gmvFen },
              orders: ordersSecond === null || orders === null ? null : { second: ordersSecond, orders },
            },
          }),
    [lastYearMinuteFen, elapsedSec, marks, endSec, gmvSecond, gmvFen, ordersSecond, orders],
  );
  const box = useChart(create, model);
  return <div ref={box} className="chart curve" role="img" aria-label={t('curve.aria')} />;
});
