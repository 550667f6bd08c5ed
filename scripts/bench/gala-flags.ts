import { FlagError, flag, readFlags, secondOfDay } from '../../shared/cli/args.js';
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

const YEARS_WITH_SHOW = DEFAULT_SHOWS.map((s) => Number(s.id)).filter((y) => YEARS[y] !== undefined);
const second = secondOfDay(DAY_SECONDS);

export const GALA_COMMAND = {
  name: 'bench:gala',
  usage: 'npm run bench:gala [-- flags]',
  about: `The gala's opening as a real upstream sends it: the simulator's segment (generated
before timing into a temp NDJSON file), posted in 100 ms batches by separate sender
processes at the show's pace, read back by a real socket.io board. Reports the lag
from each second's end until the board shows all of its sales, retries and shed
statuses, the server's CPU per thread and memory, and whether board, API and store
agree exactly with the generated orders.`,
  flags: {
    year: flag.custom({
      description: 'show year, one with a configured show and a calibration',
      default: 2015,
      placeholder: 'N',
      read: (raw) => {
        const n = Number(raw);
        if (!YEARS_WITH_SHOW.includes(n)) {
          throw new FlagError(
            `must be one of ${YEARS_WITH_SHOW.join(', ')} (a configured show with a calibration), got "${raw}"`,
          );
        }
        return n;
      },
    }),
    scale: flag.number({
      description: "share of the real day's orders (1: ~10 M orders in 2 min)",
      default: 1,
      min: 0,
      above: true,
      max: 10,
    }),
    from: flag.custom({
      description: 'first send-second, hh:mm[:ss] or seconds since midnight',
      default: 0,
      shownDefault: '00:00:00',
      placeholder: 'T',
      read: second,
    }),
    to: flag.custom({
      description: 'end of the segment, exclusive',
      default: 120,
      shownDefault: '00:02:00',
      placeholder: 'T',
      read: second,
    }),
    speed: flag.number({ description: 'show-seconds per wall second', default: 1, min: 0, above: true, max: 1000 }),
    seed: flag.int({ description: 'simulator seed, as npm run simulate', default: 1111, min: 0, max: 2 ** 32 - 1 }),
    senders: flag.int({ description: 'sender processes', default: 2, min: 1, max: 32 }),
    'batch-ms': flag.custom({
      description: 'one batch per N ms of send time; divides 1000',
      default: 100,
      placeholder: 'N',
      read: (raw) => {
        const n = Number(raw);
        if (!(Number.isInteger(n) && n >= 10 && n <= 1000 && 1000 % n === 0)) {
          throw new FlagError(`must be a divisor of 1000, 10..1000, got "${raw}"`);
        }
        return n;
      },
    }),
    'in-flight': flag.int({ description: 'requests in flight per sender', default: 8, min: 1, max: 256 }),
    out: flag.string({
      description: 'where gala-latest.json and a dated copy go',
      default: 'bench/results',
      placeholder: 'DIR',
    }),
    'keep-data': flag.boolean({ description: 'keep the temp dir (segment, index, server data) and print its path' }),
  },
};

/** A body still refused this long after its first send is given up (a real upstream would keep trying). */
export const GIVE_UP_MS = 20 * 60_000;

/** The flags, or exit: 0 after --help, 2 with one line on a bad flag. */
export function readGalaFlags(argv = process.argv.slice(2)): GalaFlags {
  const f = readFlags(GALA_COMMAND, argv, (v) => {
    if (v.to <= v.from) throw new FlagError(`--to must be after --from`);
  });
  return {
    year: f.year,
    scale: f.scale,
    from: f.from,
    to: f.to,
    speed: f.speed,
    seed: f.seed,
    senders: f.senders,
    batchMs: f['batch-ms'],
    inFlight: f['in-flight'],
    out: f.out,
    keepData: f['keep-data'],
  };
}
