import { useCallback, useEffect, useRef, useState } from 'react';
import type { FenMilestone } from '../../live/decode.js';
import { amountWords } from '../../format/amount.js';
import { formatFen } from '../../../shared/money.js';
import { zonedClock } from '../../format/zoned.js';
import { newlyCrossed } from './notify.js';
import type { SeenMilestones } from './notify.js';
import { t } from '../../i18n/t.js';

export type NotifyPermission = NotificationPermission | 'unsupported';

function currentPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Opt-in notifications on milestones: the permission is asked only from `ask`
 * (a button press), never on load; once granted, each milestone crossed while the
 * screen is open raises one notification. Milestones crossed before it opened are not news.
 */
export function useMilestoneNotifications(
  milestones: FenMilestone[] | null,
  show: { name: string; timeZone: string } | null,
): { permission: NotifyPermission; ask: () => void } {
  const [permission, setPermission] = useState<NotifyPermission>(currentPermission);
  const seen = useRef<SeenMilestones>(null);

  useEffect(() => {
    if (milestones === null) return;
    const { seen: next, fresh } = newlyCrossed(seen.current, milestones);
    seen.current = next;
    if (fresh.length === 0 || currentPermission() !== 'granted') return;
    for (const m of fresh) {
      const at =
        m.crossedAtMs === null || show === null
          ? ''
          : t('exec.notifyAt', { time: zonedClock(m.crossedAtMs, show.timeZone) });
      const what =
        m.kind === 'last-year' ? t('exec.lastYearTotal', { amount: amountWords(m.fen) }) : amountWords(m.fen);
      try {
        new Notification(t('exec.notifyTitle', { show: show?.name ?? 'GMV', what }), {
          body: t('exec.notifyBody', { what, at }),
          tag: formatFen(m.fen),
        });
      } catch {
        // Chrome on Android grants the permission but notifies only from a service worker
        // (`new Notification` throws): the screen must stay, and the button say so.
        setPermission('unsupported');
        return;
      }
    }
  }, [milestones, show]);

  const ask = useCallback(() => {
    if (typeof Notification === 'undefined') return;
    void Notification.requestPermission().then(setPermission);
  }, []);

  return { permission, ask };
}
