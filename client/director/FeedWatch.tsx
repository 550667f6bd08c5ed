import { useEffect, useState } from 'react';
import { DIRECTOR_PATH } from '../../shared/director.js';
import type { FeedAlertWire, FeedStatus } from '../../shared/feed.js';
import { t, type StringKey } from '../i18n/t.js';
import { DirectorError } from './api.js';
import './feed-watch.css';

/** How often the panel reads the feed watch (the server judges once a second). */
const POLL_MS = 1000;

async function readFeed(token: string): Promise<FeedStatus> {
  const res = await fetch(`${DIRECTOR_PATH}/feed`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { message?: string } | null;
    throw new DirectorError(err?.message ?? res.statusText, res.status === 401);
  }
  return (await res.json()) as FeedStatus;
}

/** Where the band and the rate sit on the figure's scale, as % of its width. */
export function bandLayout(rate: { ordersPerSec: number; low: number; high: number }): {
  low: number;
  high: number;
  value: number;
} {
  const top = Math.max(rate.high, rate.ordersPerSec, 1e-9) * 1.25;
  const at = (x: number) => Math.round((Math.max(0, x) / top) * 1000) / 10;
  return { low: at(rate.low), high: at(rate.high), value: at(rate.ordersPerSec) };
}

/** One alert's figure against its threshold, in words. */
export function alertText(a: FeedAlertWire, windowSeconds: number, silentSeconds: number): string {
  const params = {
    value: a.kind === 'clock-skew' ? Math.round(a.value / 100) / 10 : a.value,
    threshold: a.kind === 'clock-skew' ? Math.round(a.threshold / 100) / 10 : a.threshold,
    low: a.band?.low ?? '',
    high: a.band?.high ?? '',
    lastYear: a.lastYear ?? '',
    seconds: a.kind === 'silent-dimension' ? silentSeconds : windowSeconds,
  };
  return t(`feed.value.${a.kind}` as StringKey, params);
}

function RateFigure({ rate }: { rate: NonNullable<FeedStatus['rate']> }) {
  const l = bandLayout(rate);
  const outside = rate.judged && (rate.ordersPerSec < rate.low || rate.ordersPerSec > rate.high);
  return (
    <div className="feed-rate" data-testid="feed-rate">
      <div className="feed-rate-figure">
        {t('feed.rate')} <strong>{rate.ordersPerSec}</strong>{' '}
        <span>
          {rate.judged ? t('feed.band', { low: rate.low, high: rate.high, ratio: rate.ratio }) : t('feed.bandUnjudged')}
        </span>
      </div>
      <div className="feed-rate-scale" aria-hidden="true">
        <div className="feed-rate-band" style={{ left: `${l.low}%`, width: `${Math.max(0, l.high - l.low)}%` }} />
        <div className={`feed-rate-mark${outside ? ' is-out' : ''}`} style={{ left: `${l.value}%` }} />
      </div>
    </div>
  );
}

/**
 * The feed watch on the director's console: what is wrong with the incoming orders now (each
 * alert with its subject, its figure against its threshold, since when) and the rate against last
 * year's band. Reads GET /api/v1/director/feed every second; a refused token goes to `onRefused`.
 */
export function FeedWatch({ token, onRefused }: { token: string; onRefused: (err: unknown) => void }) {
  const [status, setStatus] = useState<FeedStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const s = await readFeed(token);
        if (stopped) return;
        setStatus(s);
        setError(null);
      } catch (err) {
        if (stopped) return;
        if (err instanceof DirectorError && err.unauthorized) onRefused(err);
        else setError(t('feed.failed', { message: err instanceof Error ? err.message : String(err) }));
      }
    };
    void read();
    const id = setInterval(() => void read(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [token, onRefused]);

  const atMs = status?.at ? Date.parse(status.at) : null;
  return (
    <section className="feed-watch" aria-label={t('feed.title')} data-testid="feed-watch">
      <h2>{t('feed.title')}</h2>
      {error && <p className="director-error">{error}</p>}
      {status === null || status.at === null ? (
        <p>{t('feed.waiting')}</p>
      ) : (
        <>
          {status.rate ? <RateFigure rate={status.rate} /> : <p className="feed-rate">{t('feed.noRate')}</p>}
          {status.alerts.length === 0 ? (
            <p className="feed-ok" data-testid="feed-ok">
              {t('feed.ok')}
            </p>
          ) : (
            <ul className="feed-alerts" data-testid="feed-alerts">
              {status.alerts.map((a) => (
                <li key={`${a.kind}-${a.subject}`} data-kind={a.kind} data-subject={a.subject}>
                  <strong>{t(`feed.kind.${a.kind}` as StringKey)}</strong> <code>{a.subject}</code>{' '}
                  <span>{alertText(a, status.window.seconds, status.thresholds.silentSeconds)}</span>{' '}
                  <time dateTime={a.since}>
                    {t('feed.since', {
                      time: a.since.slice(11, 19),
                      seconds: atMs === null ? 0 : Math.max(0, Math.round((atMs - Date.parse(a.since)) / 1000)),
                    })}
                  </time>
                </li>
              ))}
            </ul>
          )}
          <p className="feed-window">{t('feed.window', { ...status.window })}</p>
        </>
      )}
    </section>
  );
}
