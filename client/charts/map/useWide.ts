import { useEffect, useState } from 'react';

/** The ultra-wide walls (32:9) of board.css: the map's area is wide enough for both views side by side. */
export const WIDE_QUERY = '(min-aspect-ratio: 21/9)';

/** True while the screen matches WIDE_QUERY (false where there is no matchMedia). */
export function useWide(): boolean {
  const [wide, setWide] = useState(
    () => typeof window !== 'undefined' && window.matchMedia?.(WIDE_QUERY).matches === true,
  );
  useEffect(() => {
    const mq = typeof window === 'undefined' ? undefined : window.matchMedia?.(WIDE_QUERY);
    if (mq === undefined) return;
    const onChange = () => setWide(mq.matches);
    onChange();
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return wide;
}
