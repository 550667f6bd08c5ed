import { EventEmitter } from 'node:events';
import fp from 'fastify-plugin';

/** One answered ingest request (200): what became of its lines. */
export interface IngestEvent {
  accepted: number;
  duplicates: number;
  /** One entry per rejected line, with its GMV_ERR_* code. */
  rejected: readonly { code: string }[];
  /** For the feed watch: who sent it (its token's label), its lines, and arrival minus event time of a few of its orders. */
  feed?: { sender: string; lines: number; skewMs: number[] };
}

/** Why an ingest request was answered 503 (`in-flight`: some orders are being written by another node). */
export type ShedReason = 'lag' | 'queue' | 'bytes' | 'store' | 'in-flight';

/** Where one flush's time went, ms. The next batch is prepared while an INSERT is in flight. */
export interface FlushPhases {
  /** Dedup decisions (claims, store checks) and encoding the INSERT body, on the JS thread. */
  prepareMs: number;
  /** Waiting for the INSERT before it (and its post-commit work) to finish. */
  waitMs: number;
  /** Barriers before the INSERT: a rebuild or repair of the live state after a failure. */
  barrierMs: number;
  /** The INSERT in the engine, materialized views included. */
  engineMs: number;
  /** After the commit: claims noted, the live state told, before the requests are answered. */
  postMs: number;
}

/** One group commit of the writer. */
export interface FlushEvent {
  /** Orders written by the INSERT (0 when every order was a duplicate: no INSERT ran). */
  rows: number;
  duplicates: number;
  /** Requests answered by this flush. */
  requests: number;
  /** From taking the batch to the commit, dedup reads included, ms. */
  ms: number;
  phases: FlushPhases;
  trigger: string;
  /** Shows the written orders belong to. */
  shows: string[];
}

/** A message the broadcast loop sent to every board. */
export interface BroadcastEvent {
  kind: 'tick' | 'snapshot';
  /**
   * For each commit first shown by this message: ms from its acceptance (the
   * writer's commit, just before the ingest route answers) to this broadcast.
   */
  acceptedLagMs: readonly number[];
}

/** One completed comparison of the live state with ClickHouse. */
export interface ReconcileEvent {
  /** Live minus stored, gross plus net (a linear sum: opposite differences cancel in it). */
  driftOrders: number;
  driftFen: number;
  /** Some figure differed (a total, or a key of a breakdown): the comparison that decides. */
  mismatched: boolean;
  /** Drift per figure: live minus stored for a total; for a breakdown, the sum over its keys of |live minus stored|. */
  figures: Readonly<Record<string, number>>;
}

/** A rebuild of the live state from the store. */
export interface RebuildEvent {
  ms: number;
  /** Whether the rollups were derived again from the orders first. */
  repaired: boolean;
}

/** One step of a webhook delivery (server/alerts/): delivered, retried, given up, or dropped from a full queue. */
export interface WebhookEvent {
  hook: string;
  outcome: 'ok' | 'retried' | 'failed' | 'dropped';
}

/** Every event the server reports about itself, by name. */
export interface TelemetryEvents {
  ingest: [IngestEvent];
  shed: [ShedReason];
  flush: [FlushEvent];
  /** An INSERT failed (nothing in it was acknowledged). */
  flushFailed: [];
  broadcast: [BroadcastEvent];
  reconcile: [ReconcileEvent];
  rebuild: [RebuildEvent];
  webhook: [WebhookEvent];
}

/**
 * Plain events about what the server does, so the modules doing it stay free of
 * any metrics library: they emit, and whoever cares (the metrics plugin) listens.
 * Emitting with no listener costs a map lookup. A listener that throws never
 * reaches the code that reported (a flush must not fail because a metric did).
 */
export class Telemetry extends EventEmitter<TelemetryEvents> {
  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {
    super();
  }

  override emit<K extends keyof TelemetryEvents>(event: K, ...args: TelemetryEvents[K]): boolean {
    try {
      return super.emit(event, ...(args as never));
    } catch (err) {
      this.onListenerError(err);
      return true;
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    telemetry: Telemetry;
  }
}

/** Decorates the app with its Telemetry; registered before every plugin that reports. */
export default fp(
  async (app) => {
    const log = app.log.child({ module: 'telemetry' });
    app.decorate('telemetry', new Telemetry((err) => log.warn({ err }, 'a telemetry listener failed')));
  },
  { name: 'telemetry' },
);
