/**
 * The one progress bar of the commands (cli-progress), on stderr and only on a terminal:
 * piped or logged output stays free of carriage returns.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** `at` out of the total; `text` follows the bar (counts, the time of day reached). */
  update: (at: number, text?: string) => void;
  /** Leaves the bar as drawn last and ends its line. */
  done: () => void;
}

export function progressBar(label: string, total: number, on = process.stderr.isTTY === true): Progress {
  if (!on) return { update: () => undefined, done: () => undefined };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% {text}`,
    barsize: 30,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    fps: 5,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(Math.max(1, total), 0, { text: '' });
  let stopped = false;
  return {
    update: (at, text = '') => {
      if (!stopped) bar.update(Math.min(at, total), { text });
    },
    done: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
