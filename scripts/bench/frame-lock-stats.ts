import type { Presented } from '../../shared/paint.js';
import { quantiles, type Quantiles } from './stats.js';

/** What a board's ?probe=1 hook records for each message it applied. */
export type Paint = Presented;

export interface FrameLockStats {
  pages: number;
  /** Seqs painted by every page. */
  ticks: number;
  /** Per seq, the latest frame minus the earliest across pages, ms. */
  spread: Quantiles;
  /** The same for arrivals: what the boards would show without the lock. */
  arrival: Quantiles;
  /** Each paint's frame minus its due time, ms. */
  afterDue: Quantiles;
  /** Paints whose message arrived after its presentation time (shown at once, out of step). */
  arrivedLate: number;
  paints: number;
  /** Largest difference between the pages' clock offsets at their last paint, ms (their clock error, as all share one clock here). */
  offsetSpreadMs: number | null;
}

/** The spread across pages of the frames that painted each seq in (fromSeq, toSeq] that every page painted. */
export function frameLockStats(pages: readonly (readonly Paint[])[], fromSeq: number, toSeq: number): FrameLockStats {
  const bySeq = new Map<number, Paint[]>();
  for (const ps of pages) {
    for (const p of ps) {
      if (p.seq <= fromSeq || p.seq > toSeq) continue;
      const list = bySeq.get(p.seq);
      if (list) list.push(p);
      else bySeq.set(p.seq, [p]);
    }
  }
  const spreads: number[] = [];
  const arrivals: number[] = [];
  const afterDue: number[] = [];
  let arrivedLate = 0;
  for (const list of bySeq.values()) {
    if (list.length !== pages.length) continue;
    const frames = list.map((p) => p.frameMs);
    const arrived = list.map((p) => p.arrivedMs);
    spreads.push(Math.max(...frames) - Math.min(...frames));
    arrivals.push(Math.max(...arrived) - Math.min(...arrived));
    for (const p of list) {
      if (Number.isFinite(p.dueMs)) afterDue.push(p.frameMs - p.dueMs);
      if (p.arrivedMs > p.dueMs) arrivedLate++;
    }
  }
  const offsets = pages.map((ps) => ps.at(-1)?.offsetMs).filter((o): o is number => typeof o === 'number');
  return {
    offsetSpreadMs: offsets.length === pages.length ? Math.max(...offsets) - Math.min(...offsets) : null,
    pages: pages.length,
    ticks: spreads.length,
    spread: quantiles(spreads),
    arrival: quantiles(arrivals),
    afterDue: quantiles(afterDue),
    arrivedLate,
    paints: afterDue.length,
  };
}

/** One line for a log or a test's output. */
export function describeFrameLock(s: FrameLockStats): string {
  return (
    `${s.pages} pages, ${s.ticks} ticks: spread across pages p50 ${s.spread.p50} ms, p95 ${s.spread.p95} ms, ` +
    `max ${s.spread.max} ms (target 16.7); arrival spread p50 ${s.arrival.p50} / max ${s.arrival.max} ms; ` +
    `frame after due p50 ${s.afterDue.p50} / max ${s.afterDue.max} ms; ${s.arrivedLate} of ${s.paints} arrived after their time; ` +
    `offsets differ by ${s.offsetSpreadMs === null ? '?' : s.offsetSpreadMs.toFixed(1)} ms`
  );
}
