import { memo } from 'react';
import type { ShowMark } from '../../../shared/marks.js';
import type { FenPoint, FenRate } from '../../live/decode.js';
import { Curve } from '../../charts/curve/Curve.js';
import { t } from '../../i18n/t.js';

interface Props {
  series: FenPoint[];
  lastYearMinuteFen: number[] | null;
  lastYearName: string | null;
  elapsedSec: number | null;
  /** The show's run-of-show marks and its start; null: none drawn. */
  marks?: { list: readonly ShowMark[]; startMs: number } | null;
  /** For the peak seconds marked on the curve. */
  rate?: FenRate | null;
  /** The show's length in seconds: the time axis ends there. */
  durationSec?: number | null;
}

export const CurvePanel = memo(function CurvePanel({
  series,
  lastYearMinuteFen,
  lastYearName,
  elapsedSec,
  marks = null,
  rate = null,
  durationSec = null,
}: Props) {
  return (
    <section className="panel curve-panel" aria-label={t('curve.label')} data-testid="curve">
      <div className="panel-head">
        <div className="panel-label">{t('curve.label')}</div>
        <div className="legend">
          <span className="legend-item legend-now">{t('curve.thisYear')}</span>
          {lastYearName !== null && <span className="legend-item legend-last">{lastYearName}</span>}
        </div>
      </div>
      <Curve
        series={series}
        lastYearMinuteFen={lastYearMinuteFen}
        elapsedSec={elapsedSec}
        marks={marks}
        rate={rate}
        endSec={durationSec}
      />
    </section>
  );
});
