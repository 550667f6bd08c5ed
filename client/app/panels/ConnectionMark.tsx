import { formatAge, formatLag } from '../../format/age.js';
import { connectionMark } from '../../live/select.js';
import type { LiveState } from '../../live/state.js';
import { useNow } from '../useNow.js';

/**
 * Link and freshness; the only part of the board that re-renders on the clock.
 * In kiosk mode only the dot stays, with its word when the link is not live; a
 * replay shows only the dot and says "replay" instead of "live".
 */
export function ConnectionMark({ live, kiosk, replay = false }: { live: LiveState; kiosk: boolean; replay?: boolean }) {
  const now = useNow(500);
  const mark = connectionMark(live, now);
  // A replay's data is years old by design: the age and lag would only alarm, and "live" would lie.
  if (replay) {
    return (
      <div className={`connection connection-${mark.state}`} data-testid="connection" data-state={mark.state}>
        <span className="connection-dot" aria-hidden="true" />
        <span className="connection-label">{mark.state === 'live' ? 'replay' : mark.label}</span>
      </div>
    );
  }
  return (
    <div className={`connection connection-${mark.state}`} data-testid="connection" data-state={mark.state}>
      <span className="connection-dot" aria-hidden="true" />
      {(!kiosk || mark.state !== 'live') && <span className="connection-label">{mark.label}</span>}
      {!kiosk && mark.ageMs !== null && (
        <span className="connection-age chrome" data-testid="data-age">
          data {formatAge(mark.ageMs)} old
        </span>
      )}
      {!kiosk && mark.lagMs !== null && (
        <span className="connection-age chrome" data-testid="lag">
          lag {formatLag(mark.lagMs)}
        </span>
      )}
    </div>
  );
}
