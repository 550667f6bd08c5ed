import { memo } from 'react';
import type { RankingProps } from '../../charts/ranking/Ranking.js';
import { fenToNumber, formatFen, type Fen } from '../../../shared/money.js';
import { formatCny, formatCount } from '../../format/number.js';
import { t } from '../../i18n/t.js';

/**
 * One dimension as rows with the exact gross and its share of the show's gross GMV
 * (`grossFen`; the rows listed are the top few, so their own sum would overstate it).
 */
export const Breakdown = memo(function Breakdown({
  title,
  rows,
  nameOf,
  limit,
  testId,
  grossFen,
}: RankingProps & { grossFen: Fen | null }) {
  const all = rows ?? [];
  // Shares are proportions: the nearest doubles.
  const total = grossFen === null ? all.reduce((s, r) => s + fenToNumber(r.fen), 0) : fenToNumber(grossFen);
  return (
    <section className="exec-card exec-breakdown" data-testid={testId}>
      <h2>{title}</h2>
      {all.length === 0 ? (
        <p className="exec-muted">{t('exec.noSales')}</p>
      ) : (
        <ol>
          {all.slice(0, limit).map((r) => {
            const share = total > 0 ? fenToNumber(r.fen) / total : 0;
            return (
              <li key={r.key} data-key={r.key} data-gmv={formatFen(r.fen)}>
                <span className="exec-row-name">{r.name ?? nameOf(r.key)}</span>
                <span className="exec-row-value">{formatCny(r.fen)}</span>
                <span className="exec-row-bar" style={{ width: `${(share * 100).toFixed(1)}%` }} aria-hidden="true" />
                <span className="exec-row-sub">
                  {t('exec.rowSub', { share: (share * 100).toFixed(1), count: formatCount(r.orders) })}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
});
