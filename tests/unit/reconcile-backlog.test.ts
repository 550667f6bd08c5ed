import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { startReconciliation, type ReconcileDeps } from '../../server/live/reconcile.js';
import { Telemetry } from '../../server/telemetry.js';

/** A writer as reconciliation sees it: its barrier, whether it is busy and how much waits. */
function fakeWriter(pending: number) {
  const barriers: { needed: () => boolean }[] = [];
  return {
    barriers,
    busy: true,
    pending,
    on: () => undefined,
    off: () => undefined,
    addBarrier: (needed: () => boolean) => barriers.push({ needed }),
  };
}

describe('reconciliation under a backlog', () => {
  it('holds no INSERT for a check while a deep queue waits, until a minute after the last check', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const writer = fakeWriter(200_000);
      const deps = {
        live: { isStale: false },
        store: {},
        writer,
        telemetry: new Telemetry(),
        log: pino({ level: 'silent' }),
        confirmShortfall: false,
        everyMs: 5_000,
      } as unknown as ReconcileDeps;
      const r = startReconciliation(deps);
      const needed = () => writer.barriers[0]!.needed();
      expect(needed()).toBe(false);
      vi.advanceTimersByTime(5_000); // a check falls due while 200,000 orders wait
      expect(needed()).toBe(false);
      writer.pending = 1_000; // the backlog cleared: the next INSERT waits for the check
      expect(needed()).toBe(true);
      writer.pending = 200_000;
      vi.advanceTimersByTime(60_000); // a minute without a check: it is made, backlog or not
      expect(needed()).toBe(true);
      r.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
