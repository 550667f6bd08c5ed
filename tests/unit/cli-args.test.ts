import { describe, expect, it } from 'vitest';
import { FlagError, flag, helpText, parseFlags, secondOfDay } from '../../shared/cli/args.js';

const cmd = {
  name: 'demo-cmd',
  usage: 'demo-cmd [flags]',
  flags: {
    scale: flag.number({ description: 'share of the day', default: 0.5, min: 0, above: true, max: 1 }),
    rounds: flag.int({ description: 'rounds', default: 3, min: 1 }),
    rate: flag.number({ description: 'orders per second', min: 0 }),
    style: flag.choice({ description: 'how', choices: ['raw', 'sql'], default: 'raw' }),
    from: flag.custom({ description: 'start', default: 0, placeholder: 'T', read: secondOfDay(86_400) }),
    quick: flag.boolean({ description: 'short' }),
  },
};

describe('parseFlags(cmd, argv)', () => {
  it('gives the defaults, typed, when no flag is given', () => {
    expect(parseFlags(cmd, [])).toEqual({
      scale: 0.5,
      rounds: 3,
      rate: undefined,
      style: 'raw',
      from: 0,
      quick: false,
    });
  });

  it('reads numbers, choices, times of day and booleans', () => {
    const v = parseFlags(cmd, ['--scale', '1', '--rounds=10_000', '--style', 'sql', '--from', '00:38:28', '--quick']);
    expect(v).toMatchObject({ scale: 1, rounds: 10_000, style: 'sql', from: 2308, quick: true });
  });

  it('returns null for --help', () => {
    expect(parseFlags(cmd, ['--scale', '1', '--help'])).toBeNull();
  });

  it.each([
    [['--scale', '0'], '--scale must be a number in (0, 1], got "0"'],
    [['--rounds', '1.5'], '--rounds must be an integer >= 1, got "1.5"'],
    [['--style', 'csv'], '--style must be one of raw, sql, got "csv"'],
    [['--from', '25:00'], '--from must be hh:mm[:ss] or whole seconds in 0..86400, got "25:00"'],
    [['--bogus'], 'unknown flag --bogus'],
    [['--rounds'], '--rounds needs a value'],
    [['extra'], "Unexpected argument 'extra'"],
  ])('refuses %j with one line: %s', (argv, message) => {
    expect(() => parseFlags(cmd, argv)).toThrow(new FlagError(message));
  });
});

describe('helpText(cmd)', () => {
  it('lists every flag with its placeholder, description and default, and --help', () => {
    const text = helpText(cmd);
    expect(text.split('\n')[0]).toBe('usage: demo-cmd [flags]');
    expect(text).toMatch(/--scale X +share of the day \(0\.5\)/);
    expect(text).toMatch(/--style raw\|sql +how \(raw\)/);
    expect(text).toMatch(/--rate X +orders per second$/m);
    expect(text).toMatch(/--quick +short$/m);
    expect(text).toMatch(/--help +this text/);
  });
});
