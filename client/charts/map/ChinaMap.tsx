import { memo, useEffect, useMemo, useState } from 'react';
import type { ArcBatch } from '../../live/state.js';
import { t } from '../../i18n/t.js';
import { useChart, type Chart } from '../useChart.js';
import { loadChina, type ChinaAtlas } from './china.js';
import { createChina, type ChinaData } from './china-render.js';

interface Props {
  arcs: ArcBatch;
  ordersPerArc: number;
}

/** Until the shapes' chunk has come: an empty box. */
const waiting = (): Chart<ChinaData | null> => ({ update() {}, resize() {}, destroy() {} });

export const ChinaMap = memo(function ChinaMap({ arcs, ordersPerArc }: Props) {
  const [atlas, setAtlas] = useState<ChinaAtlas | null>(null);
  useEffect(() => {
    let mounted = true;
    loadChina().then(
      (a) => mounted && setAtlas(a),
      // The chunk could not be fetched (the link blinked): the box stays empty until the next mount.
      () => undefined,
    );
    return () => {
      mounted = false;
    };
  }, []);
  const create = useMemo(() => (atlas === null ? waiting : createChina(atlas)), [atlas]);
  const data = useMemo(() => ({ arcs, ordersPerArc }), [arcs, ordersPerArc]);
  const box = useChart(create, data);
  return (
    <div
      ref={box}
      className="chart china-map"
      data-testid="china-map"
      data-ready={atlas === null ? 'false' : 'true'}
      role="img"
      aria-label={t('map.chinaAria')}
    />
  );
});
