import { memo, useMemo } from 'react';
import type { FenRow } from '../../live/decode.js';
import { useChart } from '../useChart.js';
import { create } from './render.js';
import { channelShares } from './transform.js';
import { t } from '../../i18n/t.js';

export const ChannelShares = memo(function ChannelShares({ rows }: { rows: FenRow[] | null }) {
  const shares = useMemo(() => (rows === null ? null : channelShares(rows)), [rows]);
  const box = useChart(create, shares);
  return (
    <section className="panel channels" aria-label={t('channels.aria')} data-testid="channel-share">
      <div className="panel-label">{t('channels.label')}</div>
      <div ref={box} className="chart channel-chart" />
    </section>
  );
});
