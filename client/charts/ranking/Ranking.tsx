import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { FenRow } from '../../live/decode.js';
import { useChart } from '../useChart.js';
import { create } from './render.js';
import { rankHoldMs, rankRows, sameRanking, settleRanking } from './transform.js';
import type { RankedRow, Settled } from './transform.js';

/** One dimension's rows to list: the board's ranking chart and the exec screen's card take the same. */
export interface RankingProps {
  title: string;
  rows: FenRow[] | null;
  nameOf: (key: string) => string;
  limit: number;
  testId: string;
  /** How long a beaten row keeps its place, ms; from the page's `?rankhold=` when not given. */
  holdMs?: number;
}

export const Ranking = memo(function Ranking({ title, rows, nameOf, limit, testId, holdMs }: RankingProps) {
  const previous = useRef<RankedRow[] | null>(null);
  const settled = useRef<Settled | null>(null);
  const wakeAt = useRef<number | null>(null);
  const [hold] = useState(() => holdMs ?? rankHoldMs(window.location.search));
  // Settling is per tick; a held row whose time runs out between ticks is let go by a timer.
  const [wake, setWake] = useState<{ atMs: number | null }>({ atMs: null });
  const ranked = useMemo(() => {
    if (rows === null) return null;
    const s = settleRanking(settled.current, rows, limit, Date.now(), hold);
    settled.current = s.state;
    wakeAt.current = s.wakeAtMs;
    const next = rankRows(s.rows, nameOf, limit);
    // Heartbeat ticks resend the same figures: keep the same array so the chart is not touched.
    if (previous.current !== null && sameRanking(previous.current, next)) return previous.current;
    previous.current = next;
    return next;
    // `wake` only asks for a new settle when a hold ends.
  }, [rows, nameOf, limit, hold, wake]);
  const atMs = wakeAt.current;
  useEffect(() => {
    if (atMs === null) return;
    const timer = setTimeout(() => setWake({ atMs }), Math.max(0, atMs - Date.now()) + 1);
    return () => clearTimeout(timer);
  }, [atMs]);
  const box = useChart(create, ranked);
  return (
    <section className="panel ranking" aria-label={title} data-testid={testId}>
      <div className="panel-label">{title}</div>
      <div ref={box} className="chart ranking-chart" />
    </section>
  );
});
