/** A one-line progress bar on a terminal (silent when output is not a terminal). */
export function progressBar(
  label: string,
  total: number,
): { update: (at: number, text: string) => void; done: () => void } {
  const on = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(at, text) {
      if (!on || performance.now() - last < 200) return;
      last = performance.now();
      const f = Math.min(1, at / total);
      const bar = '#'.repeat(Math.round(f * 30)).padEnd(30, '.');
      process.stderr.write(`\r${label} [${bar}] ${(f * 100).toFixed(1).padStart(5)}% ${text}   `);
    },
    done() {
      if (on) process.stderr.write('\n');
    },
  };
}
