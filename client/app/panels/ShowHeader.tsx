import { memo } from 'react';
import { formatDuration } from '../../../shared/time.js';

interface Props {
  name: string | null;
  /** Show clock minus show start, in ms; null before the first snapshot. */
  elapsedMs: number | null;
}

export const ShowHeader = memo(function ShowHeader({ name, elapsedMs }: Props) {
  return (
    <div className="show-header">
      <h1 className="show-name" data-testid="show-name">
        {name ?? 'GMV Live'}
      </h1>
      <span className="show-clock" data-testid="show-clock">
        {elapsedMs === null ? '' : formatDuration(elapsedMs / 1000)}
      </span>
    </div>
  );
});
