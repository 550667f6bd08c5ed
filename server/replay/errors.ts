import type { ReplayErrorCode } from '../../shared/history.js';

/** A refused replay request: answered in the ack as { ok: false, code, message }. */
export class ReplayError extends Error {
  override name = 'ReplayError';
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
  ) {
    super(message);
  }
}
