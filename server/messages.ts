import type { Namespace } from 'socket.io';
import type { ScreenReport } from '../shared/fleet.js';
import type { Channel, Order } from '../shared/order.js';
import type { SenderFacts } from './domain/feed-facts.js';
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '../shared/protocol.js';

/**
 * Messages between nodes, sent with socket.io's `serverSideEmit` through the Redis adapter.
 * Only the live node (ROLE=all) holds the show's state; push nodes ask it for snapshots and
 * ingest nodes tell it what they committed.
 */
export const CLUSTER_EVENTS = {
  /** push → live: a client needs a snapshot. */
  snapshotRequest: 'gmv:snapshot-request',
  /** live → every node: the current snapshot (one answer serves every node that asked). */
  snapshot: 'gmv:snapshot',
  /** ingest → live: rows of a committed INSERT. */
  commit: 'gmv:commit',
  /** ingest → live: an INSERT failed and may have landed in part. */
  failure: 'gmv:failure',
  /** push → live: a board asked for a chunk of the series. */
  chunkRequest: 'gmv:chunk-request',
  /** live → every node: a chunk of the series, encoded (one answer serves every node that asked). */
  chunk: 'gmv:chunk',
  /** push → live: the newest report of each of its boards, once a second (the screen fleet). */
  fleet: 'gmv:fleet',
  /** ingest → live: what the node's answered ingest requests said in the last second, by sender (the feed watch). */
  feed: 'gmv:feed',
} as const;

/** ingest → live: rows of a committed INSERT (in pieces of COMMIT_ROWS_PER_MESSAGE), and when. */
export interface CommitMessage {
  at: number;
  rows: CompactRow[];
}

/** The messages between nodes, typed for socket.io's `serverSideEmit` and `on` (see CLUSTER_EVENTS). */
export interface InterServerEvents {
  [CLUSTER_EVENTS.snapshotRequest]: () => void;
  [CLUSTER_EVENTS.snapshot]: (s: Snapshot) => void;
  [CLUSTER_EVENTS.commit]: (msg: CommitMessage) => void;
  /** The shows of the failed batch (each one's rollups repaired); none from an older node: the live show. */
  [CLUSTER_EVENTS.failure]: (shows?: string[]) => void;
  /** The chunk's index; checked on arrival, like everything that crosses the network. */
  [CLUSTER_EVENTS.chunkRequest]: (chunk: number) => void;
  [CLUSTER_EVENTS.chunk]: (answer: ChunkAnswer) => void;
  [CLUSTER_EVENTS.fleet]: (msg: FleetMessage) => void;
  /** Checked on arrival (see server/live/feed.ts). */
  [CLUSTER_EVENTS.feed]: (msg: FeedMessage) => void;
}

/** ingest → live, once a second at most: each sender's lines, rejected lines and skew samples (SenderFacts). */
export interface FeedMessage {
  at: number;
  senders: SenderFacts[];
}

/**
 * push → live: [socket id, age of the report ms, report] of each board on `node`, and of the
 * named boards that left it since the last message (`gone`).
 */
export interface FleetMessage {
  node: string;
  entries: [string, number, ScreenReport][];
  gone: [string, number, ScreenReport][];
}

/** Entries per fleet message: a report is under 400 bytes, so a message stays far within MAX_STREAM_ENTRY_BYTES. */
export const FLEET_ENTRIES_PER_MESSAGE = 400;

/** The board's namespace, with the board's events and the messages between nodes. */
export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;

/** A chunk of the live series as the live node encoded it (LiveService.seriesChunk); body null: no such chunk. */
export interface ChunkAnswer {
  chunk: number;
  etag: string;
  body: string | null;
}

/** Rows per commit message, so each entry of the Redis stream stays within MAX_STREAM_ENTRY_BYTES (about 80 bytes a row). */
export const COMMIT_ROWS_PER_MESSAGE = 2000;

/**
 * What LiveService.applyCommitted reads of an order, as a tuple: show, refund (0/1), ts,
 * gmv_fen, country, channel, category, merchant_id, and the order id only where the merchant
 * is empty (the arcs fall back on it); then the buyer's province and city ("" when not sent;
 * absent in a row of an older node).
 */
export type CompactRow = [string, 0 | 1, number, number, string, Channel, string, string, string, string?, string?];

export function compactRows(orders: readonly Order[], show: string): CompactRow[] {
  const rows: CompactRow[] = [];
  for (const o of orders) {
    if (o.show !== show) continue;
    rows.push([
      o.show,
      o.type === 'refund' ? 1 : 0,
      o.ts,
      o.gmv_fen,
      o.country,
      o.channel,
      o.category,
      o.merchant_id,
      o.merchant_id ? '' : o.order_id,
      o.province ?? '',
      o.city ?? '',
    ]);
  }
  return rows;
}

/** Back to orders for the board (amounts in the original currency are not needed there). */
export function expandRows(rows: readonly CompactRow[]): Order[] {
  return rows.map(([show, refund, ts, gmv, country, channel, category, merchant, id, province, city]) => ({
    show,
    order_id: id,
    type: refund ? 'refund' : 'sale',
    ts,
    amount_fen: gmv,
    currency: 'CNY',
    gmv_fen: gmv,
    country,
    channel,
    category,
    merchant_id: merchant,
    province: province ?? '',
    city: city ?? '',
  }));
}
