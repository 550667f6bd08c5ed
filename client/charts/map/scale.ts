/** The window "1 arc ≈ N orders" is read over, in one-second buckets. */
export const SCALE_WINDOW_SECONDS = 10;

/**
 * "1 arc ≈ N orders" of what a view actually draws: the orders its arcs stood for (the arcs of
 * its kind a tick brought, times the tick's orders per arc) over the arcs it started, in a short
 * window. While the pool has room N is the server's; when a tick brings more arcs than the pool
 * takes, the ones drawn stand for the ones left out too, and N grows to say so. Fixed memory.
 */
export class ArcScale {
  private readonly seconds = new Float64Array(SCALE_WINDOW_SECONDS).fill(-1);
  private readonly orders = new Float64Array(SCALE_WINDOW_SECONDS);
  private readonly drawn = new Float64Array(SCALE_WINDOW_SECONDS);

  /** At `nowMs` a view was given arcs standing for `orders` orders and started `drawn` of them. */
  record(nowMs: number, orders: number, drawn: number): void {
    const second = Math.floor(nowMs / 1000);
    const i = ((second % SCALE_WINDOW_SECONDS) + SCALE_WINDOW_SECONDS) % SCALE_WINDOW_SECONDS;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.orders[i] = 0;
      this.drawn[i] = 0;
    }
    this.orders[i]! += orders;
    this.drawn[i]! += drawn;
  }

  /** Orders per drawn arc over the window, rounded; 0 when nothing was drawn in it. */
  value(nowMs: number): number {
    const oldest = Math.floor(nowMs / 1000) - SCALE_WINDOW_SECONDS + 1;
    let orders = 0;
    let drawn = 0;
    for (let i = 0; i < SCALE_WINDOW_SECONDS; i++) {
      if (this.seconds[i]! < oldest) continue;
      orders += this.orders[i]!;
      drawn += this.drawn[i]!;
    }
    return drawn === 0 ? 0 : Math.max(1, Math.round(orders / drawn));
  }

  clear(): void {
    this.seconds.fill(-1);
  }
}
