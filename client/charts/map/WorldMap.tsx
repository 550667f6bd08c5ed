import { memo, useMemo } from 'react';
import type { FenRow } from '../../live/decode.js';
import type { ArcBatch } from '../../live/state.js';
import { useChart } from '../useChart.js';
import { create } from './render.js';
import { countryHeat } from './transform.js';
import { t } from '../../i18n/t.js';

interface Props {
  countries: FenRow[] | null;
  arcs: ArcBatch;
  ordersPerArc: number;
}

export const WorldMap = memo(function WorldMap({ countries, arcs, ordersPerArc }: Props) {
  const heat = useMemo(() => countryHeat(countries ?? []), [countries]);
  const data = useMemo(() => ({ heat, arcs, ordersPerArc }), [heat, arcs, ordersPerArc]);
  const box = useChart(create, data);
  return <div ref={box} className="chart world-map" data-testid="world-map" role="img" aria-label={t('map.aria')} />;
});
