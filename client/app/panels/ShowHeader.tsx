import { memo } from 'react';
import { formatDuration } from '../../../shared/time.js';
import { t } from '../../i18n/t.js';

interface Props {
  name: string | null;
  /** Show clock minus show start, in ms; null before the first snapshot. */
  elapsedMs: number | null;
  /** Length of the show, ms. */
  durationMs: number | null;
}

/** Before the start a countdown, during the show the elapsed time, after it "final". */
export function clockText(elapsedMs: number | null, durationMs: number | null): string {
  if (elapsedMs === null) return '';
  if (elapsedMs < 0) return t('show.startsIn', { time: formatDuration(Math.ceil(-elapsedMs / 1000)) });
  if (durationMs !== null && elapsedMs >= durationMs) return t('show.final');
  return formatDuration(elapsedMs / 1000);
}

export const ShowHeader = memo(function ShowHeader({ name, elapsedMs, durationMs }: Props) {
  return (
    <div className="show-header">
      <h1 className="show-name" data-testid="show-name">
        {name ?? t('app.title')}
      </h1>
      <span className="show-clock" data-testid="show-clock">
        {clockText(elapsedMs, durationMs)}
      </span>
    </div>
  );
});
