import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** A bad value per package script: the flag and what is wrong with it. */
const BAD_VALUE: Record<string, [flag: string, value: string]> = {
  start: ['port', 'x'],
  demo: ['port', '99999'],
  simulate: ['scale', 'abc'],
  bench: ['batch', '0'],
  'bench:board': ['width', 'wide'],
  'bench:gala': ['senders', '0'],
  'bench:seek': ['samples', '0'],
  'bench:parse': ['rounds', 'x'],
  'bench:storm': ['boards', '-1'],
  'bench:dedup': ['keys', '1.5'],
  'load-day': ['scale', '2'],
  'load-merchants': ['seed', '-1'],
  'crash-test': ['kills', 'many'],
  'backtest:forecast': ['scale', 'lots'],
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
/** The package scripts that are commands (not build, test or lint) and the file each runs. */
const commands = Object.entries(pkg.scripts).flatMap(([name, script]) => {
  const file = /node (?:--[\w-]+ )*--import tsx (\S+\.ts)/.exec(script)?.[1];
  return file ? [{ name, file }] : [];
});

function run(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

describe('package scripts as commands', () => {
  it('every command script has a bad value to try', () => {
    expect(commands.map((c) => c.name).sort()).toEqual(Object.keys(BAD_VALUE).sort());
  });

  describe.concurrent.each(commands)('$name ($file)', ({ name, file }) => {
    it('prints its usage for --help and exits 0', async () => {
      const r = await run(file, ['--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: /);
      expect(r.stdout).toContain('--help');
      expect(r.stderr).toBe('');
    });

    it('refuses an unknown flag with one line naming it and exit 2', async () => {
      const r = await run(file, ['--no-such-flag']);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain('--no-such-flag');
    });

    it('refuses a bad value with one line naming the flag and exit 2', async () => {
      const [flag, value] = BAD_VALUE[name]!;
      const r = await run(file, [`--${flag}`, value]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain(`--${flag}`);
      expect(r.stderr).toContain(value);
    });
  });
});

describe('simulate --calibration', () => {
  it("prints each calibrated year's figures from its curve, with 2015's published milestones, and exits 0", async () => {
    const r = await run('scripts/simulate.ts', ['--calibration']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out.map((l) => l.slice(0, 5))).toEqual(['2013:', '2014:', '2015:', '2016:', '2017:']);
    expect(out[2]).toContain('1 bn at 00:01:12 (00:01:12); 10 bn at 00:12:29 (00:12:28)');
  });
});
