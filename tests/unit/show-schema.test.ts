import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { DEFAULT_CATEGORIES, validateOrder } from '../../shared/order.js';
import { DEFAULT_SHOWS, findShow, parseShows } from '../../shared/show.js';

const dir = mkdtempSync(join(tmpdir(), 'gmv-shows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A show with only the fields that have no default. */
const BARE = { id: 'gala', name: 'A gala', start: '2020-11-11T20:00:00+08:00', durationHours: 4 };
const START = Date.parse(BARE.start);

function showsFile(content: unknown, name = 'shows.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The one line loadConfig refuses a SHOWS_FILE with. */
function refusal(content: unknown): string {
  const file = showsFile(content);
  try {
    loadConfig({ SHOWS_FILE: file });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message.startsWith(`SHOWS_FILE ${file}: `)).toBe(true);
    expect(message).not.toContain('\n');
    return message.slice(`SHOWS_FILE ${file}: `.length);
  }
  throw new Error('the shows file was accepted');
}

describe('parseShows(input)', () => {
  it('fills in the defaults of a show that leaves them out', () => {
    const [show] = parseShows([BARE]);
    expect(show).toMatchObject({
      graceSeconds: 3600,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      rates: { CNY: '1' },
      milestones: [],
      startMs: START,
      endMs: START + 4 * 3_600_000,
    });
    expect(show!.compareTo).toBeUndefined();
  });

  it('keeps the built-in shows exactly as written', () => {
    const shows = parseShows(DEFAULT_SHOWS);
    expect(shows.map(({ startMs: _s, endMs: _e, ratesMicro: _r, ...config }) => config)).toEqual(DEFAULT_SHOWS);
  });

  it('keeps an optional target for the day, a decimal string of CNY, and refuses one that is not', () => {
    expect(parseShows([BARE])[0]!.target).toBeUndefined();
    expect(parseShows([{ ...BARE, target: '100000000000' }])[0]!.target).toBe('100000000000');
    expect(refusal([{ ...BARE, target: 1e11 }])).toBe('show "gala": target must be a decimal string (CNY)');
  });

  it('does not change the input it is given', () => {
    const input = [{ ...BARE }];
    parseShows(input);
    expect(input).toEqual([BARE]);
  });
});

describe('SHOWS_FILE', () => {
  it('accepts orders of a show written without graceSeconds, within its window and grace', () => {
    const config = loadConfig({ SHOWS_FILE: showsFile([BARE]) });
    const ctx = { shows: config.shows, categories: new Set(DEFAULT_CATEGORIES) };
    const order = (ts: number) => ({
      order_id: `o${ts}`,
      ts,
      amount: '10.00',
      currency: 'CNY',
      country: 'CN',
      channel: 'mobile',
    });
    const inWindow = validateOrder(order(START + 60_000), ctx);
    expect(inWindow.ok && inWindow.order.show).toBe('gala');
    expect(findShow(config.shows, START - 3_599_000)?.id).toBe('gala');
    expect(validateOrder(order(START - 3_601_000), ctx).ok).toBe(false);
  });

  it('names the show and the field that is wrong', () => {
    expect(refusal([{ ...BARE, graceSeconds: '60' }])).toBe('show "gala": graceSeconds must be an integer in 0..86400');
    expect(refusal([{ ...BARE, graceSeconds: -1 }])).toBe('show "gala": graceSeconds must be an integer in 0..86400');
    expect(refusal([{ ...BARE, graceSecond: 60 }])).toBe('show "gala": unknown field "graceSecond"');
    expect(refusal([{ id: 'gala', name: 'A gala' }])).toBe('show "gala": start, durationHours missing');
    expect(refusal([{ ...BARE, durationHours: 0 }])).toBe(
      'show "gala": durationHours must be a number of hours in (0, 744]',
    );
    expect(refusal([{ ...BARE, id: 'Gala 1' }])).toMatch(/^show "Gala 1": id must be /);
    expect(refusal([{ ...BARE, rates: { CNY: '1', USD: 6.36 } }])).toBe(
      'show "gala": rates.USD must be a decimal string (CNY per unit)',
    );
    expect(refusal([{ ...BARE, rates: { USD: '6.36' } }])).toBe('show "gala": rates must map CNY to 1');
    expect(refusal([{ ...BARE, milestones: ['1e9'] }])).toBe(
      'show "gala": milestones.0 must be a decimal string (CNY)',
    );
    expect(refusal([{ ...BARE, currency: 'USD' }])).toBe('show "gala": currency must be "CNY"');
    expect(refusal([{ ...BARE, timeZone: 'Mars/Olympus' }])).toBe(
      'show "gala": timeZone Mars/Olympus is not an IANA time zone',
    );
    expect(refusal([{ ...BARE, start: '2020-11-11 20:00' }])).toMatch(/^show "gala": start 2020-11-11 20:00: /);
  });

  it('names the show by its place when it has no id', () => {
    expect(refusal([BARE, 42])).toBe('show #2 must be a JSON object');
    expect(refusal([BARE, { name: 'nameless' }])).toMatch(/^show #2: .*id.* missing$/);
  });

  it('refuses an id used twice', () => {
    expect(refusal([BARE, BARE])).toBe('show "gala": id is used twice');
  });

  it('refuses a file that is not a non-empty JSON array', () => {
    expect(refusal([])).toBe('must be a non-empty JSON array');
    expect(refusal({ shows: [BARE] })).toBe('must be a non-empty JSON array');
    expect(refusal('[{"id": "gala",')).toMatch(/JSON/);
  });
});
