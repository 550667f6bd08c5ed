import { subtractFen, fenToNumber, type Fen } from '../../shared/money.js';
import type { Show } from '../../shared/show.js';
import type { StoreHandle } from './client.js';
import { decimalToFenExact } from '../../shared/money.js';

/** Orders and their exact GMV. */
export interface DayPart {
  orders: number;
  fen: Fen;
}

/** A show's net figures: sales, every refund, the refunds after its end, net and refund rate. */
export interface DayFigures {
  show: Show;
  gross: DayPart;
  refunds: DayPart;
  lateRefunds: DayPart;
  net: DayPart;
  refundRate: number | null;
}

const ZERO: DayPart = { orders: 0, fen: 0 };

/**
 * Net figures of each show, in one read of gmv_by_second (a few rows per second, not every
 * order). A refund's row is at its own event second (a refund after the show's end is outside
 * the window, and counted here all the same): the sums are over the whole show, with no time bound.
 */
export async function dayFigures(store: StoreHandle, shows: readonly Show[]): Promise<DayFigures[]> {
  const rs = await store.query({
    query: `SELECT toString(show) AS s, toString(type) AS t, toString(sum(orders)) AS o, toString(sum(gmv)) AS g,
                   toString(sumIf(orders, toUnixTimestamp(second) >= e)) AS lo, toString(sumIf(gmv, toUnixTimestamp(second) >= e)) AS lg
            FROM (
              SELECT show, type, second, orders, gmv,
                     transform(toString(show), {ids:Array(String)}, {ends:Array(Int64)}, toInt64(0)) AS e
              FROM ${store.db}.gmv_by_second WHERE show IN {ids:Array(String)}
            )
            GROUP BY s, t`,
    query_params: {
      ids: shows.map((s) => s.id),
      // A refund is late from the second its show's window (grace included) is over.
      ends: shows.map((s) => Math.ceil((s.endMs + s.graceSeconds * 1000) / 1000)),
    },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ s: string; t: 'sale' | 'refund'; o: string; g: string; lo: string; lg: string }>();
  return shows.map((show) => {
    const sale = rows.find((r) => r.s === show.id && r.t === 'sale');
    const refund = rows.find((r) => r.s === show.id && r.t === 'refund');
    const gross = sale ? part(sale.o, sale.g) : ZERO;
    const refunds = refund ? part(refund.o, refund.g) : ZERO;
    const lateRefunds = refund ? part(refund.lo, refund.lg) : ZERO;
    const grossNumber = fenToNumber(gross.fen);
    return {
      show,
      gross,
      refunds,
      lateRefunds,
      net: { orders: gross.orders - refunds.orders, fen: subtractFen(gross.fen, refunds.fen) },
      refundRate: grossNumber > 0 ? fenToNumber(refunds.fen) / grossNumber : null,
    };
  });
}

function part(orders: string, gmv: string): DayPart {
  return { orders: Number(orders), fen: decimalToFenExact(gmv) };
}
