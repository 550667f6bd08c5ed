import type { Fen } from '../../../shared/money.js';
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { formatCny } from '../../format/number.js';
import { create } from './render.js';
import type { CounterChart } from './render.js';
import { t } from '../../i18n/t.js';

interface Props {
  /** Exact current GMV in fen; null before the first snapshot. */
  targetFen: Fen | null;
}

/**
 * Thin host: React owns the box and its accessible name (always the exact target),
 * the renderer owns the animated digits inside.
 */
export const Counter = memo(function Counter({ targetFen }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<CounterChart | null>(null);
  // Lets a recreated chart (StrictMode, future config changes) start from the current value.
  const latest = useRef(targetFen);

  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const c = create(el);
    chart.current = c;
    if (latest.current !== null) c.update(latest.current);
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    latest.current = targetFen;
    if (targetFen !== null) chart.current?.update(targetFen);
  }, [targetFen]);

  const label = t('counter.aria', { value: targetFen === null ? '—' : formatCny(targetFen) });
  return <div ref={box} className="counter" role="img" aria-label={label} data-testid="gmv-counter" />;
});
