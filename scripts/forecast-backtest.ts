/**
 * Backtests the exec screen's forecast from last year's shape: simulates this year's and last
 * year's day in process (the simulator's generator, no server), then at each instant forecasts
 * the end-of-day total and the milestones' ETAs from what was known then, and prints the error
 * against the day as it went, next to the linear extrapolation from the last seconds.
 *
 *   npm run backtest:forecast -- --year 2015 --last-year 2014 --scale 0.001
 */
import { FlagError, flag, readFlags, secondOfDay } from '../shared/cli/args.js';
import { progressBar } from '../shared/cli/progress.js';
import { formatDuration } from '../shared/time.js';
import { YEARS } from '../shared/sim/calibration.js';
import { DAY_SECONDS } from '../shared/sim/day.js';
import { backtest, simulatedDay, tilted, type BacktestRow } from './lib/backtest.js';

const yearFlag = (description: string, fallback: number) =>
  flag.custom({
    description: `${description}: ${Object.keys(YEARS).join(', ')}`,
    default: fallback,
    placeholder: 'N',
    read: (raw) => {
      if (YEARS[Number(raw)] === undefined) {
        throw new FlagError(`must be a calibrated year (${Object.keys(YEARS).join(', ')}), got "${raw}"`);
      }
      return Number(raw);
    },
  });

const second = secondOfDay(DAY_SECONDS);

const flags = readFlags(
  {
    name: 'forecast-backtest',
    usage: 'npm run backtest:forecast -- [flags]',
    about:
      "Drives a simulated day with another as last year and prints the forecast's error at each\n" +
      "instant: the end-of-day total and the milestones (scaled with the day), by last year's shape\n" +
      'and by linear extrapolation of the last 5 seconds. In process and deterministic for a seed.',
    flags: {
      year: yearFlag('the day forecast', 2015),
      'last-year': yearFlag('the day used as last year', 2014),
      scale: flag.number({ description: "share of the real day's orders", default: 0.001, min: 0, above: true }),
      seed: flag.int({
        description: 'simulator seed (last year uses seed + 1)',
        default: 1111,
        min: 0,
        max: 2 ** 32 - 2,
      }),
      at: flag.custom({
        description: 'instants, comma-separated hh:mm[:ss]',
        default: [600, 3600, 21_600, 72_000],
        shownDefault: '00:10,01:00,06:00,20:00',
        placeholder: 'T,T',
        read: (raw) => raw.split(',').map((t) => second(t.trim())),
      }),
      milestone: flag.number({
        description: 'the milestone in CNY at full scale (scaled like the day)',
        default: 10_000_000_000,
        min: 0,
        above: true,
      }),
      'last-year-step': flag.choice({
        description: "seconds per point of last year's curve: 1 (the server's) or 60 (the exec screen's)",
        choices: ['1', '60'],
        default: '60',
      }),
      tilt: flag.number({
        description: "bend this year's shape away from last year's: second t × (1 + tilt·t/day)",
        default: 0,
        min: -0.9,
        max: 10,
      }),
      window: flag.int({ description: 'minutes the band looks back', default: 60, min: 1, max: 1440 }),
      quiet: flag.boolean({ description: 'no progress bar' }),
    },
  },
  process.argv.slice(2),
);

const yi = (fen: number) => `${(fen / 1e10).toFixed(2)}`;
const pct = (p: number | null) => (p === null ? '—' : `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`);
const min = (s: number | null) => (s === null ? '—' : `${s >= 0 ? '+' : ''}${(s / 60).toFixed(1)} min`);
const clock = (s: number | null) => (s === null ? '—' : formatDuration(Math.round(s)));

function table(rows: BacktestRow[], scale: number): string {
  const out = [
    '| at | total: shape (band) | error | linear | error | 10 bn: shape (band) | error | linear | error | last year passed: shape | error | linear | error |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  // Totals in 亿 CNY at full scale (fen / scale / 1e10).
  const full = (fen: number) => yi(fen / scale);
  for (const r of rows) {
    const s = r.shape;
    const total = s === null ? '—' : `${full(s.totalFen)} (${full(s.totalLowFen)}–${full(s.totalHighFen)})`;
    const cells = r.milestones.flatMap((m) => {
      if (m.passed) return ['passed', '', 'passed', ''];
      const f = s?.milestones[r.milestones.indexOf(m)];
      const band = f ? ` (${clock(f.earliestSec)}–${clock(f.latestSec)})` : '';
      return [`${clock(m.shapeSec)}${band}`, min(m.shapeErrorSec), clock(m.linearSec), min(m.linearErrorSec)];
    });
    out.push(
      `| ${formatDuration(r.atSec)} | ${total} | ${pct(r.shapeTotalErrorPct)} | ${full(r.linearTotalFen)} | ${pct(r.linearTotalErrorPct)} | ${cells.join(' | ')} |`,
    );
  }
  return out.join('\n');
}

function main(): void {
  const started = performance.now();
  const bar = progressBar('backtest', 2 * DAY_SECONDS, !flags.quiet && process.stderr.isTTY === true);
  const simulated = simulatedDay(flags.year, flags.scale, flags.seed, (s) => {
    if (s % 600 === 0) bar.update(s, `${flags.year}`);
  });
  const lastYear = simulatedDay(flags['last-year'], flags.scale, flags.seed + 1, (s) => {
    if (s % 600 === 0) bar.update(DAY_SECONDS + s, `${flags['last-year']}`);
  });
  bar.done();
  const thisYear = flags.tilt === 0 ? simulated : tilted(simulated, flags.tilt);
  let lastYearFen = 0;
  for (const v of lastYear) lastYearFen += v;
  const rows = backtest({
    thisYear,
    lastYear,
    instants: flags.at,
    milestones: [
      { name: 'milestone', fen: Math.round(flags.milestone * 100 * flags.scale) },
      { name: 'last year', fen: lastYearFen },
    ],
    lastYearStepSec: Number(flags['last-year-step']),
    windowSec: flags.window * 60,
  });
  const [first] = rows;
  const truth = first?.milestones ?? [];
  console.log(table(rows, flags.scale));
  console.log(
    `\nactual: total ${yi((first?.actualTotalFen ?? 0) / flags.scale)} 亿 CNY (full scale); ` +
      `milestone at ${clock(truth[0]?.actualSec ?? null)}, last year's total (${yi(lastYearFen / flags.scale)} 亿) at ${clock(truth[1]?.actualSec ?? null)}`,
  );
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `forecast-backtest: ${flags.year} against ${flags['last-year']} at scale ${flags.scale}, seed ${flags.seed}, ` +
      `tilt ${flags.tilt}, ${rows.length} instants, last year per ${flags['last-year-step']} s, band over ${flags.window} min, ${secs} s`,
  );
}

main();
