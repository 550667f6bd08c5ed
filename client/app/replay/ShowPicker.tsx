import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { ReplayCreate, ShowSummary } from '../../../shared/history.js';
import { parseTimestamp } from '../../../shared/time.js';
import { formatCount } from '../../format/number.js';
import { parseGoTo, zonedDate } from '../../format/zoned.js';
import { apiGet } from '../api.js';
import { SPEED_PRESETS } from './keys.js';
import { t } from '../../i18n/t.js';

function msOf(rfc3339: string | null): number | null {
  if (rfc3339 === null) return null;
  const t = parseTimestamp(rfc3339);
  return t.ok ? t.ms : null;
}

/** The answer of GET /api/v1/shows: the list itself, or wrapped as { shows }. */
function showsOf(body: unknown): ShowSummary[] {
  if (Array.isArray(body)) return body as ShowSummary[];
  const wrapped = (body as { shows?: unknown } | null)?.shows;
  return Array.isArray(wrapped) ? (wrapped as ShowSummary[]) : [];
}

/**
 * Picks a stored show and, optionally, a range of it in the show's own time
 * ("00:30" to "02:00"); empty fields mean the whole show.
 */
export function ShowPicker({ onStart, busy }: { onStart: (req: ReplayCreate) => void; busy: boolean }) {
  const [shows, setShows] = useState<ShowSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [showId, setShowId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [speed, setSpeed] = useState(60);
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    apiGet<unknown>('/api/v1/shows')
      .then((body) => {
        if (!alive) return;
        const list = showsOf(body);
        setShows(list);
        // The newest stored show that is not on air is what an analyst replays most.
        const first = list.filter((s) => s.orders > 0 && !s.live).at(-1) ?? list.find((s) => s.orders > 0);
        if (first) setShowId(first.id);
      })
      .catch((err: unknown) => alive && setLoadError((err as Error).message));
    return () => {
      alive = false;
    };
  }, []);

  const picked = shows?.find((s) => s.id === showId) ?? null;

  function submit(ev: FormEvent): void {
    ev.preventDefault();
    if (picked === null) return setFormError(t('replay.pickShow'));
    const startMs = msOf(picked.start);
    const endMs = msOf(picked.end);
    if (startMs === null || endMs === null) return setFormError(t('replay.noValidTimes'));
    const range = { fromMs: startMs, toMs: endMs, timeZone: picked.timeZone };
    const req: ReplayCreate = { show: picked.id, speed };
    for (const [text, field] of [
      [from, 'from'],
      [to, 'to'],
    ] as const) {
      if (text.trim() === '') continue;
      const at = parseGoTo(text, range);
      if (!at.ok)
        return setFormError(
          t('replay.fieldError', { field: t(field === 'from' ? 'replay.from' : 'replay.to'), message: at.message }),
        );
      req[field] = new Date(at.ms).toISOString();
    }
    if (req.from !== undefined && req.to !== undefined && req.from >= req.to) {
      return setFormError(t('replay.fromBeforeTo'));
    }
    setFormError(null);
    onStart(req);
  }

  return (
    <form className="replay-picker" data-testid="replay-picker" onSubmit={submit}>
      <label>
        {t('replay.show')}{' '}
        <select
          data-testid="show-select"
          value={showId}
          onChange={(e) => setShowId(e.target.value)}
          disabled={shows === null}
        >
          {shows === null && <option value="">{t('replay.loading')}</option>}
          {shows?.map((s) => (
            <option key={s.id} value={s.id} disabled={s.orders === 0}>
              {s.name} · {zonedDate(msOf(s.start) ?? 0, s.timeZone)} ·{' '}
              {t('replay.showOrders', { count: formatCount(s.orders) })}
              {s.live ? t('replay.onAir') : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('replay.from')}{' '}
        <input
          data-testid="range-from"
          placeholder={t('replay.fromPlaceholder')}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          size={8}
        />
      </label>
      <label>
        {t('replay.to')}{' '}
        <input
          data-testid="range-to"
          placeholder={t('replay.toPlaceholder')}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          size={8}
        />
      </label>
      <label>
        {t('replay.speed')}{' '}
        <select data-testid="start-speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEED_PRESETS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      {picked !== null && <span className="replay-zone">{t('replay.timesIn', { zone: picked.timeZone })}</span>}
      <button type="submit" data-testid="replay-start" disabled={busy || picked === null}>
        {t('replay.start')}
      </button>
      {(loadError ?? formError) !== null && (
        <span className="replay-error" role="alert">
          {loadError ?? formError}
        </span>
      )}
    </form>
  );
}
