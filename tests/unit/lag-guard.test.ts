import { describe, expect, it } from 'vitest';
import { LagGuard } from '../../server/ingest/guard.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (a loaded machine may take a while to run freely), failing past 10 s. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await sleep(50);
  }
}

describe('LagGuard', () => {
  it('reports overload after the event loop was blocked, and clears once it runs freely again', async () => {
    const guard = new LagGuard(100);
    try {
      // A first window read (every 500 ms), and a loop running freely in it.
      await sleep(600);
      await eventually(() => !guard.overloaded, 'not overloaded while the loop runs freely');
      // Block the loop well past the limit, as a saturated process would.
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // busy
      }
      // The window that saw the block is read at the next tick of the guard's timer.
      await eventually(() => guard.currentLagMs > 100, 'the block read as lag');
      expect(guard.overloaded).toBe(true);
      await eventually(() => !guard.overloaded, 'cleared once the loop runs freely again');
    } finally {
      guard.close();
    }
  });
});
