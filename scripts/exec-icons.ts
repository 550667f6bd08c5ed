// Draws /exec's app icons (client/public/exec-icon-{192,512}.png and exec-icon.svg): four rising
// gold bars on the board's dark blue, inside the middle 60% so a maskable crop keeps them.
// Run once after changing the design: node --import tsx scripts/exec-icons.ts
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const BG = [0x0b, 0x10, 0x20] as const;
const BAR = [0xf5, 0xb4, 0x00] as const;
/** Bars as fractions of the side: left, width, height; all stand on y = 0.8. */
const BARS = [
  [0.2, 0.12, 0.2],
  [0.36, 0.12, 0.32],
  [0.52, 0.12, 0.45],
  [0.68, 0.12, 0.6],
] as const;
const FLOOR = 0.8;

function png(size: number): Buffer {
  const img = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fx = (x + 0.5) / size;
      const fy = (y + 0.5) / size;
      const bar = BARS.some(([l, w, h]) => fx >= l && fx < l + w && fy < FLOOR && fy >= FLOOR - h);
      const [r, g, b] = bar ? BAR : BG;
      const i = (y * size + x) * 4;
      img.data[i] = r;
      img.data[i + 1] = g;
      img.data[i + 2] = b;
      img.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(img);
}

function svg(): string {
  const pct = (f: number) => Math.round(f * 100);
  const hex = (c: readonly number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const rects = BARS.map(
    ([l, w, h]) =>
      `<rect x="${pct(l)}" y="${pct(FLOOR - h)}" width="${pct(w)}" height="${pct(h)}" fill="${hex(BAR)}"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="${hex(BG)}"/>${rects.join('')}</svg>\n`;
}

const dir = new URL('../client/public/', import.meta.url);
for (const size of [192, 512]) writeFileSync(new URL(`exec-icon-${size}.png`, dir), png(size));
writeFileSync(new URL('exec-icon.svg', dir), svg());
console.log('exec-icons: wrote exec-icon-192.png, exec-icon-512.png and exec-icon.svg in client/public');
