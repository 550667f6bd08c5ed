import { memo } from 'react';
import type { FenPoint } from '../../live/decode.js';
import { Curve } from '../../charts/curve/Curve.js';

interface Props {
  series: FenPoint[];
  lastYearMinuteFen: number[] | null;
  lastYearName: string | null;
  elapsedSec: number | null;
}

export const CurvePanel = memo(function CurvePanel({ series, lastYearMinuteFen, lastYearName, elapsedSec }: Props) {
  return (
    <section className="panel curve-panel" aria-label="GMV per second" data-testid="curve">
      <div className="panel-head">
        <div className="panel-label">GMV per second</div>
        <div className="legend">
          <span className="legend-item legend-now">this year</span>
          {lastYearName !== null && <span className="legend-item legend-last">{lastYearName}</span>}
        </div>
      </div>
      <Curve series={series} lastYearMinuteFen={lastYearMinuteFen} elapsedSec={elapsedSec} />
    </section>
  );
});
