/** `?kiosk=1` (or `?kiosk`): the wall mode, without cursor or operator chrome. */
export function isKiosk(search: string): boolean {
  const v = new URLSearchParams(search).get('kiosk');
  return v !== null && v !== '0' && v !== 'false';
}
