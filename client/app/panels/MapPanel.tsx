import { memo } from 'react';
import type { FenRow } from '../../live/decode.js';
import { WorldMap } from '../../charts/map/WorldMap.js';
import { formatCount } from '../../format/number.js';
import type { ArcBatch } from '../../live/state.js';

interface Props {
  countries: FenRow[] | null;
  arcs: ArcBatch;
  ordersPerArc: number;
}

/** "1 arc ≈ 1,200 orders": how many orders each drawn flow stands for. */
export function arcScaleText(ordersPerArc: number): string {
  if (!(ordersPerArc > 0)) return '\u00a0';
  return `1 arc ≈ ${formatCount(ordersPerArc)} ${ordersPerArc === 1 ? 'order' : 'orders'}`;
}

export const MapPanel = memo(function MapPanel({ countries, arcs, ordersPerArc }: Props) {
  return (
    <section className="panel map-panel" aria-label="Order flows" data-testid="map">
      <div className="panel-head">
        <div className="panel-label">Order flows</div>
        <div className="map-scale" data-testid="orders-per-arc" data-value={ordersPerArc}>
          {arcScaleText(ordersPerArc)}
        </div>
      </div>
      <WorldMap countries={countries} arcs={arcs} />
    </section>
  );
});
