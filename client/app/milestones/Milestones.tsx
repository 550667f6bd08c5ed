import { memo, useMemo } from 'react';
import type { FenMilestone } from '../../live/decode.js';
import { stripItems } from './transform.js';
import type { ShowTimes } from './transform.js';
import { t } from '../../i18n/t.js';

interface Props {
  milestones: FenMilestone[] | null;
  show: ShowTimes | null;
}

/** Every milestone, always on screen: crossed ones with their time, the next with its predicted time. */
export const Milestones = memo(function Milestones({ milestones, show }: Props) {
  const items = useMemo(
    () => (milestones === null || show === null ? [] : stripItems(milestones, show)),
    [milestones, show],
  );
  return (
    <section className="panel milestones" aria-label={t('milestones.label')} data-testid="milestones">
      <div className="panel-label">{t('milestones.label')}</div>
      <ol className="milestone-list">
        {items.map((m) => (
          <li key={m.key} className={`milestone milestone-${m.state}`} data-key={m.key} data-state={m.state}>
            <span className="milestone-label">{m.label}</span>
            <span className="milestone-when">
              {m.state === 'next' && m.when === '' ? t('milestones.next') : m.when}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
});
