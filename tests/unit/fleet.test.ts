import { describe, expect, it } from 'vitest';
import { newlyFlagged } from '../../client/director/Screens.js';
import { startReporter, screenOfSearch, type ReporterHost } from '../../client/live/report.js';
import { initialLiveState } from '../../client/live/state.js';
import {
  screenFlags,
  screenName,
  type FleetThresholds,
  type ScreenReport,
  type ScreenStatus,
} from '../../shared/fleet.js';
import { Fleet, FleetReports, SeqTimes } from '../../server/live/fleet.js';

const T: FleetThresholds = { silentMs: 2000, stallMs: 2000, minFps: 20, behindMs: 2000, staleMs: 15_000 };

function report(over: Partial<ScreenReport> = {}): ScreenReport {
  return {
    screen: 'wall-1',
    seq: 10,
    fps: 60,
    paintAgoMs: 5,
    dataAgeMs: 300,
    link: 'live',
    build: '0.1.0+abc',
    width: 3840,
    height: 2160,
    programRev: 1,
    visible: true,
    ...over,
  };
}
const healthy = { connected: true, reportAgeMs: 100, behindMs: 0 };

describe('screenFlags(screen, thresholds)', () => {
  it('flags nothing on a screen that reports, paints at speed and is up to date', () => {
    expect(screenFlags({ ...healthy, report: report() }, T)).toEqual([]);
  });

  it('flags a disconnected screen as that alone, whatever its last report said', () => {
    expect(screenFlags({ ...healthy, connected: false, report: report({ fps: 0 }) }, T)).toEqual(['disconnected']);
  });

  it('flags a screen silent once no report came for silentMs (a frozen tab): its old report says nothing of now', () => {
    expect(screenFlags({ ...healthy, reportAgeMs: 1000, report: report() }, T)).toEqual([]);
    // Short of silentMs, the newest paint it told of is as old as its report: not painting, as far as anyone knows.
    expect(screenFlags({ ...healthy, reportAgeMs: 1999, report: report() }, T)).toEqual(['not-painting']);
    expect(screenFlags({ ...healthy, reportAgeMs: 2000, report: report({ fps: 0 }) }, T)).toEqual(['silent']);
  });

  it('flags a screen not painting when its last frame, aged by the report, is stallMs old, or it never painted', () => {
    expect(screenFlags({ ...healthy, reportAgeMs: 600, report: report({ paintAgoMs: 1300 }) }, T)).toEqual([]);
    expect(screenFlags({ ...healthy, reportAgeMs: 700, report: report({ paintAgoMs: 1300 }) }, T)).toEqual([
      'not-painting',
    ]);
    expect(screenFlags({ ...healthy, report: report({ paintAgoMs: null, fps: 0 }) }, T)).toEqual(['not-painting']);
  });

  it('flags a screen painting below minFps as slow, and one behind or with stale data as such', () => {
    expect(screenFlags({ ...healthy, report: report({ fps: 19.9 }) }, T)).toEqual(['slow']);
    expect(screenFlags({ ...healthy, report: report({ fps: 20 }) }, T)).toEqual([]);
    expect(screenFlags({ ...healthy, behindMs: 2000, report: report() }, T)).toEqual(['behind']);
    expect(screenFlags({ ...healthy, report: report({ dataAgeMs: 14_950 }) }, T)).toEqual(['stale']);
    expect(screenFlags({ ...healthy, report: report({ dataAgeMs: 14_850 }) }, T)).toEqual([]);
  });
});

describe('SeqTimes', () => {
  it('says how long the first seq after a board’s has been out, 0 for an up-to-date board', () => {
    const s = new SeqTimes();
    s.note(100, 1000);
    s.note(101, 1200);
    s.note(102, 1400);
    expect(s.behindMs(102, 5000)).toBe(0);
    expect(s.behindMs(101, 5000)).toBe(3600);
    expect(s.behindMs(100, 5000)).toBe(3800);
    // Older than the ring: since its oldest.
    expect(s.behindMs(7, 5000)).toBe(4000);
    // Seqs that go back are not taken.
    s.note(90, 4000);
    expect(s.behindMs(102, 5000)).toBe(0);
  });

  it('stays bounded over a day of ticks', () => {
    const s = new SeqTimes();
    for (let i = 0; i < 864_000; i++) s.note(i, i * 100);
    expect(s.behindMs(864_000 - 2, 86_400_000)).toBe(100);
    expect((s as unknown as { seqs: number[] }).seqs.length).toBeLessThanOrEqual(2048);
  });
});

describe('screenName and screenOfSearch', () => {
  it('lists a named screen by its name and an unnamed one by its socket', () => {
    expect(screenName({ screen: 'wall-3' }, 'abcdefghijk')).toBe('wall-3');
    expect(screenName({ screen: '' }, 'abcdefghijk')).toBe('board-abcdefgh');
    expect(screenOfSearch('?kiosk=1&screen=%20LED-left%20')).toBe('LED-left');
    expect(screenOfSearch('?screen=' + 'x'.repeat(100))).toHaveLength(64);
    expect(screenOfSearch('')).toBe('');
  });
});

describe('newlyFlagged(before, now)', () => {
  it('rings for a screen that was not flagged before, not again while it stays flagged', () => {
    const s = (name: string, flags: ScreenStatus['flags']) => ({ name, flags }) as ScreenStatus;
    expect(newlyFlagged(new Set(), [s('a', ['silent']), s('b', [])])).toEqual(['a']);
    expect(newlyFlagged(new Set(['a']), [s('a', ['silent']), s('b', ['slow'])])).toEqual(['b']);
  });
});

describe('startReporter(socket, source, screen, host)', () => {
  function fakeHost() {
    let now = 0;
    let frameCb: (() => void) | null = null;
    let tickCb: (() => void) | null = null;
    const host: ReporterHost = {
      now: () => now,
      requestFrame: (cb) => {
        frameCb = cb;
        return 1;
      },
      cancelFrame: () => {
        frameCb = null;
      },
      every: (cb) => {
        tickCb = cb;
        return () => {
          tickCb = null;
        };
      },
      visible: () => true,
      size: () => ({ width: 1920, height: 1080 }),
    };
    return {
      host,
      /** Paints `n` frames over `ms`. */
      paint(n: number, ms: number) {
        for (let i = 0; i < n; i++) {
          now += ms / n;
          const cb = frameCb;
          frameCb = null;
          cb?.();
        }
      },
      wait(ms: number) {
        now += ms;
      },
      second() {
        tickCb?.();
      },
      get running() {
        return frameCb !== null || tickCb !== null;
      },
    };
  }

  it('reports the frames painted in the last period, the last paint, the seq, link and program once a second', () => {
    const h = fakeHost();
    const sent: ScreenReport[] = [];
    const socket = { connected: true, emit: (_e: 'report', r: ScreenReport) => void sent.push(r) };
    const state = { ...initialLiveState, link: 'live' as const };
    const stop = startReporter(socket, { live: () => state, programRev: () => 4 }, 'wall-1', h.host, 'b1');
    h.paint(60, 1000);
    h.second();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      screen: 'wall-1',
      seq: -1,
      fps: 60,
      paintAgoMs: 0,
      dataAgeMs: null,
      link: 'live',
      build: 'b1',
      width: 1920,
      height: 1080,
      programRev: 4,
      visible: true,
    });
    // A page that stops painting: no frames, the last paint ages.
    h.wait(1500);
    h.second();
    expect(sent[1]).toMatchObject({ fps: 0, paintAgoMs: 1500 });
    stop();
    expect(h.running).toBe(false);
  });

  it('sends nothing while disconnected (no backlog), and says how things are after', () => {
    const h = fakeHost();
    const sent: ScreenReport[] = [];
    const socket = { connected: false, emit: (_e: 'report', r: ScreenReport) => void sent.push(r) };
    startReporter(socket, { live: () => initialLiveState, programRev: () => -1 }, '', h.host, 'b1');
    h.paint(30, 1000);
    h.second();
    expect(sent).toHaveLength(0);
    socket.connected = true;
    h.paint(20, 1000);
    h.second();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.fps).toBe(20);
  });
});

describe('FleetReports and Fleet stay bounded when no console looks', () => {
  /** A namespace whose boards connect, report and leave on command (the socket events only). */
  function fakeNamespace() {
    let onConnection: (socket: unknown) => void = () => {};
    const nsp = { on: (_e: 'connection', cb: (socket: unknown) => void) => void (onConnection = cb) };
    const board = (id: string) => {
      const handlers = new Map<string, (x?: unknown) => void>();
      onConnection({ id, on: (e: string, cb: (x?: unknown) => void) => handlers.set(e, cb) });
      return { report: (r: ScreenReport) => handlers.get('report')!(r), leave: () => handlers.get('disconnect')!() };
    };
    return { nsp: nsp as unknown as ConstructorParameters<typeof FleetReports>[0], board };
  }

  it('keeps at most 5,000 named boards that left between two looks, the newest', () => {
    const { nsp, board } = fakeNamespace();
    let now = 0;
    const reports = new FleetReports(nsp, () => now);
    for (let i = 0; i < 6000; i++) {
      const b = board(`s${i}`);
      b.report(report({ screen: `wall-${i}` }));
      b.leave();
      now += 1;
    }
    expect(reports.entries.size).toBe(0);
    const gone = reports.takeGone();
    expect(gone).toHaveLength(5000);
    expect(gone.at(-1)!.report.screen).toBe('wall-5999');
    expect(reports.takeGone()).toHaveLength(0);
  });

  it("drops a push node's boards it stopped listing on the next message, with no listing asked", () => {
    const { nsp } = fakeNamespace();
    let now = 0;
    const fleet = new Fleet(new FleetReports(nsp, () => now), T, 'live:1', () => now);
    fleet.receive({ node: 'push:1', entries: [['a', 0, report({ screen: '' })]], gone: [] });
    const remote = (fleet as unknown as { remote: Map<string, unknown> }).remote;
    expect(remote.size).toBe(1);
    now += T.silentMs + 2000;
    fleet.receive({ node: 'push:2', entries: [], gone: [] });
    expect(remote.size).toBe(0);
  });
});
