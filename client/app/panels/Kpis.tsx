import { memo } from 'react';
import type { Pace, Rate } from '../../../shared/protocol.js';
import { formatDuration } from '../../../shared/time.js';
import { compactCny, formatPacePct } from '../../format/amount.js';
import { fenOrNull, formatCount, formatPerSec } from '../../format/number.js';
import { Stat } from './Stat.js';

interface Props {
  orders: number | null;
  rate: Rate | null;
  pace: Pace | null;
  /** Whether the show compares against last year at all. */
  hasLastYear: boolean;
}

/** The row of live figures under the hero: orders, pace now, the peak so far and the pace against last year. */
export const Kpis = memo(function Kpis({ orders, rate, pace, hasLastYear }: Props) {
  const gmvPerSec = fenOrNull(rate?.gmvPerSec);
  const projected = fenOrNull(pace?.projectedGmv);
  const peakAt = rate?.peakSecond ?? null;
  return (
    <div className="kpis">
      <Stat
        label="Orders"
        testId="orders-total"
        value={orders === null ? null : formatCount(orders)}
        exact={orders === null ? null : String(orders)}
      />
      <Stat
        label="Orders / s"
        testId="orders-per-sec"
        value={rate === null ? null : formatPerSec(rate.ordersPerSec)}
        exact={rate === null ? null : String(rate.ordersPerSec)}
      />
      <Stat
        label="GMV / s"
        testId="gmv-per-sec"
        value={gmvPerSec === null ? null : compactCny(gmvPerSec)}
        exact={rate?.gmvPerSec ?? null}
      />
      <Stat
        label="Peak / s"
        testId="peak"
        value={rate === null ? null : formatCount(rate.peakOrdersPerSec)}
        exact={rate === null ? null : String(rate.peakOrdersPerSec)}
        sub={peakAt === null ? undefined : `at ${formatDuration(peakAt)}`}
      />
      {hasLastYear && (
        <Stat
          label="vs last year"
          testId="pace"
          value={pace === null ? null : formatPacePct(pace.vsLastYearPct)}
          exact={pace?.vsLastYearPct === null || pace === null ? null : String(pace.vsLastYearPct)}
          sub={projected === null ? undefined : `projected ${compactCny(projected)}`}
          tone={pace?.vsLastYearPct == null ? undefined : pace.vsLastYearPct >= 0 ? 'up' : 'down'}
        />
      )}
    </div>
  );
});
