import { parseArgs } from 'node:util';
import { DEFAULT_SHOWS } from '../../shared/show.js';
import { YEARS } from '../../shared/sim/calibration.js';
import { DAY_SECONDS } from '../../shared/sim/day.js';

/** Everything `npm run bench:gala` is shaped by. */
export interface GalaFlags {
  year: number;
  scale: number;
  /** Show-seconds since midnight: [from, to). */
  from: number;
  to: number;
  speed: number;
  seed: number;
  senders: number;
  batchMs: number;
  /** Requests in flight per sender process. */
  inFlight: number;
  out: string;
  keepData: boolean;
}

export const GALA_HELP = `npm run bench:gala [-- flags]

The gala's opening as a real upstream sends it: the simulator's segment (generated
before timing into a temp NDJSON file), posted in 100 ms batches by separate sender
processes at the show's pace, read back by a real socket.io board. Reports the lag
from each second's end until the board shows all of its sales, retries and shed
statuses, the server's CPU per thread and memory, and whether board, API and store
agree exactly with the generated orders.

  --year N         show year, one with a configured show and a calibration (2015)
  --scale X        share of the real day's orders, 0 < X <= 10 (1: ~10 M orders in 2 min)
  --from T         first send-second, hh:mm[:ss] or seconds since midnight (00:00:00)
  --to T           end of the segment, exclusive (00:02:00)
  --speed X        show-seconds per wall second (1)
  --seed N         simulator seed (1111, as npm run simulate)
  --senders N      sender processes (2)
  --batch-ms N     one batch per N ms of send time; divides 1000 (100)
  --in-flight N    requests in flight per sender (8)
  --out DIR        where gala-latest.json and a dated copy go (bench/results)
  --keep-data      keep the temp dir (segment, index, server data) and print its path
  --help           this text`;

/** A body still refused this long after its first send is given up (a real upstream would keep trying). */
export const GIVE_UP_MS = 20 * 60_000;

/** A bad flag: printed as one line, exit 2. */
export class FlagError extends Error {
  override name = 'FlagError';
}

/** Seconds since midnight from "hh:mm[:ss]" or a plain number of seconds. */
export function parseSecond(name: string, raw: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
  const s = m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(s) || s < 0 || s > DAY_SECONDS || (m && (Number(m[2]) > 59 || Number(m[3] ?? 0) > 59))) {
    throw new FlagError(`--${name} must be hh:mm[:ss] or whole seconds in 0..${DAY_SECONDS}, got "${raw}"`);
  }
  return s;
}

/** Parses argv; throws FlagError with a one-line message; returns null for --help. */
export function readGalaFlags(argv: string[]): GalaFlags | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        year: { type: 'string', default: '2015' },
        scale: { type: 'string', default: '1' },
        from: { type: 'string', default: '00:00:00' },
        to: { type: 'string', default: '00:02:00' },
        speed: { type: 'string', default: '1' },
        seed: { type: 'string', default: '1111' },
        senders: { type: 'string', default: '2' },
        'batch-ms': { type: 'string', default: '100' },
        'in-flight': { type: 'string', default: '8' },
        out: { type: 'string', default: 'bench/results' },
        'keep-data': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new FlagError((err as Error).message.split('\n')[0]!);
  }
  if (values.help) return null;
  const str = (name: string) => String(values[name]);
  const num = (name: string, ok: (n: number) => boolean, what: string): number => {
    const raw = str(name);
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(n) || !ok(n)) throw new FlagError(`--${name} must be ${what}, got "${raw}"`);
    return n;
  };
  const int = (n: number) => Number.isInteger(n);

  const years = DEFAULT_SHOWS.map((s) => Number(s.id)).filter((y) => YEARS[y] !== undefined);
  const year = num(
    'year',
    (n) => years.includes(n),
    `one of ${years.join(', ')} (a configured show with a calibration)`,
  );
  const from = parseSecond('from', str('from'));
  const to = parseSecond('to', str('to'));
  if (to <= from) throw new FlagError(`--to (${str('to')}) must be after --from (${str('from')})`);
  return {
    year,
    scale: num('scale', (n) => n > 0 && n <= 10, 'a number in (0, 10]'),
    from,
    to,
    speed: num('speed', (n) => n > 0 && n <= 1000, 'a number in (0, 1000]'),
    seed: num('seed', (n) => int(n) && n >= 0 && n < 2 ** 32, 'an integer in 0..2^32-1'),
    senders: num('senders', (n) => int(n) && n >= 1 && n <= 32, 'an integer in 1..32'),
    batchMs: num('batch-ms', (n) => int(n) && n >= 10 && n <= 1000 && 1000 % n === 0, 'a divisor of 1000, 10..1000'),
    inFlight: num('in-flight', (n) => int(n) && n >= 1 && n <= 256, 'an integer in 1..256'),
    out: str('out'),
    keepData: values['keep-data'] === true,
  };
}
