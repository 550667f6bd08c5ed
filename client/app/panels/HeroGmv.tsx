import type { Fen } from '../../../shared/money.js';
import { memo } from 'react';
import { formatDuration } from '../../../shared/time.js';
import { Counter } from '../../charts/counter/Counter.js';
import { formatUsd } from '../../format/number.js';

interface Props {
  gmvFen: Fen | null;
  usdFen: Fen | null;
  /** Seconds until the show starts while it has not; null once it runs. */
  startsInSec: number | null;
}

export const HeroGmv = memo(function HeroGmv({ gmvFen, usdFen, startsInSec }: Props) {
  return (
    <section className="panel hero" aria-label="Gross merchandise volume">
      <div className="panel-label">GMV · CNY</div>
      <Counter targetFen={gmvFen} />
      {startsInSec !== null ? (
        <div className="hero-countdown" data-testid="countdown">
          The gala starts in {formatDuration(startsInSec)}
        </div>
      ) : (
        <div className="hero-usd" data-testid="gmv-usd">
          {usdFen === null ? '' : `≈ ${formatUsd(usdFen)}`}
        </div>
      )}
    </section>
  );
});
