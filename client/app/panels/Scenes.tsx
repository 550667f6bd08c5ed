import { memo } from 'react';
import { decimalToFenExact, type Fen } from '../../../shared/money.js';
import type { Scene } from '../../../shared/protocol.js';
import { formatDuration } from '../../../shared/time.js';
import { Counter } from '../../charts/counter/Counter.js';
import { timeOfDay } from '../../format/amount.js';
import { formatCny } from '../../format/number.js';
import { t } from '../../i18n/t.js';

/** The milestone card: which milestone, when it was reached (or that it is still to go), and the counter. */
export const MilestoneCard = memo(function MilestoneCard({
  scene,
  gmvFen,
  timeZone,
  crossedAtMs,
}: {
  scene: Scene;
  gmvFen: Fen | null;
  timeZone: string | null;
  /** When the milestone was reached (cardCrossedAtMs); null: still to go. */
  crossedAtMs: number | null;
}) {
  const fen = scene.milestone === undefined ? null : decimalToFenExact(scene.milestone);
  return (
    <section className="panel scene-card" aria-label={t('scene.milestone')} data-testid="milestone-card">
      <div className="panel-label">{t('milestones.kicker')}</div>
      <div className="scene-card-amount" data-testid="milestone-card-amount">
        {fen === null ? '' : formatCny(fen)}
      </div>
      <div className="scene-card-when">
        {crossedAtMs !== null && timeZone !== null
          ? t('scene.milestoneReached', { time: timeOfDay(crossedAtMs, timeZone, true) })
          : t('scene.milestoneAhead')}
      </div>
      <Counter targetFen={gmvFen} />
    </section>
  );
});

/** The countdown to the show's start (once it runs: how long it has been on air). */
export const Countdown = memo(function Countdown({ elapsedMs }: { elapsedMs: number | null }) {
  const before = elapsedMs !== null && elapsedMs < 0;
  return (
    <section className="panel scene-card" aria-label={t('scene.countdown')} data-testid="countdown-scene">
      <div className="panel-label">{before ? t('scene.countdownLabel') : t('scene.countdown')}</div>
      <div className="scene-card-amount">
        {elapsedMs === null
          ? ''
          : before
            ? formatDuration(Math.ceil(-elapsedMs / 1000))
            : t('scene.onAirFor', { time: formatDuration(Math.floor(elapsedMs / 1000)) })}
      </div>
    </section>
  );
});
