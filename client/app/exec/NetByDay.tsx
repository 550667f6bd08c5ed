import { useEffect, useState } from 'react';
import { formatFen } from '../../../shared/money.js';
import { formatCny } from '../../format/number.js';
import { t } from '../../i18n/t.js';
import { apiGet } from '../api.js';
import { dayRows, formatRefundRate, type DayRow } from './days.js';
import './days.css';

/** How often the table is read again: refunds keep arriving for days after a show. */
const REFRESH_MS = 60_000;

/** Net GMV, refunds and refund rate of each show ("day"), refunds after its end included. */
export function NetByDay() {
  const [rows, setRows] = useState<DayRow[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    const read = () =>
      apiGet<unknown>('/api/v1/days').then(
        (body) => {
          if (!alive) return;
          setRows(dayRows(body));
          setFailed(false);
        },
        () => alive && setFailed(true),
      );
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  return (
    <section className="exec-card exec-days" data-testid="exec-days">
      <h2>{t('exec.byDay')}</h2>
      {failed && rows === null && <p className="exec-muted">{t('exec.daysUnavailable')}</p>}
      {rows !== null && (
        <ol>
          {rows.map((d) => (
            <li key={d.show} data-testid="exec-day" data-show={d.show} data-net={formatFen(d.netFen)}>
              <span className="exec-row-name">{d.name}</span>
              <span className="exec-row-value">{formatCny(d.netFen)}</span>
              <span className="exec-row-sub">
                {t('exec.dayRefunds', { value: formatCny(d.refundFen) })} ·{' '}
                <span data-testid="exec-day-rate" data-rate={formatRefundRate(d.refundRate)}>
                  {t('exec.refundRate', { value: formatRefundRate(d.refundRate) })}
                </span>
                {d.lateRefundFen !== 0 && <> · {t('exec.lateRefunds', { value: formatCny(d.lateRefundFen) })}</>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
