import type { Fen } from '../../../shared/money.js';
import { memo } from 'react';
import { formatDuration } from '../../../shared/time.js';
import { Counter } from '../../charts/counter/Counter.js';
import { formatUsd } from '../../format/number.js';
import { t } from '../../i18n/t.js';

interface Props {
  gmvFen: Fen | null;
  usdFen: Fen | null;
  /** Seconds until the show starts while it has not; null once it runs. */
  startsInSec: number | null;
}

export const HeroGmv = memo(function HeroGmv({ gmvFen, usdFen, startsInSec }: Props) {
  return (
    <section className="panel hero" aria-label={t('hero.aria')}>
      <div className="panel-label">{t('hero.label')}</div>
      <Counter targetFen={gmvFen} />
      {startsInSec !== null ? (
        <div className="hero-countdown" data-testid="countdown">
          {t('hero.countdown', { time: formatDuration(startsInSec) })}
        </div>
      ) : (
        <div className="hero-usd" data-testid="gmv-usd">
          {usdFen === null ? '' : `≈ ${formatUsd(usdFen)}`}
        </div>
      )}
    </section>
  );
});
