/** The screens the one bundle serves, chosen by the page's path. */
export type Screen = 'wall' | 'replay' | 'exec' | 'director' | 'audit';

/** `/` is the wall; `/replay`, `/exec` and `/director` (with or without a trailing slash) their screens; anything else the wall. */
export function screenOf(pathname: string): Screen {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/replay') return 'replay';
  if (p === '/exec') return 'exec';
  if (p === '/director') return 'director';
  if (p === '/audit') return 'audit';
  return 'wall';
}
