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
