/** The screens the one bundle serves, chosen by the page's path. */
export type Screen = 'wall' | 'replay' | 'exec';

/** `/` is the wall; `/replay` and `/exec` (with or without a trailing slash) their screens; anything else the wall. */
export function screenOf(pathname: string): Screen {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/replay') return 'replay';
  if (p === '/exec') return 'exec';
  return 'wall';
}
