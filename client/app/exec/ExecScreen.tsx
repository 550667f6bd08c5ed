import { useMemo } from 'react';
import type { FenMilestone } from '../../live/decode.js';
import { formatDuration } from '../../../shared/time.js';
import { amountWords, compactCny, formatPacePct } from '../../format/amount.js';
import { fenToNumber, formatFen } from '../../../shared/money.js';
import { formatCny, formatCount } from '../../format/number.js';
import { zonedClock, zonedDate } from '../../format/zoned.js';
import type { LiveStore } from '../../live/store.js';
import { useLive } from '../../live/useLive.js';
import { dimensionProps, type Dimension } from '../dimensions.js';
import { ConnectionMark } from '../panels/ConnectionMark.js';
import { BAND_METHOD, projectionBand } from './band.js';
import { Breakdown } from './Breakdown.js';
import { Exports } from '../Exports.js';
import { etaText, ForecastCard, useExecForecast } from './Forecast.js';
import { NetByDay } from './NetByDay.js';
import { useMilestoneNotifications } from './useMilestoneNotifications.js';
import { PushOptIn } from './PushOptIn.js';
import { useExecManifest } from './useManifest.js';
import { t } from '../../i18n/t.js';

const ROWS = 8;
/** The cards, top to bottom. */
const BROKEN_DOWN: readonly Dimension[] = ['channel', 'country', 'category', 'province', 'city'];
/** What /exec offers to download: the series and every breakdown, from the show's start to now. */
const EXPORTED: readonly Dimension[] = ['channel', 'country', 'category', 'merchant', 'province', 'city'];

/** Show-local time with milliseconds: a milestone's crossing is exact to the ms. */
function exactTime(ms: number, timeZone: string): string {
  return `${zonedClock(ms, timeZone)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
}

function milestoneName(m: FenMilestone): string {
  const words = amountWords(m.fen);
  return m.kind === 'last-year' ? t('exec.lastYearTotal', { amount: words }) : words;
}

/**
 * The executive's phone: the wall's figures from the same live socket and the same
 * formatters, so every digit matches, laid out in one column that grows into a
 * grid on wider screens.
 */
export function ExecScreen({ store }: { store: LiveStore }) {
  const live = useLive(store);
  useExecManifest();
  const { show, figures, gmvFen } = live;
  const tz = show?.timeZone ?? 'UTC';
  const netFen = figures?.net.fen ?? null;
  const grossFen = figures?.gross.fen ?? null;
  const elapsedSec = show !== null && figures !== null ? Math.floor((figures.asOfMs - show.startMs) / 1000) : null;
  const lastYear = live.lastYear;
  // The band is an estimate: the nearest doubles.
  const projected = figures?.pace.projectedFen ?? null;
  const projectedFen = projected === null ? null : fenToNumber(projected);
  const minute = elapsedSec === null ? null : Math.floor(elapsedSec / 60);
  const projection = useMemo(() => {
    const totalFen = lastYear?.totalFen ?? null;
    if (lastYear === null || totalFen === null || elapsedSec === null) return null;
    return projectionBand({
      series: live.series,
      lastYearMinuteFen: lastYear.minuteFen,
      lastYearTotalFen: fenToNumber(totalFen),
      elapsedSec,
      projectedFen,
    });
    // The band moves with whole minutes (and the centre with the server's projection): recomputing
    // on every tick would only redo the same sums. Again when the series gains seconds: the older ones
    // a snapshot left out arrive later, and on the event clock the minute may not move.
  }, [lastYear, minute, projectedFen, live.series.length]);
  const notifyShow = useMemo(() => (show === null ? null : { name: show.name, timeZone: show.timeZone }), [show]);
  const { permission, ask } = useMilestoneNotifications(figures?.milestones ?? null, notifyShow);
  const crossed = (figures?.milestones ?? [])
    .filter((m) => m.crossedAtMs !== null)
    .sort((a, b) => (a.crossedAtMs as number) - (b.crossedAtMs as number));
  const nextIndex = (figures?.milestones ?? []).findIndex((m) => m.crossedAtMs === null);
  const next = figures?.milestones[nextIndex] ?? null;
  const forecast = useExecForecast(live);
  // Last year's shape when there is one; else the server's linear prediction from the last seconds.
  const shaped = forecast?.milestones[nextIndex] ?? null;
  const nextForecast = shaped !== null && !shaped.passed ? shaped : null;
  const pace = figures?.pace ?? null;
  const lastYearSoFar = pace?.lastYearSoFarFen ?? null;
  const b = figures?.breakdowns ?? null;

  return (
    <main className="exec" data-testid="exec">
      <header className="exec-head">
        <h1 data-testid="exec-show">{show?.name ?? t('app.title')}</h1>
        <ConnectionMark live={live} kiosk={false} />
        {show !== null && figures !== null && (
          <p className="exec-muted" data-testid="exec-asof">
            {zonedDate(figures.asOfMs, tz)} {zonedClock(figures.asOfMs, tz)} {tz}
            {elapsedSec !== null && elapsedSec >= 0 && <> · +{formatDuration(elapsedSec)}</>}
          </p>
        )}
      </header>

      <section className="exec-card exec-figures">
        <div className="exec-figure exec-gross">
          <h2>{t('exec.gross')}</h2>
          <output data-testid="exec-gross" data-value={figures?.gross.fen == null ? '' : formatFen(figures.gross.fen)}>
            {gmvFen === null ? '—' : formatCny(gmvFen)}
          </output>
        </div>
        <div className="exec-figure">
          <h2>{t('exec.net')}</h2>
          <output data-testid="exec-net" data-value={netFen === null ? '' : formatFen(netFen)}>
            {netFen === null ? '—' : formatCny(netFen)}
          </output>
        </div>
        <div className="exec-figure">
          <h2>{t('exec.orders')}</h2>
          <output data-testid="exec-orders" data-value={figures?.gross.orders ?? ''}>
            {figures === null ? '—' : formatCount(figures.gross.orders)}
          </output>
        </div>
      </section>

      <section className="exec-card exec-pace" data-testid="exec-pace">
        <h2>{t('exec.against', { name: lastYear?.name ?? t('exec.lastYear') })}</h2>
        <p
          className="exec-big"
          data-tone={pace?.vsLastYearPct == null ? undefined : pace.vsLastYearPct >= 0 ? 'up' : 'down'}
        >
          {formatPacePct(pace?.vsLastYearPct ?? null)}
        </p>
        <p className="exec-muted">
          {lastYearSoFar === null
            ? t('exec.nothingToCompare')
            : t('exec.lastYearBySecond', { value: formatCny(lastYearSoFar) })}
        </p>
        <h2>{t('exec.projected')}</h2>
        {projection === null ? (
          <p className="exec-muted" data-testid="exec-projection">
            —
          </p>
        ) : (
          <>
            <p className="exec-big" data-testid="exec-projection" data-center={projection.centerFen}>
              {compactCny(projection.centerFen)}
            </p>
            <p data-testid="exec-band" data-low={projection.lowFen} data-high={projection.highFen}>
              {compactCny(projection.lowFen)} – {compactCny(projection.highFen)}
            </p>
          </>
        )}
        <p className="exec-muted exec-method">{t(BAND_METHOD)}</p>
      </section>

      <ForecastCard live={live} forecast={forecast} />

      <NetByDay />

      {BROKEN_DOWN.map((dimension) => (
        <Breakdown key={dimension} {...dimensionProps(dimension, b, ROWS, 'exec')} grossFen={grossFen} />
      ))}

      <section className="exec-card exec-milestones" data-testid="exec-milestones">
        <h2>{t('exec.milestones')}</h2>
        {crossed.length === 0 && <p className="exec-muted">{t('exec.noneCrossed')}</p>}
        <ol>
          {crossed.map((m) => (
            <li key={`${m.kind}:${formatFen(m.fen)}`} data-testid="exec-milestone" data-at={m.crossedAtMs ?? ''}>
              <span>{milestoneName(m)}</span>
              <time>
                {exactTime(m.crossedAtMs as number, tz)}
                {show !== null && ` · +${formatDuration(((m.crossedAtMs as number) - show.startMs) / 1000)}`}
              </time>
            </li>
          ))}
        </ol>
        {next !== null && (
          <p className="exec-muted">
            {t('exec.next', { name: milestoneName(next) })}
            {nextForecast !== null && show !== null
              ? ` ${etaText(nextForecast, show.startMs, tz)}`
              : next.predictedAtMs !== null && ` ≈ ${zonedClock(next.predictedAtMs, tz)}`}
          </p>
        )}
        <button
          type="button"
          className="exec-notify"
          data-testid="exec-notify"
          data-permission={permission}
          disabled={permission !== 'default'}
          onClick={ask}
        >
          {permission === 'granted'
            ? t('exec.notifyOn')
            : permission === 'denied'
              ? t('exec.notifyBlocked')
              : permission === 'unsupported'
                ? t('exec.notifyUnsupported')
                : t('exec.notifyAsk')}
        </button>
        <PushOptIn />
      </section>

      {show !== null && figures !== null && (
        <Exports
          className="exec-card"
          show={show.id}
          fromMs={show.startMs}
          toMs={Math.min(figures.asOfMs, show.endMs)}
          dimensions={EXPORTED}
        />
      )}
    </main>
  );
}
