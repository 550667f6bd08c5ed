/**
 * Text widths for laying out axis labels before they are drawn: a 2D canvas measures without
 * touching the page's layout. Where there is no canvas (jsdom), an estimate by character.
 */
let ctx: OffscreenCanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export function textWidth(text: string, fontPx: number, family: string): number {
  const font = `${fontPx}px ${family}`;
  const key = `${font}|${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (ctx === undefined)
    ctx = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1).getContext('2d') : null;
  let w: number;
  if (ctx !== null) {
    ctx.font = font;
    w = ctx.measureText(text).width;
  } else {
    // Wide (CJK) characters are about an em, digits and Latin letters about 0.6 of one.
    w = [...text].reduce((sum, ch) => sum + (ch.charCodeAt(0) > 0x2e7f ? 1 : 0.6), 0) * fontPx;
  }
  // Labels repeat from draw to draw; a wall changes font size only on a resize.
  if (cache.size > 2000) cache.clear();
  cache.set(key, w);
  return w;
}
