import { formatAge, formatLag } from '../../format/age.js';
import { useState } from 'react';
import { freshnessOptions, type FreshnessOptions } from '../../live/freshness.js';
import { connectionMark, freshnessMark, type FreshnessMark } from '../../live/select.js';
import type { LiveState } from '../../live/state.js';
import { t } from '../../i18n/t.js';
import { useNow } from '../useNow.js';

/**
 * Link and freshness; the only part of the board that re-renders on the clock.
 * In kiosk mode only the dot stays, with its word when the link is not live; a
 * replay shows only the dot and says "replay" instead of "live". The freshness mark (green, amber,
 * red by the age of the newest orders) is operator chrome too: in kiosk mode only with `?marks=1`.
 */
export function ConnectionMark({
  live,
  kiosk,
  replay = false,
  options,
}: {
  live: LiveState;
  kiosk: boolean;
  replay?: boolean;
  /** `?stale=` and `?marks=`; read from the page's URL when not given. */
  options?: FreshnessOptions;
}) {
  const now = useNow(500);
  const [fromUrl] = useState(() => options ?? freshnessOptions(window.location.search));
  const opts = options ?? fromUrl;
  const mark = connectionMark(live, now);
  const fresh = freshnessMark(live, now, opts.stale);
  // A replay's data is years old by design: the age and lag would only alarm, and "live" would lie.
  if (replay) {
    return (
      <div className={`connection connection-${mark.state}`} data-testid="connection" data-state={mark.state}>
        <span className="connection-dot" aria-hidden="true" />
        <span className="connection-label">{mark.state === 'live' ? t('link.replay') : mark.label}</span>
      </div>
    );
  }
  return (
    <div className={`connection connection-${mark.state}`} data-testid="connection" data-state={mark.state}>
      <span className="connection-dot" aria-hidden="true" />
      {(!kiosk || mark.state !== 'live') && <span className="connection-label">{mark.label}</span>}
      {fresh !== null && (!kiosk || opts.marks) && <Freshness mark={fresh} />}
      {!kiosk && mark.ageMs !== null && (
        <span className="connection-age chrome" data-testid="data-age">
          {t('link.dataAge', { age: formatAge(mark.ageMs) })}
        </span>
      )}
      {!kiosk && mark.lagMs !== null && (
        <span className="connection-age chrome" data-testid="lag">
          {t('link.lag', { lag: formatLag(mark.lagMs) })}
        </span>
      )}
    </div>
  );
}

const WORDS = { fresh: 'fresh.fresh', amber: 'fresh.amber', red: 'fresh.red' } as const;

/** The freshness badge: a dot by colour, and in amber and red a word, for operators who cannot tell colours apart. */
function Freshness({ mark }: { mark: FreshnessMark }) {
  const { level, thresholds } = mark;
  const over = level === 'red' ? thresholds.redMs : thresholds.amberMs;
  // A stable label (not the ticking age): assistive technology reads it when it changes level.
  const word = t(WORDS[level]);
  const label = level === 'fresh' ? word : t('fresh.over', { word, seconds: over / 1000 });
  return (
    <span
      className={`freshness freshness-${level}`}
      data-testid="freshness"
      data-level={level}
      role="img"
      aria-label={label}
      title={label}
    >
      <span className="freshness-dot" aria-hidden="true" />
      {level !== 'fresh' && (
        <span className="freshness-label" aria-hidden="true">
          {word}
        </span>
      )}
    </span>
  );
}
