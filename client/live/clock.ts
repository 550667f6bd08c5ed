/**
 * The server's clock seen from the client. Every message carries `sentAtMs`; on
 * arrival, client time minus that is the clock offset plus the one-way delay. The
 * smallest of the recent samples carries the least delay, so it is the best
 * estimate of the offset alone (NTP's minimum filter). Kept bounded and pure.
 */
export const OFFSET_SAMPLES = 16;

/** The recent samples plus a new one (client arrival time minus server send time), at most OFFSET_SAMPLES. */
export function addOffsetSample(samples: readonly number[], receivedAtMs: number, sentAtMs: number): number[] {
  const sample = receivedAtMs - sentAtMs;
  if (!Number.isFinite(sample)) return samples.slice();
  const out = samples.length >= OFFSET_SAMPLES ? samples.slice(samples.length - OFFSET_SAMPLES + 1) : samples.slice();
  out.push(sample);
  return out;
}

/** Client clock minus server clock (plus the least delay seen); null before any message. */
export function clockOffsetMs(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  let min = Infinity;
  for (const s of samples) if (s < min) min = s;
  return min;
}

/**
 * Order-to-screen lag of a message that brought new commits: when it reached the
 * screen, on the server's clock, minus when its newest orders were committed.
 */
export function orderToScreenLag(receivedAtMs: number, offsetMs: number, committedAtMs: number): number {
  return Math.max(0, receivedAtMs - offsetMs - committedAtMs);
}

/** One exchange of the `clock` request: client minus server clock, and the round trip it took. */
export interface ClockSample {
  offsetMs: number;
  rttMs: number;
}

/** Samples kept of the `clock` exchanges: the one with the least round trip wins. */
export const CLOCK_SAMPLES = 8;

/**
 * The recent `clock` samples plus one: asked at `sentMs`, answered with `serverMs`, back at
 * `receivedMs` (client clock). NTP's estimate: the server read its clock halfway through the round
 * trip, so the offset is off by at most half the round trip (less when the paths are symmetric).
 */
export function addClockSample(
  samples: readonly ClockSample[],
  sentMs: number,
  serverMs: number,
  receivedMs: number,
): ClockSample[] {
  const rttMs = receivedMs - sentMs;
  if (!Number.isFinite(serverMs) || !Number.isFinite(rttMs) || rttMs < 0) return samples.slice();
  const out = samples.length >= CLOCK_SAMPLES ? samples.slice(samples.length - CLOCK_SAMPLES + 1) : samples.slice();
  out.push({ offsetMs: (sentMs + receivedMs) / 2 - serverMs, rttMs });
  return out;
}

function bestSample(samples: readonly ClockSample[]): ClockSample | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (best === null || s.rttMs < best.rttMs) best = s;
  return best;
}

/** Client clock minus server clock from the sample with the least round trip; null before any. */
export function bestClockOffset(samples: readonly ClockSample[]): number | null {
  return bestSample(samples)?.offsetMs ?? null;
}

/**
 * The best exchange says the offset lies within half its round trip of its estimate. A message's
 * arrival minus its `sentAtMs` is the offset plus a one-way delay, so never below the offset: the
 * least of the recent ones (`upperMs`, many a second) lowers the top of that interval, often far
 * (an answer that waited on a busy page inflates the round trip on the way back only). The middle
 * of what is left; the exchange alone when the two disagree (another node's clock, drift).
 */
export function tightenedClockOffset(samples: readonly ClockSample[], upperMs: number | null): number | null {
  const best = bestSample(samples);
  if (best === null) return null;
  const low = best.offsetMs - best.rttMs / 2;
  const high = best.offsetMs + best.rttMs / 2;
  if (upperMs === null || upperMs >= high || upperMs < low) return best.offsetMs;
  return (low + upperMs) / 2;
}

/**
 * The least (arrival − sentAtMs) of the messages of the last one to two windows: recent enough
 * that the clocks' drift does not matter, bounded in memory (two numbers).
 */
export class ArrivalBound {
  private current = Infinity;
  private previous = Infinity;
  private since = -Infinity;

  constructor(private readonly windowMs = 30_000) {}

  note(arrivedMs: number, sentAtMs: number): void {
    if (arrivedMs - this.since >= this.windowMs) {
      this.previous = this.current;
      this.current = Infinity;
      this.since = arrivedMs;
    }
    const v = arrivedMs - sentAtMs;
    if (Number.isFinite(v) && v < this.current) this.current = v;
  }

  /** Null before any message (and after reset). */
  get upperMs(): number | null {
    const v = Math.min(this.current, this.previous);
    return Number.isFinite(v) ? v : null;
  }

  /** A new connection (maybe another node): forget the old messages. */
  reset(): void {
    this.current = Infinity;
    this.previous = Infinity;
    this.since = -Infinity;
  }
}
