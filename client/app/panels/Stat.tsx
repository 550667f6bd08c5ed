import { memo, type CSSProperties } from 'react';
import { textEm } from '../../format/fit.js';

interface Props {
  label: string;
  /** Display text; null shows a dash until data arrives. */
  value: string | null;
  testId: string;
  /** Raw value for machines (e2e, screen readers), as sent. */
  exact: string | null;
  sub?: string | undefined;
  tone?: 'up' | 'down' | undefined;
}

export const Stat = memo(function Stat({ label, value, testId, exact, sub, tone }: Props) {
  return (
    <section className={`panel stat${tone ? ` stat-${tone}` : ''}`}>
      <div className="panel-label">{label}</div>
      <div
        className="stat-value"
        data-testid={testId}
        data-value={exact ?? undefined}
        style={{ '--em': textEm(value ?? '—') } as CSSProperties}
      >
        {value ?? '—'}
      </div>
      <div className="stat-sub">{sub ?? '\u00a0'}</div>
    </section>
  );
});
