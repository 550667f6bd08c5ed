import { useCallback, useEffect, useMemo, useState } from 'react';
import { DIMENSIONS, type ReplayAck, type ReplayControl, type ReplayCreate } from '../../../shared/history.js';
import { formatDuration } from '../../../shared/time.js';
import { Timeline } from '../../charts/timeline/Timeline.js';
import { instantAt, timelineModel } from '../../charts/timeline/transform.js';
import { zonedClock, zonedDate } from '../../format/zoned.js';
import type { ReplayConnection } from '../../live/connectReplay.js';
import { useLive } from '../../live/useLive.js';
import { Board } from '../Board.js';
import { Exports } from '../Exports.js';
import { keyAction, stepControl } from './keys.js';
import { ShowPicker } from './ShowPicker.js';
import { Transport } from './Transport.js';
import { useReplayStatus } from './useReplayStatus.js';
import { useShowMarks } from './useShowMarks.js';
import { useMarks } from '../../live/marks.js';
import { t } from '../../i18n/t.js';

/** Ticks under the timeline: about one per 8% of its width. */
const TIMELINE_TICKS = 12;

/** The page URL for replay `id` (null: none), keeping everything else of the query (a viewer token). */
export function replayUrl(href: string, id: string | null): string {
  const url = new URL(href);
  if (id === null) url.searchParams.delete('id');
  else url.searchParams.set('id', id);
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * The analyst's replay: pick a stored show (or open a shared `?id=`), then the
 * wall's own board draws the replay's frames, under a bar that says REPLAY and
 * where in the show it stands, over a transport bar and a timeline.
 */
export function ReplayScreen({ conn }: { conn: ReplayConnection }) {
  const status = useReplayStatus(conn.status);
  const live = useLive(conn.store);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(() => new URLSearchParams(window.location.search).get('id') === null);
  const [scrubMs, setScrubMs] = useState<number | null>(null);
  const timeZone = live.show?.timeZone ?? 'UTC';
  const marks = useShowMarks(status?.show ?? null);
  const markList = useMarks(marks);

  const answer = useCallback((r: ReplayAck): boolean => {
    setError(r.ok ? null : `${r.code}: ${r.message}`);
    return r.ok;
  }, []);

  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('id');
    if (id === null) return;
    void conn.join(id).then((r) => {
      if (answer(r)) return;
      // The replay is gone (ended, or the server restarted): offer a new one under a clean URL.
      window.history.replaceState(null, '', replayUrl(window.location.href, null));
      setPicking(true);
    });
  }, [conn, answer]);

  useEffect(
    () =>
      conn.onRejoinFailed((r) => {
        answer(r);
        if (r.code !== 'GMV_ERR_REPLAY_UNKNOWN') return;
        window.history.replaceState(null, '', replayUrl(window.location.href, null));
        setPicking(true);
      }),
    [conn, answer],
  );

  const start = useCallback(
    (req: ReplayCreate) => {
      setBusy(true);
      void conn.create(req).then((r) => {
        setBusy(false);
        if (!answer(r) || !r.ok) return;
        // The URL names the replay, so it can be shared and reopened.
        window.history.replaceState(null, '', replayUrl(window.location.href, r.status.id));
        setPicking(false);
        // A new replay waits paused on the server; "Start replay" means play it.
        if (!r.status.playing) void conn.control({ action: 'play' }).then(answer);
      });
    },
    [conn, answer],
  );

  const control = useCallback((c: ReplayControl) => void conn.control(c).then(answer), [conn, answer]);
  const toggle = useCallback(() => {
    const s = conn.status.getState();
    if (s !== null) control({ action: s.playing ? 'pause' : 'play' });
  }, [conn, control]);
  const step = useCallback(
    (seconds: number) => {
      const s = conn.status.getState();
      if (s === null) return;
      // A playing replay's status comes once a second (an hour of show time at 3600x): its
      // frames say where it stands now.
      const asOf = conn.store.getState().figures?.asOfMs;
      const fresh = s.playing && asOf !== undefined && asOf >= s.fromMs && asOf <= s.toMs;
      control(stepControl(fresh ? { ...s, positionMs: asOf } : s, seconds));
    },
    [conn, control],
  );

  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target as HTMLElement | null;
      if (target !== null && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const action = keyAction(ev.key, ev.shiftKey);
      if (action === null) return;
      // Also keeps a focused button from being "clicked" by the same space.
      ev.preventDefault();
      if (action.kind === 'toggle') toggle();
      else step(action.seconds);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle, step]);

  const model = useMemo(
    () =>
      status === null
        ? null
        : timelineModel(status, timeZone, TIMELINE_TICKS, markList?.show === status.show ? markList.marks : []),
    [status, timeZone, markList],
  );
  const onScrub = useCallback(
    (f: number | null) => {
      const s = conn.status.getState();
      setScrubMs(f === null || s === null ? null : instantAt(f, s.fromMs, s.toMs));
    },
    [conn],
  );
  const onSeek = useCallback(
    (t: { fraction: number } | { atMs: number }) => {
      const s = conn.status.getState();
      if (s === null) return;
      control({ action: 'seek', atMs: 'atMs' in t ? t.atMs : instantAt(t.fraction, s.fromMs, s.toMs) });
    },
    [conn, control],
  );

  const shownMs = scrubMs ?? status?.positionMs ?? null;
  return (
    <div className="replay-screen" data-testid="replay-screen">
      <header className="replay-bar">
        <span className="replay-badge" data-testid="replay-badge">
          {t('replay.badge')}
        </span>
        {status !== null && shownMs !== null && (
          <span className="replay-position" data-testid="replay-position" data-ms={status.positionMs}>
            {scrubMs !== null && '→ '}
            {zonedDate(shownMs, timeZone)} <strong>{zonedClock(shownMs, timeZone)}</strong> {timeZone}
            {live.show !== null && <> · +{formatDuration((shownMs - live.show.startMs) / 1000)}</>}
            {' · '}
            <span data-testid="replay-state">
              {status.playing ? t('replay.playing', { speed: status.speed }) : t('replay.paused')}
            </span>
            {' · '}
            {t(status.viewers === 1 ? 'replay.viewers.one' : 'replay.viewers.other', { count: status.viewers })}
          </span>
        )}
        {!picking && (
          <button type="button" className="replay-new" onClick={() => setPicking(true)}>
            {t('replay.new')}
          </button>
        )}
        {error !== null && (
          <span className="replay-error" role="alert" data-testid="replay-error">
            {error}
          </span>
        )}
      </header>
      {picking && <ShowPicker onStart={start} busy={busy} />}
      <div className="replay-board">
        <Board store={conn.store} replay marks={marks} />
      </div>
      {status !== null && (
        <footer className="replay-controls">
          <Transport
            status={status}
            timeZone={timeZone}
            onToggle={toggle}
            onStep={step}
            onSpeed={(speed) => control({ action: 'speed', speed })}
            onSeek={(atMs) => control({ action: 'seek', atMs })}
          />
          <Timeline model={model} onScrub={onScrub} onSeek={onSeek} />
          {live.show !== null && (
            <Exports
              className="replay-exports"
              show={live.show.id}
              fromMs={live.show.startMs}
              toMs={Math.min(status.positionMs, live.show.endMs)}
              dimensions={DIMENSIONS}
            />
          )}
        </footer>
      )}
    </div>
  );
}
