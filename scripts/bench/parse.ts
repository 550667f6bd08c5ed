/**
 * `npm run bench:parse [-- --lines 500000 --batch 5000 --rounds 5 --seed 1111]`: the ingest
 * route's decoding of NDJSON bodies in process, before and after the byte-level fast path.
 * Old: the body decoded to text (as fastify's parseAs 'string' did), parseNdjson, validateOrder
 * per line. New: decodeOrders on the bytes. Simulator lines of the 2015 day from midnight, cut
 * into bodies of --batch lines; prints µs per order (median of --rounds after a warm-up),
 * the fast path's hit rate, and checks both give the same answer.
 */
import { isDeepStrictEqual } from 'node:util';
import { flag, readFlags } from '../../shared/cli/args.js';
import { progressBar } from '../../shared/cli/progress.js';
import { DEFAULT_CATEGORIES, type ValidationContext } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { DayGenerator } from '../../shared/sim/generate.js';
import { decodeOrders, decodeOrdersText, type DecodedBatch } from '../../server/ingest/batch.js';

const { lines, batch, rounds, seed } = readFlags({
  name: 'bench:parse',
  usage: 'npm run bench:parse -- [flags]',
  about: "The ingest route's decoding of NDJSON bodies in process, before and after the byte-level fast path.",
  flags: {
    lines: flag.int({ description: 'simulator lines to decode per round', default: 500_000, min: 1, max: 5_000_000 }),
    batch: flag.int({ description: 'lines per request body', default: 5000, min: 1, max: 500_000 }),
    rounds: flag.int({
      description: 'timed rounds after one warm-up; the median is printed',
      default: 5,
      min: 1,
      max: 100,
    }),
    seed: flag.int({ description: 'simulator seed', default: 1111, min: 1, max: 2 ** 31 - 1 }),
  },
});

const log = (s: string): boolean => process.stderr.write(`bench:parse: ${s}\n`);
const limits = { batchLines: Math.max(batch, 50_000), lineBytes: 4096 };
const ctx: ValidationContext = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set(DEFAULT_CATEGORIES) };
const NDJSON = 'application/x-ndjson';

log(`generating ${lines.toLocaleString('en-US')} lines of the 2015 day (scale 1, seed ${seed})`);
const gen = new DayGenerator({ year: 2015, scale: 1, seed });
const all: string[] = [];
for (let s = 0; all.length < lines; s++) for (const l of gen.second(s)) all.push(l.line);
all.length = lines;
const bodies: Buffer[] = [];
for (let i = 0; i < all.length; i += batch) bodies.push(Buffer.from(`${all.slice(i, i + batch).join('\n')}\n`));

function run(decode: (body: Buffer) => DecodedBatch): { ms: number; results: DecodedBatch[] } {
  const results: DecodedBatch[] = [];
  const t = performance.now();
  for (const body of bodies) results.push(decode(body));
  return { ms: performance.now() - t, results };
}
const oldWay = (body: Buffer) => decodeOrdersText(body.toString('utf8'), NDJSON, limits, ctx);
const newWay = (body: Buffer) => decodeOrders(body, NDJSON, limits, ctx);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// Same answers (the fast-path count aside), then time: one warm-up round each, then alternate.
const check = run(newWay).results;
const reference = run(oldWay).results;
const same = check.every((r, i) => {
  const o = reference[i]!;
  return r.ok && o.ok ? isDeepStrictEqual(r.orders, o.orders) && isDeepStrictEqual(r.rejected, o.rejected) : false;
});
const fast = check.reduce((n, r) => n + (r.ok ? r.fast : 0), 0);
const accepted = check.reduce((n, r) => n + (r.ok ? r.orders.length : 0), 0);
const oldMs: number[] = [];
const newMs: number[] = [];
const textMs: number[] = [];
const bar = progressBar('bench:parse', rounds);
for (let r = 0; r < rounds; r++) {
  oldMs.push(run(oldWay).ms);
  newMs.push(run(newWay).ms);
  const t = performance.now();
  for (const body of bodies) body.toString('utf8');
  textMs.push(performance.now() - t);
  bar.update(r + 1, `round ${r + 1}/${rounds}`);
}
bar.done();

const usOld = (median(oldMs) * 1000) / lines;
const usNew = (median(newMs) * 1000) / lines;
const usText = (median(textMs) * 1000) / lines;
log(
  `old (utf8 decode + parseNdjson + validateOrder): ${usOld.toFixed(3)} µs/order, of which utf8 ${usText.toFixed(3)}`,
);
log(`new (decodeOrders on bytes):                      ${usNew.toFixed(3)} µs/order`);
process.stdout.write(
  `bench:parse: ${lines} lines in ${bodies.length} bodies of ${batch}: old ${usOld.toFixed(3)} µs/order, ` +
    `new ${usNew.toFixed(3)} µs/order (${(usOld / usNew).toFixed(1)}x), fast path ${((100 * fast) / lines).toFixed(2)} % ` +
    `of lines, ${accepted} accepted, answers ${same ? 'identical' : 'DIFFER'}\n`,
);
process.exit(same ? 0 : 1);
