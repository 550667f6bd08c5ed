import { memo } from 'react';
import type { RankingProps } from '../../charts/ranking/Ranking.js';
import { fenOrNull, formatCny, formatCount } from '../../format/number.js';

/** An unreadable amount counts as nothing rather than breaking the card. */
function fen(gmv: string): number {
  return fenOrNull(gmv) ?? 0;
}

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
}: RankingProps & { grossFen: number | null }) {
  const all = rows ?? [];
  const total = grossFen ?? all.reduce((s, r) => s + fen(r.gmv), 0);
  return (
    <section className="exec-card exec-breakdown" data-testid={testId}>
      <h2>{title}</h2>
      {all.length === 0 ? (
        <p className="exec-muted">no sales yet</p>
      ) : (
        <ol>
          {all.slice(0, limit).map((r) => {
            const f = fen(r.gmv);
            const share = total > 0 ? f / total : 0;
            return (
              <li key={r.key} data-key={r.key} data-gmv={r.gmv}>
                <span className="exec-row-name">{nameOf(r.key)}</span>
                <span className="exec-row-value">{formatCny(f)}</span>
                <span className="exec-row-bar" style={{ width: `${(share * 100).toFixed(1)}%` }} aria-hidden="true" />
                <span className="exec-row-sub">
                  {(share * 100).toFixed(1)}% · {formatCount(r.orders)} orders
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
});
