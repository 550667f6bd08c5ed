import { useCallback, useEffect, useRef, useState } from 'react';
import { t } from '../../i18n/t.js';
import {
  dropSubscription,
  keyBytes,
  pushSupported,
  registerWorker,
  saveSubscription,
  serverKey,
  SUBSCRIBE_TIMEOUT_MS,
  type PushState,
} from './webPush.js';

/** `pushManager.subscribe`, or a TimeoutError after `ms`; a subscription that comes later is dropped. */
function subscribeWithin(r: ServiceWorkerRegistration, key: string, ms: number): Promise<PushSubscription> {
  const asked = r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DOMException(`no answer in ${ms / 1000} s`, 'TimeoutError'));
      // Too late: the screen said it failed, so the device is not left half subscribed.
      void asked.then((late) => late.unsubscribe()).catch(() => {});
    }, ms);
    asked.then(
      (sub) => {
        clearTimeout(timer);
        resolve(sub);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
}

/**
 * Web Push on this device (docs/alerts.md#web-push): on load the service worker is registered and
 * the state read (the server's key, the browser's subscription); `toggle` subscribes (asking for the
 * notification permission from the button press, never on load) or leaves. Every failure lands in
 * the state, never in the screen: the push service may be out of reach (no internet, a network
 * that blocks it), and the figures must stay.
 */
export function usePushAlerts(): { push: PushState; toggle: () => void } {
  const [push, setPush] = useState<PushState>({ state: pushSupported() ? 'checking' : 'unsupported' });
  const key = useRef<string | null>(null);
  const reg = useRef<ServiceWorkerRegistration | null>(null);
  /** Bumped by `toggle` when the first look failed: looks again. */
  const [look, setLook] = useState(0);

  useEffect(() => {
    if (!pushSupported()) return;
    let gone = false;
    const set = (s: PushState) => {
      if (!gone) setPush(s);
    };
    void (async () => {
      try {
        const k = await serverKey();
        if (k === null) return set({ state: 'unavailable' });
        key.current = k;
        reg.current = await registerWorker();
        if (Notification.permission === 'denied') return set({ state: 'denied' });
        const sub = await reg.current.pushManager.getSubscription();
        if (sub === null) return set({ state: 'off' });
        // Subscribed before: the server is told again (it may have dropped the device meanwhile).
        await saveSubscription(sub);
        set({ state: 'on' });
      } catch (err) {
        set({ state: 'failed', detail: message(err) });
      }
    })();
    return () => {
      gone = true;
    };
  }, [look]);

  const toggle = useCallback(() => {
    const r = reg.current;
    const k = key.current;
    if (r === null || k === null) {
      setPush({ state: 'checking' });
      return setLook((n) => n + 1);
    }
    const on = push.state === 'on';
    setPush({ state: 'working' });
    void (async () => {
      try {
        if (on) {
          const sub = await r.pushManager.getSubscription();
          if (sub !== null) {
            await dropSubscription(sub.endpoint);
            await sub.unsubscribe();
          }
          return setPush({ state: 'off' });
        }
        if ((await Notification.requestPermission()) !== 'granted') return setPush({ state: 'denied' });
        let sub: PushSubscription;
        try {
          sub = await subscribeWithin(r, k, SUBSCRIBE_TIMEOUT_MS);
        } catch (err) {
          return setPush({ state: 'failed', detail: t('exec.pushServiceFailed', { error: message(err) }) });
        }
        try {
          await saveSubscription(sub);
        } catch (err) {
          // Not kept by the server: the browser's subscription would only wait for nothing.
          await sub.unsubscribe().catch(() => {});
          throw err;
        }
        setPush({ state: 'on' });
      } catch (err) {
        setPush({ state: 'failed', detail: message(err) });
      }
    })();
  }, [push.state]);

  return { push, toggle };
}

const LABEL: Record<PushState['state'], Parameters<typeof t>[0]> = {
  checking: 'exec.pushChecking',
  unsupported: 'exec.pushUnsupported',
  unavailable: 'exec.pushUnavailable',
  off: 'exec.pushAsk',
  working: 'exec.pushWorking',
  on: 'exec.pushOn',
  denied: 'exec.notifyBlocked',
  failed: 'exec.pushRetry',
};

/** "Notify me on this device": Web Push alerts that arrive with /exec closed. */
export function PushOptIn() {
  const { push, toggle } = usePushAlerts();
  const can = push.state === 'off' || push.state === 'on' || push.state === 'failed';
  return (
    <div className="exec-push" data-testid="exec-push" data-state={push.state}>
      <button type="button" className="exec-notify" data-testid="exec-push-toggle" disabled={!can} onClick={toggle}>
        {t(LABEL[push.state])}
      </button>
      {push.state === 'failed' && (
        <p className="exec-muted" role="alert" data-testid="exec-push-error">
          {push.detail}
        </p>
      )}
    </div>
  );
}
