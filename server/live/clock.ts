import { CLOCK_REQUESTS_PER_MINUTE } from '../../shared/protocol.js';
import type { LiveNamespace } from '../messages.js';

const REFILL_MS = 60_000 / CLOCK_REQUESTS_PER_MINUTE;

/**
 * Answers boards' `clock` requests with this node's `Date.now()`, so each board can show a message
 * at its `presentAtMs`. A push node answers from its own clock, not the live node's: the nodes'
 * clocks must agree (NTP), or their boards drift apart by the difference. Cheap whatever a client
 * does: a bucket of CLOCK_REQUESTS_PER_MINUTE per socket, refilled one at a time; past it the
 * answer is null (no clock read, no work). Returns a stop function.
 */
export function answerClockRequests(nsp: LiveNamespace, now: () => number = Date.now): () => void {
  let stopped = false;
  nsp.on('connection', (socket) => {
    let tokens = CLOCK_REQUESTS_PER_MINUTE;
    let refilledAt = now();
    socket.on('clock', (answer) => {
      if (typeof answer !== 'function') return;
      const t = now();
      const refill = Math.floor((t - refilledAt) / REFILL_MS);
      if (refill > 0) {
        tokens = Math.min(CLOCK_REQUESTS_PER_MINUTE, tokens + refill);
        refilledAt += refill * REFILL_MS;
      }
      if (stopped || tokens === 0) {
        answer(null);
        return;
      }
      tokens--;
      answer(t);
    });
  });
  return () => {
    stopped = true;
  };
}
