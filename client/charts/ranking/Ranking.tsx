import { memo, useMemo, useRef } from 'react';
import type { FenRow } from '../../live/decode.js';
import { useChart } from '../useChart.js';
import { create } from './render.js';
import { rankRows, sameRanking } from './transform.js';
import type { RankedRow } from './transform.js';

/** One dimension's rows to list: the board's ranking chart and the exec screen's card take the same. */
export interface RankingProps {
  title: string;
  rows: FenRow[] | null;
  nameOf: (key: string) => string;
  limit: number;
  testId: string;
}

export const Ranking = memo(function Ranking({ title, rows, nameOf, limit, testId }: RankingProps) {
  const previous = useRef<RankedRow[] | null>(null);
  const ranked = useMemo(() => {
    if (rows === null) return null;
    const next = rankRows(rows, nameOf, limit);
    // Heartbeat ticks resend the same figures: keep the same array so the chart is not touched.
    if (previous.current !== null && sameRanking(previous.current, next)) return previous.current;
    previous.current = next;
    return next;
  }, [rows, nameOf, limit]);
  const box = useChart(create, ranked);
  return (
    <section className="panel ranking" aria-label={title} data-testid={testId}>
      <div className="panel-label">{title}</div>
      <div ref={box} className="chart ranking-chart" />
    </section>
  );
});
