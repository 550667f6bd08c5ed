import { memo } from 'react';
import type { FenRow } from '../../live/decode.js';
import { ChinaMap } from '../../charts/map/ChinaMap.js';
import { useMapView } from '../../charts/map/useMapView.js';
import type { MapMode } from '../../charts/map/view.js';
import { WorldMap } from '../../charts/map/WorldMap.js';
import type { ArcBatch } from '../../live/state.js';
import { t } from '../../i18n/t.js';

interface Props {
  countries: FenRow[] | null;
  arcs: ArcBatch;
  ordersPerArc: number;
  /** Forces a view; by default the screen's `?map=` (auto when absent). */
  mode?: MapMode;
}

/**
 * Order flows where they happen: the China view (provinces) for domestic flows, the world for
 * cross-border ones, chosen by their shares (docs/using.md, "The map's two views"). "1 arc ≈ N
 * orders" is in the map's own legend: it counts what that view draws.
 */
export const MapPanel = memo(function MapPanel({ countries, arcs, ordersPerArc, mode }: Props) {
  const { view, domesticPct } = useMapView(arcs, mode);
  const pct = domesticPct === null ? null : view === 'china' ? domesticPct : 100 - domesticPct;
  return (
    <section className="panel map-panel" aria-label={t('map.label')} data-testid="map" data-view={view}>
      <div className="panel-head">
        <div className="panel-label">{t('map.label')}</div>
        <div className="map-view" data-testid="map-view" data-value={pct ?? ''}>
          {t(view === 'china' ? 'map.view.china' : 'map.view.world')}
          {pct === null ? '' : ` · ${t('map.view.share', { pct })}`}
        </div>
      </div>
      {view === 'china' ? (
        <ChinaMap arcs={arcs} ordersPerArc={ordersPerArc} />
      ) : (
        <WorldMap countries={countries} arcs={arcs} ordersPerArc={ordersPerArc} />
      )}
    </section>
  );
});
