/**
 * `npm run crash-test`: 20 kill -9s of the server at random moments during a
 * 1,000,000-order load, then a check that the stored orders equal the generated
 * set exactly. Loopback only; stops by itself.
 *
 *   npm run crash-test -- [--orders 1000000] [--kills 20] [--batch 5000] [--seed 7]
 */
import { parseArgs } from 'node:util';
import { crashTest } from './crash/run.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    kills: { type: 'string', default: '20' },
    batch: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '7' },
  },
});
const started = performance.now();
const r = await crashTest({
  orders: Number(values.orders),
  kills: Number(values.kills),
  batch: Number(values.batch),
  seed: Number(values.seed),
  log: (line) => console.log(line),
});
const secs = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  `crash-test: ${r.ok ? 'PASS' : 'FAIL'}: ${r.kills} kills, ${r.generated.orders} orders generated, ` +
    `${r.stored.orders} stored (${r.stored.distinct} distinct ids), sum ${r.stored.fen === r.generated.fen ? 'equal' : 'DIFFERENT'}, ` +
    `${r.resentBatches} batches resent, acknowledged orders always stored: ${r.ackedAlwaysStored}, ${secs} s`,
);
process.exit(r.ok ? 0 : 1);
