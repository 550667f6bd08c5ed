import type { FastifyBaseLogger as Logger, FastifyInstance } from 'fastify';
import { LIVE_NAMESPACE } from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import type { Config } from '../config.js';
import {
  IngestTally,
  MAX_SENDERS,
  MAX_SENDER_LENGTH,
  SAMPLES_PER_SENDER,
  commitFacts,
  type SenderFacts,
} from '../domain/feed-facts.js';
import { FeedWatch, rateWindow, type FeedReport, type LastYearOrders } from '../domain/feed-watch.js';
import { CLUSTER_EVENTS } from '../messages.js';
import type { StoreHandle } from '../store/client.js';
import type { IngestEvent } from '../telemetry.js';
import { readDimensionSeconds, readOrdersSoFar } from '../store/feed-watch.js';
import type { LivePart } from './node.js';

/** How often the watch judges, ms. */
const JUDGE_MS = 1000;
/** Last year's figures read again: soon while there are none (being loaded), else rarely. */
const EMPTY_REREAD_MS = 5000;
const REREAD_MS = 10 * 60_000;

/** What the feed watch's part holds: the latest judgement, for the director's route. */
export interface FeedPart {
  feed: { report: () => FeedReport | null; watch: FeedWatch };
}

/**
 * The feed watch on the live node (docs/director.md, "Feed watch"). Fed one way: every commit the
 * live state applies (this node's writer and, with Redis, ingest nodes' commit messages), this
 * node's answered ingest requests (telemetry), and ingest nodes' `gmv:feed` messages. Judged once
 * a second against last year's orders, read from the store in bounded pieces.
 */
export function watchFeed(
  app: FastifyInstance,
  config: Config,
  store: StoreHandle,
  live: Pick<LivePart, 'live' | 'io'>,
): FeedPart {
  const log = app.log.child({ module: 'feed-watch' });
  const service = live.live;
  const show = service.show;
  const t = config.feedWatch;
  const watch = new FeedWatch(t);
  const tally = new IngestTally();
  const lastYearShow = config.shows.find((s) => s.id === show.compareTo) ?? null;
  const lastYear = lastYearShow ? new LastYearCache(store, lastYearShow, t.silentSeconds, log) : null;
  // How far the wall clock is ahead of the show clock: arrival times are wall times.
  const offset = () => (config.clock === 'events' ? Date.now() - service.clockMs() : 0);

  service.onApplied = (orders, clockMs) => {
    try {
      watch.recordCommit(commitFacts(orders, show, clockMs, t.lateMs));
    } catch (err) {
      log.warn({ err: String(err) }, 'feed watch: a commit not counted');
    }
  };
  // Taken off each request's samples as it is answered (its orders are applied by then): with
  // SHOW_CLOCK=events the show clock may move far within a second.
  const onIngest = (e: IngestEvent) => {
    if (!e.feed) return;
    const off = offset();
    tally.add(
      e.feed.sender,
      e.feed.lines,
      e.rejected.length,
      e.feed.skewMs.map((x) => x - off),
    );
  };
  app.telemetry.on('ingest', onIngest);
  if (app.relay) {
    live.io.of(LIVE_NAMESPACE).on(CLUSTER_EVENTS.feed, (msg) => {
      const facts = checkFeedMessage(msg);
      if (facts) watch.recordSenders(facts, offset());
    });
  }

  const judge = () => {
    try {
      watch.recordSenders(tally.drain());
      const second = Math.floor((service.clockMs() - show.startMs) / 1000);
      let window = 0;
      const { from, to } = rateWindow(second, t.rateSmoothSeconds);
      for (const [, orders] of service.board.series(from, to)) window += orders;
      const inShow = second >= 0 && second * 1000 < show.endMs - show.startMs;
      const ly = inShow && lastYear?.ready() ? lastYear : null;
      watch.judge(Date.now(), { second, soFar: service.board.gross().orders, window }, ly);
    } catch (err) {
      log.warn({ err: String(err) }, 'feed watch: no judgement this second');
    }
  };
  const timer = setInterval(judge, JUDGE_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    app.telemetry.off('ingest', onIngest);
    service.onApplied = null;
  });
  return { feed: { report: () => watch.last, watch } };
}

/** A `gmv:feed` message as it crossed the network: its senders' facts if they are well formed, else null. */
export function checkFeedMessage(msg: unknown): SenderFacts[] | null {
  const senders = (msg as { senders?: unknown } | null)?.senders;
  if (!Array.isArray(senders) || senders.length > MAX_SENDERS) return null;
  const out: SenderFacts[] = [];
  for (const s of senders as Partial<SenderFacts>[]) {
    if (
      typeof s?.sender !== 'string' ||
      s.sender.length > MAX_SENDER_LENGTH ||
      !count(s.lines) ||
      !count(s.rejected) ||
      !Array.isArray(s.skewMs) ||
      s.skewMs.length > SAMPLES_PER_SENDER ||
      !s.skewMs.every((x) => Number.isFinite(x))
    ) {
      return null;
    }
    out.push({ sender: s.sender, lines: s.lines, rejected: s.rejected, skewMs: s.skewMs });
  }
  return out;
}

function count(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

/** Seconds of one cached piece of last year's channels and countries: a minute. */
const BLOCK_SECONDS = 60;

/** A minute of last year's orders by channel and country, with the silentSeconds before it. */
interface Block {
  from: number;
  /** Running sums by key over [from, from + length). */
  sums: Map<string, Float64Array>;
  readAtMs: number;
  empty: boolean;
}

/**
 * Last year's orders for the watch: the running sum by second (read once, 691 KB a day) and, by
 * channel and country, the minute being judged plus the silent window before it (a few hundred
 * keys x (silentSeconds + 60) seconds; two minutes kept). A piece not read yet is not judged.
 */
class LastYearCache implements LastYearOrders {
  private soFarBySecond: Float64Array | null = null;
  private soFarReadAtMs = -Infinity;
  private reading = false;
  private blocks = new Map<number, Block>();
  private readingBlock: number | null = null;

  constructor(
    private readonly store: StoreHandle,
    private readonly show: Show,
    private readonly silentSeconds: number,
    private readonly log: Logger,
  ) {}

  /** Whether last year's running sums are here (read again now and then); starts the read if not. */
  ready(): boolean {
    const sums = this.soFarBySecond;
    const total = sums && sums.length > 0 ? sums[sums.length - 1]! : 0;
    const due = this.soFarReadAtMs + (total > 0 ? REREAD_MS : EMPTY_REREAD_MS);
    if (!this.reading && Date.now() >= due) {
      this.reading = true;
      readOrdersSoFar(this.store, this.show)
        .then((read) => {
          this.soFarBySecond = read;
          this.soFarReadAtMs = Date.now();
        })
        .catch((err: unknown) => this.log.warn({ err: String(err) }, "feed watch: last year's orders not read"))
        .finally(() => (this.reading = false));
    }
    return total > 0;
  }

  soFar(s: number): number {
    const sums = this.soFarBySecond;
    if (!sums || s < 0 || sums.length === 0) return 0;
    return sums[Math.min(s, sums.length - 1)]!;
  }

  between(from: number, to: number): number {
    return this.soFar(to - 1) - this.soFar(from - 1);
  }

  dimensions(from: number, to: number): ReadonlyMap<string, number> | null {
    const minute = Math.floor((to - 1) / BLOCK_SECONDS);
    const block = this.blocks.get(minute);
    const stale = !block || (block.empty && Date.now() - block.readAtMs >= EMPTY_REREAD_MS);
    if (stale) this.readBlock(minute);
    if (!block || from < block.from) return null;
    const out = new Map<string, number>();
    for (const [key, sums] of block.sums) {
      const upTo = (s: number) => (s < block.from ? 0 : sums[Math.min(s - block.from, sums.length - 1)]!);
      out.set(key, upTo(to - 1) - upTo(from - 1));
    }
    return out;
  }

  private readBlock(minute: number): void {
    if (this.readingBlock !== null) return;
    this.readingBlock = minute;
    const from = minute * BLOCK_SECONDS - this.silentSeconds;
    const length = this.silentSeconds + BLOCK_SECONDS;
    readDimensionSeconds(this.store, this.show, from, from + length)
      .then((rows) => {
        const sums = new Map<string, Float64Array>();
        for (const r of rows) {
          let a = sums.get(r.key);
          if (!a) sums.set(r.key, (a = new Float64Array(length)));
          a[r.second - from] = r.orders;
        }
        for (const a of sums.values()) for (let i = 1; i < length; i++) a[i]! += a[i - 1]!;
        this.blocks.set(minute, { from, sums, readAtMs: Date.now(), empty: rows.length === 0 });
        // The minute being judged and the one before (a judgement may straddle their edge).
        for (const m of this.blocks.keys()) if (m < minute - 1 || m > minute + 1) this.blocks.delete(m);
      })
      .catch((err: unknown) => this.log.warn({ err: String(err) }, "feed watch: last year's channels not read"))
      .finally(() => (this.readingBlock = null));
  }
}
