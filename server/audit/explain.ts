import type { AuditPart, AuditPartKind, Delta } from '../../shared/audit.js';
import { formatFen, type Fen } from '../../shared/money.js';
import type { FenTotals } from '../domain/figures.js';

/** Sales and refunds, exactly. */
export interface Ledger {
  sales: FenTotals;
  refunds: FenTotals;
}

/** Orders of a kind split by when they were committed against the broadcast's watermark. */
export interface WatermarkSplit {
  /** Event time at or before the instant, committed after the watermark. */
  late: Ledger;
  /** Event time after the instant, committed by the watermark. */
  early: Ledger;
}

interface Sum {
  orders: number;
  fen: bigint;
}

const big = (t: FenTotals): Sum => ({ orders: t.orders, fen: BigInt(t.fen) });
const delta = (s: Sum): Delta => ({ orders: s.orders, gmv: formatFen(s.fen) });
const plus = (a: Sum, b: Sum): Sum => ({ orders: a.orders + b.orders, fen: a.fen + b.fen });
const minus = (a: Sum, b: Sum): Sum => ({ orders: a.orders - b.orders, fen: a.fen - b.fen });
const ZERO: Sum = { orders: 0, fen: 0n };

/** The wall's ledger from its gross and net (refunds are what lies between them). */
export function wallLedger(gross: { orders: number; fen: Fen }, net: { orders: number; fen: Fen }): Ledger {
  const g = { orders: gross.orders, fen: BigInt(gross.fen) };
  const r = minus(g, { orders: net.orders, fen: BigInt(net.fen) });
  return { sales: gross, refunds: { orders: r.orders, fen: r.fen } };
}

/** What the difference between the wall and the truth is made of. */
export interface Explanation {
  difference: { gross: Delta; net: Delta };
  parts: AuditPart[];
  explained: boolean;
}

/**
 * Explains truth − wall. Each part's effect goes from the wall toward the truth: a late sale adds
 * to gross and net, a late refund takes from net, an early sale (on the wall before its event
 * time) takes from both, an early refund gives back to net. What the parts leave is
 * `unexplained`, always listed (zero when all is explained), so the parts add up to the
 * difference exactly. `split` null (the watermark of the broadcast is not known): all of it is
 * unexplained.
 */
export function explain(wall: Ledger, truth: Ledger, split: WatermarkSplit | null): Explanation {
  const net = (l: Ledger) => minus(big(l.sales), big(l.refunds));
  const dGross = minus(big(truth.sales), big(wall.sales));
  const dNet = minus(net(truth), net(wall));
  const parts: AuditPart[] = [];
  let gross = ZERO;
  let netSum = ZERO;
  const add = (part: AuditPartKind, t: FenTotals, g: Sum, n: Sum) => {
    parts.push({ part, orders: t.orders, gmv: formatFen(BigInt(t.fen)), gross: delta(g), net: delta(n) });
    gross = plus(gross, g);
    netSum = plus(netSum, n);
  };
  if (split) {
    const ls = big(split.late.sales);
    const lr = big(split.late.refunds);
    const es = big(split.early.sales);
    const er = big(split.early.refunds);
    add('late-sales', split.late.sales, ls, ls);
    add('late-refunds', split.late.refunds, ZERO, minus(ZERO, lr));
    add('early-sales', split.early.sales, minus(ZERO, es), minus(ZERO, es));
    add('early-refunds', split.early.refunds, ZERO, er);
  }
  const ug = minus(dGross, gross);
  const un = minus(dNet, netSum);
  parts.push({ part: 'unexplained', orders: ug.orders, gmv: formatFen(ug.fen), gross: delta(ug), net: delta(un) });
  return {
    difference: { gross: delta(dGross), net: delta(dNet) },
    parts,
    explained: ug.orders === 0 && ug.fen === 0n && un.orders === 0 && un.fen === 0n,
  };
}
