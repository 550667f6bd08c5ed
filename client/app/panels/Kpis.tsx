import { memo } from 'react';
import type { FenPace, FenRate } from '../../live/decode.js';
import { formatDuration } from '../../../shared/time.js';
import { compactCny, formatPacePct } from '../../format/amount.js';
import { formatFen } from '../../../shared/money.js';
import { formatCount, formatPerSec } from '../../format/number.js';
import { Stat } from './Stat.js';
import { t } from '../../i18n/t.js';

interface Props {
  orders: number | null;
  rate: FenRate | null;
  pace: FenPace | null;
  /** Whether the show compares against last year at all. */
  hasLastYear: boolean;
}

/** The row of live figures under the hero: orders, pace now, the peak seconds so far (orders and GMV) and the pace against last year. */
export const Kpis = memo(function Kpis({ orders, rate, pace, hasLastYear }: Props) {
  const gmvPerSec = rate?.fenPerSec ?? null;
  const projected = pace?.projectedFen ?? null;
  const peakAt = rate?.peakSecond ?? null;
  const peakGmv = rate?.peakFenPerSec ?? null;
  const peakGmvAt = rate?.peakFenSecond ?? null;
  return (
    <div className="kpis">
      <Stat
        label={t('kpi.orders')}
        testId="orders-total"
        value={orders === null ? null : formatCount(orders)}
        exact={orders === null ? null : String(orders)}
      />
      <Stat
        label={t('kpi.ordersPerSec')}
        testId="orders-per-sec"
        value={rate === null ? null : formatPerSec(rate.ordersPerSec)}
        exact={rate === null ? null : String(rate.ordersPerSec)}
      />
      <Stat
        label={t('kpi.gmvPerSec')}
        testId="gmv-per-sec"
        value={gmvPerSec === null ? null : compactCny(gmvPerSec)}
        exact={gmvPerSec === null ? null : formatFen(gmvPerSec)}
      />
      <Stat
        label={t('kpi.peakPerSec')}
        testId="peak"
        value={rate === null ? null : formatCount(rate.peakOrdersPerSec)}
        exact={rate === null ? null : String(rate.peakOrdersPerSec)}
        sub={peakAt === null ? undefined : t('kpi.peakAt', { time: formatDuration(peakAt) })}
      />
      <Stat
        label={t('kpi.peakGmvPerSec')}
        testId="peak-gmv"
        value={peakGmv === null ? null : compactCny(peakGmv)}
        exact={peakGmv === null ? null : formatFen(peakGmv)}
        sub={peakGmvAt === null ? undefined : t('kpi.peakAt', { time: formatDuration(peakGmvAt) })}
      />
      {hasLastYear && (
        <Stat
          label={t('kpi.vsLastYear')}
          testId="pace"
          value={pace === null ? null : formatPacePct(pace.vsLastYearPct)}
          exact={pace?.vsLastYearPct === null || pace === null ? null : String(pace.vsLastYearPct)}
          sub={projected === null ? undefined : t('kpi.projected', { value: compactCny(projected) })}
          tone={pace?.vsLastYearPct == null ? undefined : pace.vsLastYearPct >= 0 ? 'up' : 'down'}
        />
      )}
    </div>
  );
});
