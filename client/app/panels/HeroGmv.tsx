import { memo } from 'react';
import { Counter } from '../../charts/counter/Counter.js';
import { formatUsd } from '../../format/number.js';

interface Props {
  gmvFen: number | null;
  usdFen: number | null;
}

export const HeroGmv = memo(function HeroGmv({ gmvFen, usdFen }: Props) {
  return (
    <section className="panel hero" aria-label="Gross merchandise volume">
      <div className="panel-label">GMV · CNY</div>
      <Counter targetFen={gmvFen} />
      <div className="hero-usd" data-testid="gmv-usd">
        {usdFen === null ? '' : `≈ ${formatUsd(usdFen)}`}
      </div>
    </section>
  );
});
