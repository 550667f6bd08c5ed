import { formatAge } from '../../format/age.js';
import { connectionMark } from '../../live/select.js';
import type { LiveState } from '../../live/state.js';
import { useNow } from '../useNow.js';

/** Link and freshness; the only part of the board that re-renders on the clock. */
export function ConnectionMark({ live }: { live: LiveState }) {
  const now = useNow(500);
  const mark = connectionMark(live, now);
  return (
    <div className={`connection connection-${mark.state}`} data-testid="connection" data-state={mark.state}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{mark.label}</span>
      {mark.ageMs !== null && (
        <span className="connection-age" data-testid="data-age">
          data {formatAge(mark.ageMs)} old
        </span>
      )}
    </div>
  );
}
