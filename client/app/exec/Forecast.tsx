import { useMemo } from 'react';
import { decimalToFen, fenToNumber } from '../../../shared/money.js';
import { etaWithin, type Forecast, type MilestoneForecast } from '../../../shared/forecast.js';
import { amountWords, compactCny, timeOfDay } from '../../format/amount.js';
import type { FenMilestone } from '../../live/decode.js';
import type { LiveState } from '../../live/state.js';
import { t } from '../../i18n/t.js';
import { execCurves, execForecast } from './curves.js';
import './forecast.css';

/** The show's target in fen; null when none is set or it does not read. */
function targetOf(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  try {
    return decimalToFen(text);
  } catch {
    return null;
  }
}

/**
 * The forecast from last year's shape for the screen's state: the curves once a minute, the
 * ratio, ETAs and target pace on every tick. Null without last year or before the first minute.
 */
export function useExecForecast(live: LiveState): Forecast | null {
  const { show, figures, lastYear } = live;
  const nowSec = show !== null && figures !== null ? Math.floor((figures.asOfMs - show.startMs) / 1000) : null;
  const minute = nowSec === null ? null : Math.floor(nowSec / 60);
  // Whole minutes are what the curves read: again on a new minute, and when the series gains a
  // second (at most once a second; also when the older seconds a snapshot left out arrive).
  const curves = useMemo(
    () => (lastYear === null || nowSec === null ? null : execCurves(live.series, lastYear.minuteFen, nowSec)),
    [lastYear, minute, live.series.length],
  );
  const soFar = figures?.gross.fen ?? null;
  const milestones = figures?.milestones;
  return useMemo(() => {
    if (curves === null || show === null || nowSec === null || soFar === null) return null;
    return execForecast({
      curves,
      nowSec,
      soFarFen: fenToNumber(soFar),
      daySec: (show.endMs - show.startMs) / 1000,
      milestoneFen: (milestones ?? []).map((m) => fenToNumber(m.fen)),
      targetFen: targetOf(show.target),
    });
  }, [curves, show, nowSec, soFar, milestones]);
}

/** "≈ 15:35 ± 4 min", "≈ 15:35 (maybe not today)", or "not today at this ratio". */
export function etaText(m: MilestoneForecast, startMs: number, timeZone: string): string {
  const e = etaWithin(m);
  if (e === null) return t('exec.notToday');
  const time = timeOfDay(startMs + e.atSec * 1000, timeZone);
  return e.plusMinusMin === null ? t('exec.etaOpen', { time }) : t('exec.eta', { time, min: e.plusMinusMin });
}

function passLine(f: Forecast, list: readonly FenMilestone[], startMs: number, timeZone: string): string {
  const i = list.findIndex((m) => m.kind === 'last-year');
  const m = list[i];
  if (m?.crossedAtMs != null) return t('exec.passedLastYear', { time: timeOfDay(m.crossedAtMs, timeZone) });
  const at = f.milestones[i];
  if (at === undefined) return '';
  const e = etaWithin(at);
  if (e === null) return t('exec.notPassingLastYear');
  const time = timeOfDay(startMs + e.atSec * 1000, timeZone);
  return e.plusMinusMin === null
    ? t('exec.passesLastYearOpen', { time })
    : t('exec.passesLastYear', { time, min: e.plusMinusMin });
}

/** The forecast card: when last year's total falls, each milestone ahead, and a target's pace. */
export function ForecastCard({ live, forecast }: { live: LiveState; forecast: Forecast | null }) {
  const { show, figures } = live;
  const list = figures?.milestones ?? [];
  if (show === null || forecast === null) {
    return (
      <section className="exec-card exec-forecast" data-testid="exec-forecast" data-state="none">
        <h2>{t('exec.forecast')}</h2>
        <p className="exec-muted">{t('exec.forecastNone')}</p>
      </section>
    );
  }
  const tz = show.timeZone;
  const pass = passLine(forecast, list, show.startMs, tz);
  const target = forecast.target;
  return (
    <section className="exec-card exec-forecast" data-testid="exec-forecast" data-ratio={forecast.ratio}>
      <h2>{t('exec.forecast')}</h2>
      {pass !== '' && (
        <p className="exec-forecast-pass" data-testid="exec-pass-last-year">
          {pass}
        </p>
      )}
      <ol>
        {list.map((m, i) => {
          const f = forecast.milestones[i];
          if (m.kind === 'last-year' || m.crossedAtMs !== null || f === undefined || f.passed) return null;
          return (
            <li
              key={`${m.kind}:${String(m.fen)}`}
              data-testid="exec-eta"
              data-at-sec={f.atSec === null ? '' : Math.round(f.atSec)}
            >
              <span>{amountWords(m.fen)}</span> <span>{etaText(f, show.startMs, tz)}</span>
            </li>
          );
        })}
      </ol>
      {target !== null && (
        <p data-testid="exec-target" data-need={target.needFen} data-per-hour={target.perHourFen ?? ''}>
          {t('exec.target', { amount: compactCny(Math.round(target.targetFen)) })}:{' '}
          {target.reached
            ? t('exec.targetReached')
            : target.perHourFen === null
              ? t('exec.targetShort', { amount: compactCny(Math.round(target.needFen)) })
              : target.neededRatio === null
                ? t('exec.targetPaceNoRatio', { perHour: compactCny(Math.round(target.perHourFen)) })
                : t('exec.targetPace', {
                    perHour: compactCny(Math.round(target.perHourFen)),
                    ratio: target.neededRatio.toFixed(2),
                  })}
          {!target.reached && ` · ${target.onTrack ? t('exec.targetOnTrack') : t('exec.targetOffTrack')}`}
        </p>
      )}
      <p className="exec-muted exec-method">{t('exec.forecastMethod')}</p>
    </section>
  );
}
