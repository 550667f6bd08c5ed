import type { TotalsResponse } from '../../shared/protocol.js';
import type { ChunkAnswer } from '../messages.js';

/**
 * What a node that serves the wall answers over HTTP about the live show: the live node from
 * its own state, a push node from the live node's answers (NOT_READY when the live node does not
 * answer in time).
 */
export interface LiveSource {
  totals(): Promise<TotalsResponse>;
  /** A chunk of the series, encoded once per change; null or a null body: no such chunk. */
  seriesChunk(chunk: number): Promise<Pick<ChunkAnswer, 'etag' | 'body'> | null>;
}
