import { describe, expect, it } from 'vitest';
import { decodeFen, decodeFigures, decodeLastYear, decodeSeries } from '../../client/live/decode.js';
import { reduceLive, initialLiveState } from '../../client/live/state.js';
import { LiveBoard, type DimensionRow, type RollupRow } from '../../server/domain/board.js';
import { frameSource, showSnapshot } from '../../server/domain/frames.js';
import { Milestones } from '../../server/domain/milestones.js';
import { MinutePrefix } from '../../server/domain/prefix.js';
import { encodeSnapshot, encodeStep, totalsResponse } from '../../server/wire.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';

// One money encoding on the wire (issue #13): the domain hands over fen, server/wire.ts writes
// decimal strings, client/live/decode.ts reads them back. Expectations are written out by hand
// or computed in BigInt, independently of formatFen.
const show = resolveShow(DEFAULT_SHOWS[0]!);
/** 2^53 + 12345 fen: not a safe integer, and not a double either. */
const BIG = (1n << 53n) + 12_345n;
const BIG_TEXT = '90071992547533.37';

function bigBoard(): LiveBoard {
  const seconds: RollupRow[] = [
    { second: 3, type: 'sale', orders: 7, fen: Number(BIG), bigFen: BIG },
    { second: 4, type: 'refund', orders: 1, fen: 45 },
  ];
  const dims: DimensionRow[] = [{ dimension: 'channel', key: 'mobile', orders: 7, fen: Number(BIG), bigFen: BIG }];
  const board = new LiveBoard(show);
  board.load(seconds, dims, show.startMs + 4000);
  return board;
}

describe('the wire encoding of money', () => {
  it('is protocol version 4: the series and last year carry decimal strings', () => {
    expect(PROTOCOL_VERSION).toBe(4);
  });

  it('a snapshot past 2^53 fen carries every amount as an exact decimal string, and the client reads back the same fen', () => {
    const board = bigBoard();
    const of = { show, lastYearShow: null, lastYear: null };
    const snap = encodeSnapshot(
      showSnapshot(
        frameSource(of, board, { seq: 1, asOfMs: show.startMs + 5000, healthy: true }, new Milestones([], null)),
        'events',
      ),
    );
    expect(snap.gross).toEqual({ gmv: BIG_TEXT, orders: 7 });
    expect(snap.net).toEqual({ gmv: '90071992547532.92', orders: 6 });
    expect(snap.breakdowns.channel).toEqual([{ key: 'mobile', orders: 7, gmv: BIG_TEXT }]);
    expect(snap.series.map((p) => typeof p[2])).toEqual(['string']);
    // Through JSON, as socket.io sends it.
    const figures = decodeFigures(JSON.parse(JSON.stringify(snap)) as typeof snap);
    expect(figures.gross.fen).toBe(BIG);
    expect(figures.net.fen).toBe(BIG - 45n);
    expect(figures.breakdowns.channel).toEqual([{ key: 'mobile', orders: 7, fen: BIG }]);
    const { state } = reduceLive(initialLiveState, { type: 'snapshot', snapshot: snap, atMs: 1 });
    expect(state.gmvFen).toBe(BIG);
  });

  it('the client decoder is exact at any size, and leaves out what it cannot read', () => {
    expect(decodeFen('1000000000000000000000.07')).toBe(10n ** 23n + 7n);
    expect(decodeFen('57100000000.00')).toBe(5_710_000_000_000);
    expect(decodeFen('1e9')).toBeNull();
    expect(decodeFen(12)).toBeNull();
    expect(
      decodeSeries([
        [1, 2, '1.50'],
        [2, 1, 'oops'],
        [3, 1, BIG_TEXT],
      ]),
    ).toEqual([
      [1, 2, 150],
      [3, 1, Number(BIG)],
    ]);
    expect(decodeLastYear({ show: '2014', name: '2014', totalGmv: BIG_TEXT, minuteGmv: ['0.60', 'x'] })).toEqual({
      show: '2014',
      name: '2014',
      totalFen: BIG,
      minuteFen: [60, 0],
    });
  });

  it('a series step and a totals answer are written exactly past 2^53 fen', () => {
    expect(encodeStep({ orders: 2, fen: BIG, refunds: 1, refundFen: 45 })).toEqual({
      orders: 2,
      gmv: BIG_TEXT,
      refunds: 1,
      refundGmv: '0.45',
      netGmv: '90071992547532.92',
    });
    expect(
      totalsResponse('2015', 0, 3, { gross: { gmv: '1.00', orders: 1 }, net: { gmv: '0.50', orders: 1 } }),
    ).toEqual({
      show: '2015',
      asOf: '1970-01-01T00:00:00.000Z',
      seq: 3,
      currency: 'CNY',
      gross: { gmv: '1.00', orders: 1 },
      net: { gmv: '0.50', orders: 1 },
    });
  });
});

describe('MinutePrefix past 2^53 fen (a replay of a finished day)', () => {
  it('keeps every running total exact when the minutes add up past 2^53 fen', () => {
    const half = 1n << 52n;
    const rows = [
      { minuteMs: 0, dimension: 'channel' as const, key: 'mobile', orders: 1, fen: Number(half) },
      { minuteMs: 60_000, dimension: 'channel' as const, key: 'mobile', orders: 1, fen: Number(half) + 1 },
      { minuteMs: 120_000, dimension: 'channel' as const, key: 'mobile', orders: 1, fen: 8 },
    ];
    const p = new MinutePrefix(0, 3, rows);
    expect(p.before(1)).toEqual([{ dimension: 'channel', key: 'mobile', orders: 1, fen: Number(half) }]);
    const all = 2n * half + 9n;
    // 2^53 + 9 is no double: summed in doubles it would read 2^53 + 8.
    expect(p.before(3)).toEqual([{ dimension: 'channel', key: 'mobile', orders: 3, fen: Number(all), bigFen: all }]);
  });
});
