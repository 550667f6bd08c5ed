import { memo } from 'react';
import type { FenRow } from '../../live/decode.js';
import { ChinaMap } from '../../charts/map/ChinaMap.js';
import { useMapView } from '../../charts/map/useMapView.js';
import { useWide } from '../../charts/map/useWide.js';
import type { MapMode, MapView } from '../../charts/map/view.js';
import { WorldMap } from '../../charts/map/WorldMap.js';
import type { ArcBatch } from '../../live/state.js';
import { t } from '../../i18n/t.js';

interface Props {
  countries: FenRow[] | null;
  arcs: ArcBatch;
  ordersPerArc: number;
  /** Forces a view (the director's); by default the screen's `?map=` (auto when absent). */
  mode?: MapMode;
}

function caption(view: MapView, domesticPct: number | null): string {
  const pct = domesticPct === null ? null : view === 'china' ? domesticPct : 100 - domesticPct;
  const name = t(view === 'china' ? 'map.view.china' : 'map.view.world');
  return pct === null ? name : `${name} · ${t('map.view.share', { pct })}`;
}

/**
 * Order flows where they happen: the China view (provinces) for domestic flows, the world for
 * cross-border ones, chosen by their shares, or both side by side on a 32:9 wall when no view is
 * forced (docs/using.md, "The map's two views"). "1 arc ≈ N orders" is in each map's own legend:
 * it counts what that map draws.
 */
export const MapPanel = memo(function MapPanel({ countries, arcs, ordersPerArc, mode }: Props) {
  const { view, domesticPct, forced } = useMapView(arcs, mode);
  const both = useWide() && !forced;
  const views: MapView[] = both ? ['china', 'world'] : [view];
  return (
    <section
      className={`panel map-panel${both ? ' map-both' : ''}`}
      aria-label={t('map.label')}
      data-testid="map"
      data-view={both ? 'both' : view}
    >
      <div className="panel-head">
        <div className="panel-label">{t('map.label')}</div>
        <div className="map-view" data-testid="map-view" data-value={domesticPct ?? ''}>
          {views.map((v) => caption(v, domesticPct)).join('  ·  ')}
        </div>
      </div>
      <div className="map-views">
        {views.map((v) =>
          v === 'china' ? (
            <ChinaMap key={v} arcs={arcs} ordersPerArc={ordersPerArc} />
          ) : (
            <WorldMap key={v} countries={countries} arcs={arcs} ordersPerArc={ordersPerArc} />
          ),
        )}
      </div>
    </section>
  );
});
