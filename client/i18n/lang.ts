/**
 * The on-air language of one screen, chosen by `?lang=` and nothing else: the crew
 * decides what the wall says, not the locale of whatever browser drives the TV
 * (the same reason digits are grouped by hand in format/number.ts). Read once at
 * start (main.tsx); every formatter and string lookup reads it from here, so D3
 * renderers need no prop for it. A screen that wants another language reloads.
 */

export const LANGS = ['en', 'zh-CN'] as const;
/** A language the screens are written in. */
export type Lang = (typeof LANGS)[number];

export const DEFAULT_LANG: Lang = 'en';

/**
 * The language a query string asks for: `lang=zh-CN` (also `zh`, `zh-Hans`, any case) or `lang=en`
 * (`en-US` …); anything else, or no `lang`, is English.
 */
export function langFrom(search: string): Lang {
  const asked = new URLSearchParams(search).get('lang')?.trim().toLowerCase() ?? '';
  if (asked === 'zh' || asked === 'zh-cn' || asked.startsWith('zh-hans')) return 'zh-CN';
  return DEFAULT_LANG;
}

let current: Lang = DEFAULT_LANG;

/** The screen's language. */
export function currentLang(): Lang {
  return current;
}

/** Sets the screen's language; once at start, before the first render (and in tests). */
export function setLang(lang: Lang): void {
  current = lang;
}
