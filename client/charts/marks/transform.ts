import type { MarkKind, ShowMark } from '../../../shared/marks.js';

/**
 * Run-of-show marks as thin vertical rules with a short label (docs/director.md), the one model
 * the live curve and the replay timeline both draw: each places `x` on its own axis.
 */
export interface RuleMark {
  key: string;
  /** On the chart's own axis: seconds since the show start (curve), 0..1 along the track (timeline). */
  x: number;
  atMs: number;
  kind: MarkKind;
  /** What the wall prints next to the rule: at most SHORT_LABEL characters. */
  label: string;
  /** The whole label (the rule's tooltip). */
  title: string;
}

/** Characters of a label printed on a chart; the rest goes to the tooltip. */
export const SHORT_LABEL = 24;

/** `label` cut to `max` characters (whole code points), with an ellipsis when cut. */
export function shortLabel(label: string, max = SHORT_LABEL): string {
  const chars = Array.from(label.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The marks inside [lo, hi] of an axis, as rules by `x`; `xOf` maps a mark's instant (epoch ms) to
 * the axis. Marks outside the axis are left out, so a chart draws only what it shows.
 */
export function ruleMarks(
  marks: readonly ShowMark[],
  xOf: (atMs: number) => number,
  lo: number,
  hi: number,
): RuleMark[] {
  const out: RuleMark[] = [];
  for (const m of marks) {
    const atMs = Date.parse(m.at);
    const x = xOf(atMs);
    if (!(x >= lo && x <= hi)) continue;
    out.push({ key: m.id, x, atMs, kind: m.kind, label: shortLabel(m.label), title: m.label });
  }
  return out.sort((a, b) => a.x - b.x || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Rough width of `text` in px at `fontPx`: CJK and other wide characters count as one em, the rest as 0.6. */
export function textWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const c of text) em += c.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return em * fontPx;
}

/**
 * A lane (row) for each label, left to right: the first lane whose last label ends before this
 * one starts (with `gapPx` between), or -1 when every lane is taken there (the rule is drawn,
 * its label is not). `xs` ascending, in px; a label starts at its rule.
 */
export function labelLanes(xs: readonly number[], widths: readonly number[], lanes: number, gapPx = 4): number[] {
  const ends: number[] = new Array(Math.max(0, lanes)).fill(-Infinity);
  return xs.map((x, i) => {
    const lane = ends.findIndex((end) => end + gapPx <= x);
    if (lane >= 0) ends[lane] = x + (widths[i] ?? 0);
    return lane;
  });
}
