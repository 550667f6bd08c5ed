/** Display names for breakdown keys. Keys come from data: anything unknown falls back to the key itself. */
import { currentLang, type Lang } from '../i18n/lang.js';
import { t, type StringKey } from '../i18n/t.js';
import { STRINGS } from '../i18n/strings.js';

type RegionNames = { long: Intl.DisplayNames; short: Intl.DisplayNames } | null;
const regions = new Map<Lang, RegionNames>();

function regionNames(lang: Lang): RegionNames {
  let names = regions.get(lang);
  if (names === undefined) {
    try {
      names = {
        long: new Intl.DisplayNames([lang], { type: 'region' }),
        short: new Intl.DisplayNames([lang], { type: 'region', style: 'short' }),
      };
    } catch {
      names = null;
    }
    regions.set(lang, names);
  }
  return names;
}

/** Names looked up so far: rankings ask for the same few codes ten times a second. At most 26² entries a language. */
const countryCache = new Map<string, string>();

/** "CN" → "China" ("中国" in Chinese), "HK" → "Hong Kong"; the code itself when the runtime does not know it. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  const lang = currentLang();
  const key = `${lang}:${code}`;
  let name = countryCache.get(key);
  if (name === undefined) {
    name = lookUpCountry(code, lang);
    countryCache.set(key, name);
  }
  return name;
}

function lookUpCountry(code: string, lang: Lang): string {
  const names = regionNames(lang);
  if (names === null) return code;
  try {
    const long = names.long.of(code);
    if (long === undefined || long === code || long === 'Unknown Region') return code;
    // "Hong Kong SAR China" is too long for a ranking row; the short form reads the same on air.
    return long.includes(' SAR ') ? (names.short.of(code) ?? long) : long;
  } catch {
    return code;
  }
}

/** The dictionary key for a data key under `prefix`, when the dictionary has one. */
function knownKey(prefix: 'category' | 'channel', key: string): StringKey | null {
  const k = `${prefix}.${key}`;
  return k in STRINGS.en ? (k as StringKey) : null;
}

/** "shoes-bags" → "Shoes & bags" ("鞋包"), "home" → "Home", "gift_cards" → "Gift cards" (a key from data, as is). */
export function categoryName(key: string): string {
  const known = knownKey('category', key);
  if (known !== null) return t(known);
  const words = key.replace(/[-_]+/g, ' ').trim();
  return words === '' ? key : words[0]!.toUpperCase() + words.slice(1);
}

/** "mobile" → "Mobile" ("移动端"); an unknown channel key as is. */
export function channelName(key: string): string {
  const known = knownKey('channel', key);
  return known === null ? key : t(known);
}
