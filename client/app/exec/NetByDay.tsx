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
        <table>
          <thead>
            <tr>
              <th scope="col">{t('exec.day')}</th>
              <th scope="col">{t('exec.net')}</th>
              <th scope="col">{t('exec.refunds')}</th>
              <th scope="col">{t('exec.refundRate')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.show} data-testid="exec-day" data-show={d.show} data-net={formatFen(d.netFen)}>
                <th scope="row">{d.name}</th>
                <td>{formatCny(d.netFen)}</td>
                <td title={t('exec.lateRefunds', { value: formatCny(d.lateRefundFen) })}>{formatCny(d.refundFen)}</td>
                <td data-testid="exec-day-rate">{formatRefundRate(d.refundRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
