/** Display names for breakdown keys. Keys come from data: anything unknown falls back to the key itself. */

let regions: { long: Intl.DisplayNames; short: Intl.DisplayNames } | null | undefined;

function regionNames(): { long: Intl.DisplayNames; short: Intl.DisplayNames } | null {
  if (regions === undefined) {
    try {
      regions = {
        long: new Intl.DisplayNames(['en'], { type: 'region' }),
        short: new Intl.DisplayNames(['en'], { type: 'region', style: 'short' }),
      };
    } catch {
      regions = null;
    }
  }
  return regions;
}

/** Names looked up so far: rankings ask for the same few codes ten times a second. At most 26² entries. */
const countryCache = new Map<string, string>();

/** "CN" → "China", "HK" → "Hong Kong"; the code itself when the runtime does not know it. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  let name = countryCache.get(code);
  if (name === undefined) {
    name = lookUpCountry(code);
    countryCache.set(code, name);
  }
  return name;
}

function lookUpCountry(code: string): string {
  const names = regionNames();
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

const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  'shoes-bags': 'Shoes & bags',
};

/** "shoes-bags" → "Shoes & bags", "home" → "Home", "gift_cards" → "Gift cards". */
export function categoryName(key: string): string {
  const known = CATEGORY_LABELS[key];
  if (known !== undefined) return known;
  const words = key.replace(/[-_]+/g, ' ').trim();
  return words === '' ? key : words[0]!.toUpperCase() + words.slice(1);
}

const CHANNEL_LABELS: Readonly<Record<string, string>> = { mobile: 'Mobile', pc: 'PC', offline: 'Offline (O2O)' };

export function channelName(key: string): string {
  return CHANNEL_LABELS[key] ?? key;
}
