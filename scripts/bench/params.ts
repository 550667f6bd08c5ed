import { parseArgs } from 'node:util';

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

export function readParams(argv = process.argv.slice(2)): Params {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      batch: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '8' },
      'load-procs': { type: 'string', default: '2' },
      clients: { type: 'string', default: '1000' },
      'fanout-procs': { type: 'string', default: '4' },
      rate: { type: 'string' },
      seed: { type: 'string', default: '1111' },
      'max-pending': { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
    },
  });
  const num = (name: keyof typeof flags, fallback?: number): number => {
    const raw = flags[name];
    if (raw === undefined && fallback !== undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const quick = flags.quick === true;
  return {
    mode: quick ? 'quick' : 'full',
    batch: num('batch'),
    loadProcs: num('load-procs'),
    concurrency: num('concurrency'),
    clients: num('clients'),
    fanoutProcs: num('fanout-procs'),
    seed: num('seed'),
    engineRunS: quick ? 5 : 20,
    capacityS: quick ? 8 : 20,
    warmupS: quick ? 2 : 5,
    sustainedS: num('duration', quick ? 15 : 60),
    attempts: quick ? 2 : 3,
    overloadS: quick ? 8 : 20,
    maxInFlight: 32,
    overloadInFlight: 64,
    maxPending: flags['max-pending'] ? num('max-pending') : null,
    fixedRate: flags.rate ? num('rate') : null,
    out: flags.out!,
  };
}
