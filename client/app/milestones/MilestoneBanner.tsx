import { memo, useEffect, useRef, useState } from 'react';
import type { FenMilestone } from '../../live/decode.js';
import { advance, bannerText, enqueue, milestoneKey, newCrossings, NO_BANNERS } from './transform.js';
import type { BannerQueue, ShowTimes } from './transform.js';
import { t } from '../../i18n/t.js';

interface Props {
  milestones: FenMilestone[] | null;
  show: ShowTimes | null;
  asOfMs: number | null;
  /**
   * Changes when the stream starts afresh at another point of the show (a replay
   * seeks or steps): the next state counts as a first one, so only a crossing
   * just before the new position is celebrated, not every one jumped over.
   */
  epoch?: number;
}

/**
 * The on-air celebration: a crossing that newly appears gets a banner for a few
 * seconds. Every crossing this screen has seen is remembered, so a snapshot after
 * a reconnect or a server rebuild never celebrates the same milestone twice.
 */
export const MilestoneBanner = memo(function MilestoneBanner({ milestones, show, asOfMs, epoch = 0 }: Props) {
  const [queue, setQueue] = useState<BannerQueue>(NO_BANNERS);
  const seen = useRef<Set<string> | null>(null);
  const seenEpoch = useRef(epoch);

  useEffect(() => {
    if (milestones === null || show === null || asOfMs === null) return;
    const initial = seen.current === null || seenEpoch.current !== epoch;
    seenEpoch.current = epoch;
    const known = (seen.current ??= new Set());
    const fresh = newCrossings(milestones, asOfMs, known, initial);
    for (const m of milestones) if (m.crossedAtMs !== null) known.add(milestoneKey(m));
    if (fresh.length === 0) return;
    const banners = fresh.map((m) => ({ key: milestoneKey(m), text: bannerText(m, show) }));
    setQueue((q) => enqueue(q, banners, Date.now()));
  }, [milestones, show, asOfMs, epoch]);

  useEffect(() => {
    const current = queue.current;
    if (current === null) return;
    const t = setTimeout(() => setQueue((q) => advance(q, Date.now())), Math.max(0, current.untilMs - Date.now()));
    return () => clearTimeout(t);
  }, [queue]);

  const current = queue.current;
  return (
    <div className="banner-slot" aria-live="assertive">
      {current !== null && (
        <div className="banner" key={current.key} data-testid="milestone-banner" data-key={current.key}>
          <div className="banner-kicker">{t('milestones.kicker')}</div>
          <div className="banner-text">{current.text}</div>
        </div>
      )}
    </div>
  );
});
