import { useEffect, useMemo, useState } from 'react';
import type { FormEvent, MouseEvent } from 'react';
import type { AuditPart, AuditResponse, Delta } from '../../../shared/audit.js';
import type { SeriesResponse, ShowSummary } from '../../../shared/history.js';
import { decimalToFenExact } from '../../../shared/money.js';
import type { TotalsPart } from '../../../shared/protocol.js';
import { parseTimestamp } from '../../../shared/time.js';
import { formatCny, formatCount } from '../../format/number.js';
import { parseGoTo, zonedClock, zonedDate } from '../../format/zoned.js';
import { t } from '../../i18n/t.js';
import type { StringKey } from '../../i18n/strings.js';
import { apiGet } from '../api.js';
import { auditCurve } from './curve.js';

const W = 600;
const H = 120;
const msOf = (s: string) => {
  const p = parseTimestamp(s);
  return p.ok ? p.ms : 0;
};
const cny = (gmv: string) => formatCny(decimalToFenExact(gmv));
const signed = (d: Delta) =>
  `${d.orders > 0 ? '+' : ''}${formatCount(d.orders)} · ${d.gmv.startsWith('-') || d.gmv === '0.00' ? '' : '+'}${cny(d.gmv)}`;
const zero = (d: Delta) => d.orders === 0 && d.gmv === '0.00';

/** "YYYY-MM-DD HH:MM:SS" in the show's zone. */
function local(ms: number, tz: string): string {
  return `${zonedDate(ms, tz)} ${zonedClock(ms, tz)}`;
}

function Totals({ gross, net }: { gross: TotalsPart; net: TotalsPart }) {
  return (
    <dl className="audit-totals">
      <dt>{t('audit.gross')}</dt>
      <dd>
        {cny(gross.gmv)} <small>{t('audit.orders', { count: formatCount(gross.orders) })}</small>
      </dd>
      <dt>{t('audit.net')}</dt>
      <dd>
        {cny(net.gmv)} <small>{t('audit.orders', { count: formatCount(net.orders) })}</small>
      </dd>
    </dl>
  );
}

function Part({ p, mayBeRepair }: { p: AuditPart; mayBeRepair: boolean }) {
  const unexplained = p.part === 'unexplained';
  const flagged = unexplained && !(zero(p.gross) && zero(p.net));
  return (
    <tr className={flagged ? 'audit-unexplained' : undefined} data-part={p.part}>
      <th scope="row">
        {t(`audit.part.${p.part}` as StringKey)}
        <small>{t(`audit.partWhy.${p.part}` as StringKey)}</small>
        {flagged && mayBeRepair && <small>{t('audit.mayBeRepair')}</small>}
      </th>
      <td>{unexplained ? '' : `${formatCount(p.orders)} · ${cny(p.gmv)}`}</td>
      <td>{signed(p.gross)}</td>
      <td>{signed(p.net)}</td>
    </tr>
  );
}

/**
 * The audit screen (/audit): pick a show and an instant (typed, or a click on the show's curve),
 * see what was on air then beside the store's truth now, and the difference explained.
 */
export function AuditScreen() {
  const [shows, setShows] = useState<ShowSummary[] | null>(null);
  const [showId, setShowId] = useState('');
  const [text, setText] = useState('');
  const [series, setSeries] = useState<SeriesResponse | null>(null);
  const [answer, setAnswer] = useState<AuditResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    apiGet<ShowSummary[]>('/api/v1/shows')
      .then((list) => {
        setShows(list);
        const first = list.find((s) => s.live) ?? list.find((s) => s.orders > 0) ?? list[0];
        if (first) setShowId(first.id);
      })
      .catch((err: unknown) => setError((err as Error).message));
  }, []);
  const show = shows?.find((s) => s.id === showId) ?? null;

  useEffect(() => {
    if (!show) return;
    setSeries(null);
    apiGet<SeriesResponse>(`/api/v1/series?show=${encodeURIComponent(show.id)}&step=1m`)
      .then(setSeries)
      .catch(() => setSeries(null));
  }, [show]);

  const range = show && { fromMs: msOf(show.start), toMs: msOf(show.end), timeZone: show.timeZone };
  const curve = useMemo(
    () => (series && range ? auditCurve(series.rows, range.fromMs, range.toMs, W, H) : null),
    [series, range?.fromMs, range?.toMs],
  );

  async function look(ms: number): Promise<void> {
    if (!show) return;
    setBusy(true);
    setError(null);
    try {
      const q = `/api/v1/audit?show=${encodeURIComponent(show.id)}&at=${new Date(ms).toISOString()}`;
      setAnswer(await apiGet<AuditResponse>(q));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function submit(ev: FormEvent): void {
    ev.preventDefault();
    if (!range) return setError(t('audit.pickShow'));
    // An RFC 3339 instant, or a time in the show's zone (as the replay's "go to"). Past the show's
    // end the record may still hold the last broadcast: bounded by now, not by the end.
    const iso = parseTimestamp(text.trim());
    const at = iso.ok
      ? { ok: true as const, ms: iso.ms }
      : parseGoTo(text, { ...range, toMs: Math.max(range.toMs, Date.now()) });
    if (!at.ok) return setError(at.message);
    void look(at.ms);
  }

  function click(ev: MouseEvent<SVGSVGElement>): void {
    if (!curve || !show) return;
    const box = ev.currentTarget.getBoundingClientRect();
    const ms = curve.instantAt(((ev.clientX - box.left) / box.width) * W);
    setText(local(ms, show.timeZone));
    void look(ms);
  }

  const tz = show?.timeZone ?? 'UTC';
  const onAir = answer?.onAir ?? null;
  const frame = onAir?.frame?.frame ?? null;
  const mayBeRepair = answer !== null && answer.repairs.rebuilds + answer.repairs.pending > 0;
  const atMs = answer ? msOf(answer.at) : null;

  return (
    <main className="audit-screen">
      <h1>{t('audit.title')}</h1>
      <form className="audit-picker" onSubmit={submit}>
        <label>
          {t('audit.show')}
          <select data-testid="audit-show" value={showId} onChange={(e) => setShowId(e.target.value)} disabled={!shows}>
            {(shows ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.instant')}
          <input
            name="at"
            data-testid="audit-at"
            value={text}
            placeholder="HH:MM:SS"
            onChange={(e) => setText(e.target.value)}
            aria-describedby="audit-zone"
          />
        </label>
        <button type="submit" data-testid="audit-look" disabled={busy || !show}>
          {t('audit.look')}
        </button>
        <small id="audit-zone">{t('audit.timesIn', { zone: tz })}</small>
      </form>
      {curve && (
        <svg
          className="audit-curve"
          data-testid="audit-curve"
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={t('audit.curve')}
          onClick={click}
        >
          <path d={curve.path} />
          {atMs !== null && <line x1={curve.xOf(atMs)} x2={curve.xOf(atMs)} y1={0} y2={H} />}
        </svg>
      )}
      {error && (
        <p role="alert" className="audit-error">
          {error}
        </p>
      )}
      {answer && (
        <section className="audit-answer" aria-live="polite">
          <p className="audit-at" data-testid="audit-answer-at">
            {t('audit.at', { at: local(msOf(answer.at), tz), zone: tz })}
          </p>
          <div className="audit-sides">
            <article className="audit-side" data-testid="audit-on-air">
              <h2>{t('audit.onAir')}</h2>
              {onAir === null ? (
                <p>{t('audit.nothingOnAir')}</p>
              ) : (
                <>
                  <p>
                    {t('audit.message', {
                      kind: t(`audit.kind.${onAir.kind}`),
                      seq: String(onAir.seq),
                      sent: local(msOf(onAir.sentAt), tz),
                    })}
                  </p>
                  <Totals gross={onAir.gross} net={onAir.net} />
                  <p>
                    {onAir.committedAt
                      ? t('audit.watermark', { at: local(msOf(onAir.committedAt), tz) })
                      : t('audit.noWatermark')}
                  </p>
                  {!onAir.healthy && <p className="audit-stale">{t('audit.staleBanner')}</p>}
                  {frame && (
                    <>
                      <p>
                        {t('audit.scene', {
                          scene: t(`scene.${frame.program?.scene.kind ?? 'board'}`),
                          held: frame.program?.held ? t('audit.held') : '',
                        })}
                        {frame.program?.scene.milestone && ` · ${cny(frame.program.scene.milestone)}`}
                      </p>
                      <ul className="audit-milestones">
                        {frame.milestones.map((m) => (
                          <li key={m.amount}>
                            {cny(m.amount)}:{' '}
                            {m.crossedAtMs === null
                              ? t('audit.notCrossed')
                              : t('audit.crossed', { at: local(m.crossedAtMs, tz) })}
                          </li>
                        ))}
                      </ul>
                      <div className="audit-rankings">
                        {(['merchant', 'category', 'country', 'channel'] as const).map((d) => (
                          <div key={d}>
                            <h3>{t(`dimension.${d}`)}</h3>
                            <ol aria-label={t(`dimension.${d}`)}>
                              {frame.rankings[d].slice(0, 5).map((r) => (
                                <li key={r.key}>
                                  {r.key} <span>{cny(r.gmv)}</span>
                                </li>
                              ))}
                            </ol>
                          </div>
                        ))}
                      </div>
                      <small>{t('audit.frameAt', { at: local(msOf(onAir.frame!.sentAt), tz) })}</small>
                    </>
                  )}
                </>
              )}
            </article>
            <article className="audit-side" data-testid="audit-truth">
              <h2>{t('audit.truth')}</h2>
              <p>{t('audit.readAt', { at: local(msOf(answer.readAt), tz) })}</p>
              <Totals gross={answer.truth.gross} net={answer.truth.net} />
            </article>
          </div>
          <article className="audit-difference" data-testid="audit-difference">
            <h2>{t('audit.difference')}</h2>
            <p>
              {t('audit.gross')} {signed(answer.difference.gross)} · {t('audit.net')} {signed(answer.difference.net)}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('audit.part')}</th>
                  <th scope="col">{t('audit.partOrders')}</th>
                  <th scope="col">{t('audit.gross')}</th>
                  <th scope="col">{t('audit.net')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.parts.map((p) => (
                  <Part key={p.part} p={p} mayBeRepair={mayBeRepair} />
                ))}
              </tbody>
            </table>
            <p>
              {t('audit.repairs', {
                rebuilds: String(answer.repairs.rebuilds),
                pending: String(answer.repairs.pending),
              })}
            </p>
            <p
              className={answer.explained ? 'audit-explained' : 'audit-unexplained'}
              data-testid="audit-verdict"
              data-explained={answer.explained}
            >
              {answer.explained ? t('audit.allExplained') : t('audit.notAllExplained')}
            </p>
          </article>
        </section>
      )}
    </main>
  );
}
