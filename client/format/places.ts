/** Display names of the buyer's province and city keys (shared/provinces.ts; cities as sent). */
import { provinceOf } from '../../shared/provinces.js';
import { currentLang } from '../i18n/lang.js';
import { t } from '../i18n/t.js';

/** "33" → "Zhejiang" ("浙江" in Chinese); the key itself when it is no province code. */
export function provinceName(code: string): string {
  const p = provinceOf(code);
  if (!p) return code;
  return currentLang() === 'zh-CN' ? p.zh : p.en;
}

/** A city as the sender named it; "" (the board's cities past its cap) as "Other cities". */
export function cityName(city: string): string {
  return city === '' ? t('dimension.otherCities') : city;
}
