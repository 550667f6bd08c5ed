import { memo } from 'react';
import type { FenRow } from '../../live/decode.js';
import { WorldMap } from '../../charts/map/WorldMap.js';
import { formatCount } from '../../format/number.js';
import type { ArcBatch } from '../../live/state.js';
import { t } from '../../i18n/t.js';

interface Props {
  countries: FenRow[] | null;
  arcs: ArcBatch;
  ordersPerArc: number;
}

/** "1 arc ≈ 1,200 orders": how many orders each drawn flow stands for. */
export function arcScaleText(ordersPerArc: number): string {
  if (!(ordersPerArc > 0)) return '\u00a0';
  return t(ordersPerArc === 1 ? 'map.arcScale.one' : 'map.arcScale.other', { count: formatCount(ordersPerArc) });
}

export const MapPanel = memo(function MapPanel({ countries, arcs, ordersPerArc }: Props) {
  return (
    <section className="panel map-panel" aria-label={t('map.label')} data-testid="map">
      <div className="panel-head">
        <div className="panel-label">{t('map.label')}</div>
        <div className="map-scale" data-testid="orders-per-arc" data-value={ordersPerArc}>
          {arcScaleText(ordersPerArc)}
        </div>
      </div>
      <WorldMap countries={countries} arcs={arcs} />
    </section>
  );
});
