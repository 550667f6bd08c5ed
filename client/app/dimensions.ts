import type { RankingProps } from '../charts/ranking/Ranking.js';
import { categoryName, channelName, countryName } from '../format/names.js';
import { cityName, provinceName } from '../format/places.js';
import type { FenBreakdowns } from '../live/decode.js';
import { t, type StringKey } from '../i18n/t.js';

export type Dimension = keyof FenBreakdowns;

const merchantName = (key: string) => key;

/**
 * How each breakdown dimension reads on every screen: the wall's rankings and the
 * exec screen's cards take their titles and key names from here, so they agree.
 * `nameOf` is a module-level function: memoised panels compare it by identity.
 * Titles are dictionary keys, looked up at render: the language is set after imports.
 */
export const DIMENSIONS: Readonly<Record<Dimension, { title: StringKey; nameOf: (key: string) => string }>> = {
  channel: { title: 'dimension.channel', nameOf: channelName },
  country: { title: 'dimension.country', nameOf: countryName },
  category: { title: 'dimension.category', nameOf: categoryName },
  merchant: { title: 'dimension.merchant', nameOf: merchantName },
  province: { title: 'dimension.province', nameOf: provinceName },
  city: { title: 'dimension.city', nameOf: cityName },
};

/** One dimension's rows as a ranking's props; its test id is `${prefix}-${dimension}`. */
export function dimensionProps(
  dimension: Dimension,
  breakdowns: FenBreakdowns | null,
  limit: number,
  prefix: string,
): RankingProps {
  const { title, nameOf } = DIMENSIONS[dimension];
  return { title: t(title), rows: breakdowns?.[dimension] ?? null, nameOf, limit, testId: `${prefix}-${dimension}` };
}
