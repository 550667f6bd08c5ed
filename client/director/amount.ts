/** "10000000000" or "1e10"-free decimals → the two-decimal CNY string the server takes; null when not one. */
export function milestoneAmount(text: string): string | null {
  const m = /^\s*(\d{1,15})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/,/g, ''));
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(2, '0')}` : null;
}
