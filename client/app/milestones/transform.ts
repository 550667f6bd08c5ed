import { formatFen } from '../../../shared/money.js';
import type { FenMilestone } from '../../live/decode.js';
import { formatDuration } from '../../../shared/time.js';
import { amountWords, compactCny, timeOfDay } from '../../format/amount.js';
import { t } from '../../i18n/t.js';

export interface ShowTimes {
  startMs: number;
  timeZone: string;
}

/** How long a banner stays on air, and how recent a crossing in the first snapshot must be to get one. */
export const BANNER_MS = 8000;
/** A burst of crossings (a replay, a fast simulation) queues at most this many banners. */
export const MAX_WAITING = 3;

export function milestoneKey(m: FenMilestone): string {
  return `${m.kind}:${formatFen(m.fen)}`;
}

/** "10 billion", or "last year's total" for the comparison milestone. */
export function milestoneLabel(m: FenMilestone): string {
  if (m.kind === 'last-year') return t('milestones.lastYearTotal');
  return amountWords(m.fen);
}

/** Time from the show start, as announced: "00:38:28". */
export function elapsedText(atMs: number, show: ShowTimes): string {
  return formatDuration((atMs - show.startMs) / 1000);
}

/** The on-air line for a crossed milestone: "10 billion in 00:38:28", "passed last year's total at 16:31". */
export function bannerText(m: FenMilestone, show: ShowTimes): string {
  if (m.crossedAtMs === null) return '';
  if (m.kind === 'last-year') return t('milestones.passedLastYear', { time: timeOfDay(m.crossedAtMs, show.timeZone) });
  return t('milestones.crossedIn', { label: milestoneLabel(m), elapsed: elapsedText(m.crossedAtMs, show) });
}

/**
 * Crossings that deserve a banner: crossed and not seen before on this screen.
 * From the first snapshot only a crossing of the last few seconds qualifies: a
 * board opened at noon does not celebrate midnight's milestones.
 */
export function newCrossings(
  next: readonly FenMilestone[],
  asOfMs: number,
  seen: ReadonlySet<string>,
  initial: boolean,
): FenMilestone[] {
  return next.filter(
    (m) =>
      m.crossedAtMs !== null &&
      !seen.has(milestoneKey(m)) &&
      (!initial || Math.abs(asOfMs - m.crossedAtMs) <= BANNER_MS),
  );
}

export interface Banner {
  key: string;
  text: string;
  /** Client clock when it leaves the air; set when it goes on. */
  untilMs: number;
}

export interface BannerQueue {
  current: Banner | null;
  waiting: Banner[];
}

export const NO_BANNERS: BannerQueue = { current: null, waiting: [] };

/** Queues banners; the first goes on air at once if nothing is showing. Oldest waiting ones drop past MAX_WAITING. */
export function enqueue(q: BannerQueue, texts: readonly { key: string; text: string }[], nowMs: number): BannerQueue {
  if (texts.length === 0) return q;
  const waiting = [...q.waiting, ...texts.map((t) => ({ ...t, untilMs: 0 }))];
  return advance({ current: q.current, waiting: waiting.slice(-MAX_WAITING - (q.current ? 0 : 1)) }, nowMs);
}

/** Takes the current banner off once its time is up and puts the next one on. */
export function advance(q: BannerQueue, nowMs: number): BannerQueue {
  if (q.current !== null && q.current.untilMs > nowMs) return q;
  const [next, ...rest] = q.waiting;
  if (next === undefined) return q.current === null ? q : NO_BANNERS;
  return { current: { ...next, untilMs: nowMs + BANNER_MS }, waiting: rest };
}

export interface StripItem {
  key: string;
  label: string;
  state: 'crossed' | 'next' | 'ahead';
  /** "00:38:28" / "at 16:31" once crossed, "≈ 00:41:10" for the predicted next, else "". */
  when: string;
}

/** Every milestone in amount order, with when it was crossed or, for the next one, when it is expected. */
export function stripItems(milestones: readonly FenMilestone[], show: ShowTimes): StripItem[] {
  const sorted = [...milestones].sort((a, b) => (a.fen < b.fen ? -1 : a.fen > b.fen ? 1 : 0));
  let nextSeen = false;
  return sorted.map((m) => {
    const key = milestoneKey(m);
    const label =
      m.kind === 'last-year' ? t('milestones.lastYearAmount', { amount: compactCny(m.fen) }) : milestoneLabel(m);
    if (m.crossedAtMs !== null) {
      const when =
        m.kind === 'last-year'
          ? t('milestones.at', { time: timeOfDay(m.crossedAtMs, show.timeZone) })
          : elapsedText(m.crossedAtMs, show);
      return { key, label, state: 'crossed', when };
    }
    if (!nextSeen) {
      nextSeen = true;
      const when = m.predictedAtMs === null ? '' : `≈ ${elapsedText(m.predictedAtMs, show)}`;
      return { key, label, state: 'next', when };
    }
    return { key, label, state: 'ahead', when: '' };
  });
}
