import { decimalToFen } from '../../shared/money.js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LiveService, RECENT_SECONDS } from '../../server/live/service.js';
import type { StoreHandle } from '../../server/store/client.js';
import type { Order } from '../../shared/order.js';
import { SERIES_CHUNK_SECONDS, type SeriesChunk } from '../../shared/protocol.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { showOrder } from '../fixtures/orders.js';

const show = resolveShow(DEFAULT_SHOWS[0]!);

function sale(second: number, fen = 100): Order {
  return showOrder(show, second, fen, { merchant_id: 'm1' });
}

/** A live service on the events clock, never touching its store (snapshots and chunks are built from memory). */
function service(): LiveService {
  const store = {} as StoreHandle;
  return new LiveService(show, 'events', store, pino({ level: 'silent' }));
}

/** One sale in every `step`-th second of the whole day: a day's worth of non-empty seconds. */
function day(step: number): Order[] {
  const out: Order[] = [];
  for (let s = 0; s < 86_400; s += step) out.push(sale(s, 100 + (s % 7)));
  return out;
}

describe('live snapshots for a whole day', () => {
  it('carries only the recent seconds and lists the chunks of the older ones, which together hold the whole day', () => {
    const live = service();
    const orders = day(3);
    live.applyCommitted(orders, Date.now());
    const snap = live.snapshot();
    const now = Math.floor((live.clockMs() - show.startMs) / 1000);
    expect(snap.history?.before).toBe(now - RECENT_SECONDS);
    expect(snap.series.length).toBeLessThanOrEqual(RECENT_SECONDS + 1);
    expect(snap.series.every(([s]) => s >= snap.history!.before)).toBe(true);
    // 24 hour chunks hold the seconds before `before`.
    expect(snap.history!.chunks).toEqual(Array.from({ length: 24 }, (_, i) => i));
    let orderCount = snap.series.reduce((n, p) => n + p[1], 0);
    let fen = snap.series.reduce((n, p) => n + decimalToFen(p[2]), 0);
    for (const c of snap.history!.chunks) {
      const chunk = JSON.parse(live.seriesChunk(c)!.body) as SeriesChunk;
      expect(chunk.chunk).toBe(c);
      for (const [s, o, f] of chunk.series) {
        expect(Math.floor(s / SERIES_CHUNK_SECONDS)).toBe(c);
        if (s >= snap.history!.before) continue;
        orderCount += o;
        fen += decimalToFen(f);
      }
    }
    expect(orderCount).toBe(orders.length);
    expect(fen).toBe(orders.reduce((n, o) => n + o.gmv_fen, 0));
    // A snapshot at 23:59 is the size of one at 00:05, not of a day of seconds.
    expect(JSON.stringify(snap).length).toBeLessThan(20_000);
  });

  it('builds one snapshot per seq and board change, shared by every board that asks', () => {
    const live = service();
    live.applyCommitted([sale(10)], Date.now());
    const a = live.snapshot();
    expect(live.snapshot()).toBe(a);
    live.applyCommitted([sale(11)], Date.now());
    const b = live.snapshot();
    expect(b).not.toBe(a);
    expect(b.gross.orders).toBe(2);
    live.nextTick();
    expect(live.snapshot()).not.toBe(b);
    expect(live.snapshot().seq).toBe(b.seq + 1);
  });

  it('encodes a chunk once per change of its seconds, with an ETag that changes with it', () => {
    const live = service();
    live.applyCommitted([sale(100), sale(5000)], Date.now());
    const first = live.seriesChunk(0)!;
    expect(live.seriesChunk(0)).toBe(first);
    // A change in another chunk leaves this one as it was.
    live.applyCommitted([sale(5001)], Date.now());
    expect(live.seriesChunk(0)).toBe(first);
    // A late sale in this chunk changes it.
    live.applyCommitted([sale(101)], Date.now());
    const second = live.seriesChunk(0)!;
    expect(second.etag).not.toBe(first.etag);
    expect((JSON.parse(second.body) as SeriesChunk).series).toEqual([
      [100, 1, '1.00'],
      [101, 1, '1.00'],
    ]);
    expect(live.seriesChunk(-1)).toBeNull();
    expect(live.seriesChunk(24)).toBeNull();
    expect(live.seriesChunk(1.5)).toBeNull();
  });
});
