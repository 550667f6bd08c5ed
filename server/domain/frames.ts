import { SERIES_CHUNK_SECONDS, type Arc, type SeriesHistory, type ShowInfo } from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import type { LiveBoard } from './board.js';
import { NO_PACE, type LastYearCurve } from './comparison.js';
import type { BoardFrame, FenLastYear, FenMilestone, FenPace, FenPoint, SnapshotFrame, TickFrame } from './figures.js';
import type { Milestones } from './milestones.js';

/**
 * What a board message is made of: the live show and every replay assemble their
 * snapshot and tick frames through the functions below (from `frameSource`), so both
 * send exactly the same shape and the same board components draw them. Frames are in
 * fen; server/wire.ts encodes them into Snapshot and Tick messages.
 */
export interface FrameSource {
  board: LiveBoard;
  seq: number;
  /** Show clock of the frame, epoch ms. */
  asOfMs: number;
  healthy: boolean;
  /** The show, for the pace against last year. */
  of: FrameShow;
  milestones: Milestones;
}

/** Pace against last year at the elapsed second of `asOfMs`, and the milestones' wire state. */
function paceAndMilestones(
  show: Show,
  grossFen: number,
  asOfMs: number,
  gmvPerSecFen: number,
  lastYear: LastYearCurve | null,
  milestones: Milestones,
): { pace: FenPace; milestones: FenMilestone[] } {
  const elapsed = Math.floor((asOfMs - show.startMs) / 1000);
  return {
    pace: lastYear ? lastYear.pace(elapsed, grossFen) : NO_PACE,
    milestones: milestones.state(grossFen, gmvPerSecFen, asOfMs),
  };
}

/** Last year's day (null when there is none or it is empty). */
function lastYearOf(lastYearShow: Show | null, curve: LastYearCurve | null): FenLastYear | null {
  if (!curve || !lastYearShow) return null;
  return { show: lastYearShow.id, name: lastYearShow.name, totalFen: curve.total, minuteFen: curve.minutes() };
}

function showInfo(show: Show, clock: ShowInfo['clock']): ShowInfo {
  return {
    id: show.id,
    name: show.name,
    startMs: show.startMs,
    endMs: show.endMs,
    timeZone: show.timeZone,
    currency: show.currency,
    usdRate: show.rates.USD ?? null,
    milestones: show.milestones,
    compareTo: show.compareTo ?? null,
    target: show.target ?? null,
    clock,
  };
}

function state(src: FrameSource): Omit<BoardFrame, 'arcs' | 'ordersPerArc'> {
  const b = src.board;
  const rate = b.rate(src.asOfMs);
  return {
    seq: src.seq,
    asOfMs: src.asOfMs,
    gross: b.gross(),
    net: b.net(),
    rate,
    breakdowns: b.breakdowns(),
    newestEventMs: b.newestEventMs,
    committedAtMs: b.committedAtMs,
    healthy: src.healthy,
    ...paceAndMilestones(src.of.show, b.grossFen(), src.asOfMs, rate.fenPerSec, src.of.lastYear, src.milestones),
  };
}

/**
 * The whole board state. Arcs are a live effect: a snapshot starts with none. With
 * `recentFrom` the series starts at that second and `history` lists the chunks of the
 * seconds before it.
 */
function buildSnapshot(
  src: FrameSource,
  show: ShowInfo,
  lastYear: FenLastYear | null,
  recentFrom: number | null,
): SnapshotFrame {
  const base = { ...state(src), show, arcs: [], ordersPerArc: 0, lastYear };
  if (recentFrom === null || recentFrom <= 0) return { ...base, series: src.board.series() };
  const history: SeriesHistory = {
    before: recentFrom,
    chunkSeconds: SERIES_CHUNK_SECONDS,
    chunks: src.board.chunksBefore(recentFrom),
  };
  return { ...base, series: src.board.series(recentFrom), history };
}

/** A tick: absolute state plus the seconds changed since the previous message. */
export function buildTick(
  src: FrameSource,
  showId: string,
  series: FenPoint[],
  arcs: { arcs: Arc[]; ordersPerArc: number },
): TickFrame {
  return { ...state(src), show: showId, series, ...arcs };
}

/** The show a frame belongs to and last year's day it is compared with. */
export interface FrameShow {
  show: Show;
  lastYearShow: Show | null;
  lastYear: LastYearCurve | null;
}

/**
 * A FrameSource for `board` at a moment, with the show's pace against last year and
 * its milestones at the board's gross: the live show and replays make theirs alike.
 */
export function frameSource(
  of: FrameShow,
  board: LiveBoard,
  at: { seq: number; asOfMs: number; healthy: boolean },
  milestones: Milestones,
): FrameSource {
  return { board, seq: at.seq, asOfMs: at.asOfMs, healthy: at.healthy, of, milestones };
}

/**
 * The snapshot of a show's frame: the board state with the show's info and last year's day.
 * With `recentFrom` (seconds since the start) only the seconds from there on are in it.
 */
export function showSnapshot(
  src: FrameSource,
  clock: ShowInfo['clock'],
  recentFrom: number | null = null,
): SnapshotFrame {
  const { of } = src;
  return buildSnapshot(src, showInfo(of.show, clock), lastYearOf(of.lastYearShow, of.lastYear), recentFrom);
}
