import { createWriteStream, writeFileSync } from 'node:fs';
import { DEFAULT_CATEGORIES, validateOrder } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { DayGenerator } from '../../shared/sim/generate.js';

/**
 * Most lines and bytes in one POST: the server's defaults (MAX_BATCH_LINES 50,000,
 * MAX_BODY_BYTES 16 MiB, less a margin), or the same variables when the bench's
 * environment sets them for the server. A slice larger than that goes out as
 * several bodies at the same send time.
 */
export function bodyLimits(env: Record<string, string | undefined> = process.env): { lines: number; bytes: number } {
  const int = (raw: string | undefined, fallback: number) =>
    raw !== undefined && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : fallback;
  const bytes = int(env.MAX_BODY_BYTES, 16 * 1024 * 1024);
  return { lines: int(env.MAX_BATCH_LINES, 50_000), bytes: Math.max(4096, bytes - Math.min(bytes / 16, 1024 * 1024)) };
}

/** One body: [slice of the second, first byte, end byte (exclusive), lines]. */
export type IndexBatch = [slice: number, start: number, end: number, lines: number];

export interface IndexSecond {
  /** Send-second, seconds since midnight. */
  s: number;
  batches: IndexBatch[];
  /** Sales (valid, type sale) sent in this second, and up to its end. */
  sales: number;
  cumSales: number;
}

/** What the server must end up with, computed with its own rules (validateOrder, the show's rates). */
export interface Expected {
  lines: number;
  sales: number;
  grossFen: number;
  refunds: number;
  refundFen: number;
  /** Lines validateOrder refuses: the server rejects them too (0 from the simulator). */
  invalid: number;
}

/** What a segment is made from: the simulator's flags, the body size and the file it goes to. */
interface SegmentParams {
  year: number;
  scale: number;
  seed: number;
  from: number;
  to: number;
  batchMs: number;
  file: string;
  /** Most lines and bytes in one body. */
  limits: { lines: number; bytes: number };
}

/** The small index beside the NDJSON segment. */
export interface SegmentIndex extends SegmentParams {
  bytes: number;
  seconds: IndexSecond[];
  expected: Expected;
  /** Wall seconds the generation took. */
  generateS: number;
}

export interface SegmentOptions extends SegmentParams {
  indexFile: string;
  onProgress?: (s: number, lines: number) => void;
}

/**
 * Writes exactly what `npm run simulate -- --year Y --scale X --seed N --from F --to T
 * --out file` writes (the same generator, seconds from..to-1 in order, one line per
 * order), streamed, and returns its index. Lines the generator carries to a second
 * past --to are never written, as there.
 *
 * Within a second the generator puts carried lines (late sales, refunds) first and
 * then the second's own sales by event time: carried lines go into the first slice,
 * the others into the slice of their event time, so every body is one byte range.
 */
export async function writeSegment(o: SegmentOptions): Promise<SegmentIndex> {
  const started = performance.now();
  const gen = new DayGenerator({ year: o.year, scale: o.scale, seed: o.seed });
  const ctx = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set<string>(DEFAULT_CATEGORIES) };
  const out = createWriteStream(o.file, { highWaterMark: 4 * 1024 * 1024 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const expected: Expected = { lines: 0, sales: 0, grossFen: 0, refunds: 0, refundFen: 0, invalid: 0 };
  const seconds: IndexSecond[] = [];
  let offset = 0;

  for (let s = o.from; s < o.to; s++) {
    const secondStart = gen.startMs + s * 1000;
    const entry: IndexSecond = { s, batches: [], sales: 0, cumSales: expected.sales };
    let slice = 0;
    let body: string[] = [];
    let bodyBytes = 0;
    const flush = async () => {
      if (body.length === 0) return;
      const chunk = body.join('\n') + '\n';
      const bytes = Buffer.byteLength(chunk);
      entry.batches.push([slice, offset, offset + bytes, body.length]);
      offset += bytes;
      body = [];
      bodyBytes = 0;
      if (!out.write(chunk)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
    };
    for (const l of gen.second(s)) {
      const check = validateOrder(l.fields, ctx);
      let at = slice;
      if (!check.ok) expected.invalid++;
      else {
        const { order } = check;
        if (order.type === 'refund') {
          expected.refunds++;
          expected.refundFen += order.gmv_fen;
        } else {
          expected.sales++;
          expected.grossFen += order.gmv_fen;
          entry.sales++;
          const into = order.ts - secondStart;
          // A sale of this very second: into its slice (never back: a body is one byte range).
          if (into >= 0 && into < 1000) at = Math.max(slice, Math.floor(into / o.batchMs));
        }
      }
      const bytes = l.line.length + 1;
      if (at !== slice || body.length >= o.limits.lines || bodyBytes + bytes > o.limits.bytes) {
        await flush();
        slice = at;
      }
      body.push(l.line);
      bodyBytes += bytes;
      expected.lines++;
    }
    await flush();
    entry.cumSales = expected.sales;
    seconds.push(entry);
    o.onProgress?.(s, expected.lines);
  }
  await Promise.race([new Promise<void>((r) => out.end(() => r())), failed]);
  if (!Number.isSafeInteger(expected.grossFen)) throw new Error('gross GMV left the exact integer range');

  const index: SegmentIndex = {
    year: o.year,
    scale: o.scale,
    seed: o.seed,
    from: o.from,
    to: o.to,
    batchMs: o.batchMs,
    file: o.file,
    bytes: offset,
    seconds,
    expected,
    limits: o.limits,
    generateS: (performance.now() - started) / 1000,
  };
  writeFileSync(o.indexFile, JSON.stringify(index));
  return index;
}
