/**
 * `npm run crash-test`: 20 kill -9s of the server at random moments during a
 * 1,000,000-order load, then a check that the stored orders equal the generated
 * set exactly. Loopback only; stops by itself.
 *
 *   npm run crash-test -- [--orders 1000000] [--kills 20] [--batch 5000] [--seed 7]
 */
import { flag, readFlags } from '../shared/cli/args.js';
import { crashTest } from './crash/run.js';

const values = readFlags({
  name: 'crash-test',
  usage: 'npm run crash-test -- [flags]',
  about:
    'kill -9 of the server at random moments during a load, then a check that the stored orders\n' +
    'equal the generated set exactly. Loopback only; stops by itself.',
  flags: {
    orders: flag.int({ description: 'orders to generate and send', default: 1_000_000, min: 1 }),
    kills: flag.int({ description: 'kill -9s of the server', default: 20, min: 0 }),
    batch: flag.int({ description: 'orders per request body', default: 5000, min: 1 }),
    seed: flag.int({ description: 'seed of the orders and of the kill moments', default: 7, min: 0, max: 2 ** 32 - 1 }),
  },
});
const started = performance.now();
const r = await crashTest({
  orders: values.orders,
  kills: values.kills,
  batch: values.batch,
  seed: values.seed,
  log: (line) => console.log(line),
});
const secs = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  `crash-test: ${r.ok ? 'PASS' : 'FAIL'}: ${r.kills} kills, ${r.generated.orders} orders generated, ` +
    `${r.stored.orders} stored (${r.stored.distinct} distinct ids), sum ${r.stored.fen === r.generated.fen ? 'equal' : 'DIFFERENT'}, ` +
    `${r.resentBatches} batches resent, acknowledged orders always stored: ${r.ackedAlwaysStored}, ${secs} s`,
);
process.exit(r.ok ? 0 : 1);
