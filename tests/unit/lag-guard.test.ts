import { describe, expect, it } from 'vitest';
import { LagGuard } from '../../server/ingest/guard.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LagGuard', () => {
  it('reports overload after the event loop was blocked, and clears once it runs freely again', async () => {
    const guard = new LagGuard(100);
    try {
      await sleep(600);
      expect(guard.overloaded).toBe(false);
      // Block the loop well past the limit, as a saturated process would.
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // busy
      }
      // The window that saw the block is read as soon as the loop runs again.
      await sleep(50);
      expect(guard.currentLagMs).toBeGreaterThan(100);
      expect(guard.overloaded).toBe(true);
      await sleep(1200);
      expect(guard.overloaded).toBe(false);
    } finally {
      guard.close();
    }
  });
});
