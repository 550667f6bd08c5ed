import { currentLang, type Lang } from './lang.js';
import { STRINGS, type StringKey } from './strings.js';

export type { StringKey } from './strings.js';
/** Values for a string's `{name}` placeholders. */
export type Params = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; one without a value stays as written, so a slip shows on screen, not as "undefined". */
export function fill(template: string, params?: Params): string {
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/**
 * One string from `table`, falling back to English when the table lacks it or holds an
 * empty string, and to the key itself when English lacks it too (a key from data).
 */
export function lookup(table: Partial<Record<string, string>>, key: string, params?: Params): string {
  const own = table[key];
  const english = (STRINGS.en as Partial<Record<string, string>>)[key];
  const text = own !== undefined && own !== '' ? own : (english ?? key);
  return fill(text, params);
}

/** The on-screen text for `key` in the screen's language (or `lang`). */
export function t(key: StringKey, params?: Params, lang: Lang = currentLang()): string {
  return lookup(STRINGS[lang], key, params);
}
