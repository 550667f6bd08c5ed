/**
 * The width of a one-line figure in em of the board's bold sans face, estimated per character:
 * CJK ideographs a full em, separators ("," "." ":" " ") under half, "%" a full em, every other character
 * (digits, Latin, "¥", signs) 0.7 em (DejaVu Sans Bold's digits are 0.696 em). A tile sizes its figure by it
 * (client/app/panels.css `.stat-value`), so "278,000,000" shrinks to fit rather than being cut.
 */
export function textEm(text: string): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x2e80) em += 1;
    else if (ch === ',' || ch === '.' || ch === ':' || ch === ' ') em += 0.38;
    else if (ch === '%') em += 1.0;
    else em += 0.7;
  }
  return Math.round(em * 100) / 100;
}
