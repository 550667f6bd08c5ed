import { flag, readFlags } from '../../shared/cli/args.js';

/** Everything a run is shaped by, from the command line (`--quick` picks the short durations). */
export interface Params {
  mode: 'quick' | 'full';
  /** Orders per NDJSON body. */
  batch: number;
  loadProcs: number;
  /** Closed loop: requests in flight per load process. */
  concurrency: number;
  clients: number;
  fanoutProcs: number;
  seed: number;
  /** Seconds per engine run (three runs). */
  engineRunS: number;
  capacityS: number;
  warmupS: number;
  sustainedS: number;
  /** Open-loop runs at most, stepping the rate up after a held run and down after a failed one. */
  attempts: number;
  overloadS: number;
  /** Open loop: requests in flight per load process beyond which a due send is skipped. */
  maxInFlight: number;
  overloadInFlight: number;
  maxPending: number | null;
  /** Skip the search: one open-loop run at this rate. */
  fixedRate: number | null;
  out: string;
}

export const BENCH_COMMAND = {
  name: 'bench',
  usage: 'npm run bench [-- flags]',
  about:
    'The engine alone, then the server on a fresh data dir: ingest capacity (closed loop), the sustained\n' +
    'rate (open loop) with live clients connected, commit-to-tick latency, tick lag, and twice the\n' +
    'sustained rate. Prints a table and writes latest.json plus a dated copy under --out.',
  flags: {
    quick: flag.boolean({ description: 'short runs (about 2 minutes in all)' }),
    duration: flag.number({ description: 'seconds per sustained run (15 with --quick, else 60)', above: true, min: 0 }),
    batch: flag.int({ description: 'orders per NDJSON body', default: 5000, min: 1 }),
    concurrency: flag.int({ description: 'closed loop: requests in flight per load process', default: 8, min: 1 }),
    'load-procs': flag.int({ description: 'load processes', default: 2, min: 1 }),
    clients: flag.int({ description: 'live-board clients', default: 1000, min: 1 }),
    'fanout-procs': flag.int({ description: 'processes holding the live clients', default: 4, min: 1 }),
    rate: flag.number({ description: 'skip the search: one open-loop run at this many orders/s', min: 0, above: true }),
    seed: flag.int({ description: 'simulator seed', default: 1111, min: 1 }),
    'max-pending': flag.int({ description: "the server's MAX_PENDING_ORDERS (its default)", min: 1 }),
    out: flag.string({ description: 'where the JSON goes', default: 'bench/results' }),
  },
};

export function readParams(argv = process.argv.slice(2)): Params {
  const flags = readFlags(BENCH_COMMAND, argv);
  const quick = flags.quick;
  return {
    mode: quick ? 'quick' : 'full',
    batch: flags.batch,
    loadProcs: flags['load-procs'],
    concurrency: flags.concurrency,
    clients: flags.clients,
    fanoutProcs: flags['fanout-procs'],
    seed: flags.seed,
    engineRunS: quick ? 5 : 20,
    capacityS: quick ? 8 : 20,
    warmupS: quick ? 2 : 5,
    sustainedS: flags.duration ?? (quick ? 15 : 60),
    attempts: quick ? 2 : 3,
    overloadS: quick ? 8 : 20,
    maxInFlight: 32,
    overloadInFlight: 64,
    maxPending: flags['max-pending'] ?? null,
    fixedRate: flags.rate ?? null,
    out: flags.out,
  };
}
