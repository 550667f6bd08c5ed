import { decodeReplayStatus } from '../../client/live/decode.js';
import { describe, expect, it } from 'vitest';
import { fractionOf, instantAt, timelineModel, timelineTicks } from '../../client/charts/timeline/transform.js';
import { parseGoTo, zonedClock, zonedDate, zonedParts, zonedToEpoch } from '../../client/format/zoned.js';
import { keyAction, stepControl } from '../../client/app/replay/keys.js';
import { replayUrl } from '../../client/app/replay/ReplayScreen.js';
import { screenOf } from '../../client/app/route.js';
import { initialLiveState, reduceLive } from '../../client/live/state.js';
import type { LiveAction, LiveState } from '../../client/live/state.js';
import type { Snapshot } from '../../shared/protocol.js';
import type { ReplayStatus } from '../../shared/history.js';
import { emptySnapshot } from '../fixtures/snapshot.js';

// The 2014 show: 11.11 00:00 China time, which is 11.10 16:00 UTC.
const START_2014 = Date.UTC(2014, 10, 10, 16, 0, 0);
const DAY = 86_400_000;
const SHANGHAI = 'Asia/Shanghai';

describe('screenOf(pathname)', () => {
  it('routes /replay and /exec, with or without a trailing slash, and everything else to the wall', () => {
    expect(screenOf('/')).toBe('wall');
    expect(screenOf('/index.html')).toBe('wall');
    expect(screenOf('/replay')).toBe('replay');
    expect(screenOf('/replay/')).toBe('replay');
    expect(screenOf('/exec')).toBe('exec');
    expect(screenOf('/exec/')).toBe('exec');
    expect(screenOf('/execs')).toBe('wall');
  });
});

describe('zoned time (the test runs in America/Sao_Paulo)', () => {
  it('reads an instant on the show clock, not the machine clock', () => {
    expect(process.env.TZ).toBe('America/Sao_Paulo');
    const ms = START_2014 + (38 * 60 + 28) * 1000;
    expect(zonedParts(ms, SHANGHAI)).toEqual({ year: 2014, month: 11, day: 11, hour: 0, minute: 38, second: 28 });
    expect(zonedClock(ms, SHANGHAI)).toBe('00:38:28');
    expect(zonedDate(ms, SHANGHAI)).toBe('2014-11-11');
    expect(zonedClock(ms, 'UTC')).toBe('16:38:28');
  });

  it('zonedToEpoch inverts zonedParts, also across a DST change', () => {
    expect(zonedToEpoch({ year: 2014, month: 11, day: 11, hour: 0, minute: 38, second: 28 }, SHANGHAI)).toBe(
      START_2014 + 2_308_000,
    );
    // New York: 2014-03-09 02:00 EST jumped to 03:00 EDT; 01:30 is EST (-5), 03:30 is EDT (-4).
    const ny = 'America/New_York';
    expect(zonedToEpoch({ year: 2014, month: 3, day: 9, hour: 1, minute: 30, second: 0 }, ny)).toBe(
      Date.UTC(2014, 2, 9, 6, 30),
    );
    expect(zonedToEpoch({ year: 2014, month: 3, day: 9, hour: 3, minute: 30, second: 0 }, ny)).toBe(
      Date.UTC(2014, 2, 9, 7, 30),
    );
    // 02:30 never happened that day: the clock jumped from 02:00 to 03:00, so it reads 03:30,
    // whichever side of UTC the zone lies (New York behind it, Berlin ahead of it).
    const gap = { hour: 2, minute: 30, second: 0 };
    expect(zonedClock(zonedToEpoch({ year: 2014, month: 3, day: 9, ...gap }, ny), ny)).toBe('03:30:00');
    const berlin = 'Europe/Berlin';
    expect(zonedClock(zonedToEpoch({ year: 2014, month: 3, day: 30, ...gap }, berlin), berlin)).toBe('03:30:00');
    for (const ms of [START_2014, START_2014 + 12_345_000, Date.UTC(2014, 9, 26, 5, 0, 7)]) {
      for (const zone of [SHANGHAI, ny, 'America/Sao_Paulo', 'UTC']) {
        expect(zonedToEpoch(zonedParts(ms, zone), zone)).toBe(ms);
      }
    }
  });
});

describe('parseGoTo(text, range)', () => {
  const range = { fromMs: START_2014, toMs: START_2014 + DAY, timeZone: SHANGHAI };

  it('takes a bare time as that time on the show-local day of the range', () => {
    expect(parseGoTo('00:38:28', range)).toEqual({ ok: true, ms: START_2014 + 2_308_000 });
    expect(parseGoTo(' 23:59 ', range)).toEqual({ ok: true, ms: START_2014 + (23 * 3600 + 59 * 60) * 1000 });
    expect(parseGoTo('0:00', range)).toEqual({ ok: true, ms: START_2014 });
  });

  it('takes a full show-local date and time', () => {
    expect(parseGoTo('2014-11-11 00:38:28', range)).toEqual({ ok: true, ms: START_2014 + 2_308_000 });
    expect(parseGoTo('2014-11-11T12:00', range)).toEqual({ ok: true, ms: START_2014 + 12 * 3_600_000 });
  });

  it('finds a bare time on the later day when the range spans show-local midnight', () => {
    const late = { fromMs: START_2014 + 22 * 3_600_000, toMs: START_2014 + 26 * 3_600_000, timeZone: SHANGHAI };
    expect(parseGoTo('01:00', late)).toEqual({ ok: true, ms: START_2014 + 25 * 3_600_000 });
    expect(parseGoTo('23:00', late)).toEqual({ ok: true, ms: START_2014 + 23 * 3_600_000 });
  });

  it('refuses text that is not a time, not a date, or outside the range', () => {
    for (const bad of ['', 'noon', '24:00', '12:60', '12:00:61', '00:38:28pm', '2014-02-30 10:00']) {
      expect(parseGoTo(bad, range).ok, bad).toBe(false);
    }
    expect(parseGoTo('2014-11-12 00:00:01', range).ok).toBe(false);
    const short = { fromMs: START_2014, toMs: START_2014 + 3_600_000, timeZone: SHANGHAI };
    expect(parseGoTo('02:00', short)).toEqual({ ok: false, message: 'that time is outside this replay' });
  });
});

describe('timeline transform', () => {
  it('fractionOf clamps to the track and instantAt snaps to whole seconds of the range', () => {
    expect(fractionOf(START_2014 + DAY / 4, START_2014, START_2014 + DAY)).toBe(0.25);
    expect(fractionOf(START_2014 - 1, START_2014, START_2014 + DAY)).toBe(0);
    expect(fractionOf(START_2014 + DAY + 1, START_2014, START_2014 + DAY)).toBe(1);
    expect(fractionOf(5, 5, 5)).toBe(0);
    expect(instantAt(0.25, START_2014, START_2014 + DAY)).toBe(START_2014 + DAY / 4);
    // 1/3 of a day is 28,800 s exactly; 1/7 is 12,342.857… s and rounds to 12,343 s.
    expect(instantAt(1 / 7, START_2014, START_2014 + DAY)).toBe(START_2014 + 12_343_000);
    expect(instantAt(-1, START_2014, START_2014 + DAY)).toBe(START_2014);
    expect(instantAt(2, START_2014, START_2014 + DAY)).toBe(START_2014 + DAY);
    expect(instantAt(Number.NaN, START_2014, START_2014 + DAY)).toBe(START_2014);
  });

  it('timelineTicks falls on whole show-local hours, labelled in the show zone', () => {
    const ticks = timelineTicks(START_2014, START_2014 + DAY, SHANGHAI, 12);
    expect(ticks.map((t) => t.label)).toEqual([
      '00:00',
      '02:00',
      '04:00',
      '06:00',
      '08:00',
      '10:00',
      '12:00',
      '14:00',
      '16:00',
      '18:00',
      '20:00',
      '22:00',
      '00:00',
    ]);
    expect(ticks[1]!.at).toBeCloseTo(2 / 24, 12);
    // A range starting off the hour gets its first tick at the next whole step.
    const from = START_2014 + 10 * 60_000 + 500;
    const short = timelineTicks(from, from + 3_600_000, SHANGHAI, 6);
    expect(short[0]!.label).toBe('00:20');
    expect(short.map((t) => t.label)).toEqual(['00:20', '00:30', '00:40', '00:50', '01:00', '01:10']);
  });

  it('timelineModel places the head and the bookmarks inside the range only', () => {
    const status: ReplayStatus = {
      id: 'r1',
      show: '2014',
      fromMs: START_2014,
      toMs: START_2014 + DAY,
      positionMs: START_2014 + DAY / 2,
      speed: 60,
      playing: true,
      viewers: 2,
      bookmarks: [
        { amount: '1000000000.00', kind: 'threshold', atMs: START_2014 + DAY / 8 },
        { amount: '36200000000.00', kind: 'last-year', atMs: START_2014 + DAY / 2 },
        { amount: '50000000000.00', kind: 'threshold', atMs: START_2014 + DAY + 1000 },
      ],
    };
    const m = timelineModel(decodeReplayStatus(status), SHANGHAI, 12);
    expect(m.position).toBe(0.5);
    expect(m.marks.map((k) => [k.key, k.at, k.label, k.kind])).toEqual([
      ['threshold:1000000000.00', 0.125, '¥1B', 'threshold'],
      ['last-year:36200000000.00', 0.5, 'last year ¥36.2B', 'last-year'],
    ]);
  });
});

describe('replay keys and steps', () => {
  it('space toggles, arrows step a second, shift-arrows a minute', () => {
    expect(keyAction(' ', false)).toEqual({ kind: 'toggle' });
    expect(keyAction('ArrowLeft', false)).toEqual({ kind: 'step', seconds: -1 });
    expect(keyAction('ArrowRight', true)).toEqual({ kind: 'step', seconds: 60 });
    expect(keyAction('a', false)).toBeNull();
  });

  it('a paused replay steps; a playing one seeks, clamped to its range', () => {
    const s = { playing: false, positionMs: START_2014 + 30_000, fromMs: START_2014, toMs: START_2014 + DAY };
    expect(stepControl(s, -1)).toEqual({ action: 'step', seconds: -1 });
    expect(stepControl({ ...s, playing: true }, 60)).toEqual({ action: 'seek', atMs: START_2014 + 90_000 });
    expect(stepControl({ ...s, playing: true }, -60)).toEqual({ action: 'seek', atMs: START_2014 });
  });

  it('the page URL names the replay and keeps the viewer token', () => {
    expect(replayUrl('http://h/replay?token=abc', 'r-1')).toBe('/replay?token=abc&id=r-1');
    expect(replayUrl('http://h/replay?id=old&token=abc', 'r-2')).toBe('/replay?id=r-2&token=abc');
    expect(replayUrl('http://h/replay?id=old&token=abc', null)).toBe('/replay?token=abc');
  });
});

describe('a restarted stream', () => {
  function snapshot(seq: number, gmv: string): Snapshot {
    const figures = { gmv, orders: seq };
    return emptySnapshot(
      { id: '2014', name: '2014', startMs: START_2014 },
      { seq, asOfMs: START_2014, sentAtMs: 0, gross: figures, net: figures },
    );
  }
  const run = (actions: LiveAction[]) => actions.reduce<LiveState>((s, a) => reduceLive(s, a).state, initialLiveState);

  it('takes the next snapshot whatever its seq (a replay sought backwards)', () => {
    const first: LiveAction[] = [
      { type: 'connected' },
      { type: 'snapshot', snapshot: snapshot(50, '500.00'), atMs: 0 },
    ];
    const older: LiveAction = { type: 'snapshot', snapshot: snapshot(3, '30.00'), atMs: 1 };
    // Without the restart an older snapshot on the same link is stale and ignored…
    expect(run([...first, older]).gmvFen).toBe(50_000);
    // …after it, it is the new truth.
    expect(run([...first, { type: 'restarted' }, older]).gmvFen).toBe(3_000);
  });
});
