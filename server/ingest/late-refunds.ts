import { convertFen } from '../../shared/money.js';
import { endedShows, type Order, type Rejection } from '../../shared/order.js';
import type { Show } from '../../shared/show.js';
import type { StoreHandle } from '../store/client.js';
import { storedSales } from '../store/late-refunds.js';
import type { LateRefund } from './batch.js';

/** Late refunds given their show, and the ones refused, by line. */
export interface ResolvedRefunds {
  orders: Order[];
  rejected: Rejection[];
}

/**
 * Gives each late refund of a request (a refund after every window it could belong to, see
 * LATE_SHOW) the show of its sale: the latest-starting show that ended before the refund and holds
 * a stored sale with its order id. One store read for the whole request (server/store/late-refunds.ts);
 * the orders of the live window never come here. A refund is refused, with its line and field,
 * when no such sale is stored (`order_id`), its show has no rate for its currency (`currency`),
 * or its GMV at that rate is more than the sale's (`amount`): a sale has one refund (the dedup
 * key is show, order id and type), so what remains refundable is the sale's GMV. Resolved, a
 * refund is an ordinary order of its show and is deduplicated like one (claims.ts).
 * Throws when the store cannot be read.
 */
export async function resolveLateRefunds(
  store: StoreHandle,
  shows: readonly Show[],
  late: readonly LateRefund[],
): Promise<ResolvedRefunds> {
  const orders: Order[] = [];
  const rejected: Rejection[] = [];
  if (late.length === 0) return { orders, rejected };
  const candidates = late.map((r) => endedShows(shows, r.order.ts));
  const showIds = [...new Set(candidates.flatMap((list) => list.map((s) => s.id)))];
  const sales = await storedSales(
    store,
    showIds,
    late.map((r) => r.order.order_id),
  );
  const saleOf = new Map<string, number>();
  for (const s of sales) saleOf.set(`${s.show}\u0000${s.order_id}`, s.gmv_fen);
  late.forEach(({ line, order: o }, i) => {
    let show: Show | undefined;
    let saleFen = 0;
    for (const s of candidates[i]!) {
      const fen = saleOf.get(`${s.id}\u0000${o.order_id}`);
      if (fen !== undefined) {
        show = s;
        saleFen = fen;
        break;
      }
    }
    if (!show) {
      rejected.push({
        line,
        field: 'order_id',
        code: 'GMV_ERR_REFUND_NO_SALE',
        message: 'a refund after its show has ended needs a stored sale with this order_id in a show ended before it',
      });
      return;
    }
    const rate = show.ratesMicro.get(o.currency);
    if (rate === undefined) {
      rejected.push({
        line,
        field: 'currency',
        code: 'GMV_ERR_CURRENCY_UNKNOWN',
        message: `currency must be one of ${[...show.ratesMicro.keys()].join(', ')} (the sale's show ${show.id})`,
      });
      return;
    }
    const gmv = convertFen(o.amount_fen, rate);
    if (gmv > saleFen) {
      rejected.push({
        line,
        field: 'amount',
        code: 'GMV_ERR_REFUND_EXCEEDS_SALE',
        message: `the refund is more than its sale (show ${show.id})`,
      });
      return;
    }
    // The same shape, in the same key order, as validateOrder's.
    orders.push({
      show: show.id,
      order_id: o.order_id,
      type: o.type,
      ts: o.ts,
      amount_fen: o.amount_fen,
      currency: o.currency,
      gmv_fen: gmv,
      country: o.country,
      channel: o.channel,
      category: o.category,
      merchant_id: o.merchant_id,
      province: o.province ?? '',
      city: o.city ?? '',
    });
  });
  return { orders, rejected };
}

/** Whether a resolved order is a refund after its show's end (grace included): a cold order of the claims. */
export function lateRefundTest(shows: readonly Show[]): (o: Order) => boolean {
  const ends = new Map(shows.map((s) => [s.id, s.endMs + s.graceSeconds * 1000]));
  return (o) => o.type === 'refund' && o.ts >= (ends.get(o.show) ?? Infinity);
}
