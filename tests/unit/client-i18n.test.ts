import fc from 'fast-check';
import { formatAge, formatLag } from '../../client/format/age.js';
import { formatElapsedTick } from '../../client/charts/curve/transform.js';
import { afterEach, describe, expect, it } from 'vitest';
import { amountWords, compactCny, compactNumber } from '../../client/format/amount.js';
import { compactCnyZh, compactZh } from '../../client/format/compact-zh.js';
import { categoryName, channelName, countryName } from '../../client/format/names.js';
import { formatCny, formatCount } from '../../client/format/number.js';
import { parseGoTo } from '../../client/format/zoned.js';
import { currentLang, langFrom, setLang } from '../../client/i18n/lang.js';
import { STRINGS } from '../../client/i18n/strings.js';
import { fill, lookup, t } from '../../client/i18n/t.js';
import { connectionMark } from '../../client/live/select.js';
import { initialLiveState } from '../../client/live/state.js';

afterEach(() => setLang('en'));

const YUAN = 100n;
const UNIT_EXP: Readonly<Record<string, bigint>> = { '': 0n, 万: 4n, 亿: 8n, 万亿: 12n };

/** A compact Chinese figure read back into hundredths, and the size of one step of its last digit. */
function readBack(text: string): { hundredths: bigint; step: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(万亿|亿|万|)$/.exec(text);
  if (m === null) throw new Error(`not a compact figure: ${text}`);
  const frac = m[3] ?? '';
  const unit = 10n ** UNIT_EXP[m[4]!]! * YUAN;
  const scale = 10n ** BigInt(frac.length);
  const hundredths = (BigInt(m[2]! + frac) * unit) / scale;
  return { hundredths: m[1] === '-' ? -hundredths : hundredths, step: unit / scale };
}

describe('compact figures in 万 and 亿', () => {
  it('changes unit exactly at 1万, 1亿 and 1万亿', () => {
    expect(compactCnyZh(9_999_99)).toBe('¥9999');
    expect(compactCnyZh(10_000_00)).toBe('¥1万');
    expect(compactCnyZh(99_999_999_99)).toBe('¥9999万');
    expect(compactCnyZh(100_000_000_00)).toBe('¥1亿');
    expect(compactCnyZh(57_100_000_000_00)).toBe('¥571亿');
    expect(compactCnyZh(999_999_999_999_99)).toBe('¥9999亿');
    expect(compactCnyZh(1_000_000_000_000_00)).toBe('¥1万亿');
  });

  it('cuts digits instead of rounding, so a figure never reads larger than the truth', () => {
    expect(compactCnyZh(12_345_00)).toBe('¥1.23万');
    expect(compactCnyZh(19_999_99)).toBe('¥1.99万');
    expect(compactCnyZh(57_199_999_999_99)).toBe('¥571亿');
    expect(compactCnyZh(99_99)).toBe('¥99.9');
  });

  it('keeps the sign of a negative figure and cuts toward zero', () => {
    expect(compactCnyZh(-12_345_00)).toBe('¥-1.23万');
    expect(compactCnyZh(-57_100_000_000_00)).toBe('¥-571亿');
    expect(compactZh(-1n)).toBe('0');
  });

  it('is exact past 2^53 fen, where a double would round up to the next unit', () => {
    const big = 10n ** 20n - 1n;
    expect(big > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(compactCnyZh(big)).toBe('¥999999万亿');
    // The same figure through a double reads one unit higher: the reason the input is integer fen.
    expect(compactCnyZh(Number(big))).toBe('¥1000000万亿');
    expect(compactZh(2n ** 53n + 123_456_789n, 2)).toBe(compactZh(BigInt(2 ** 53) + 123_456_789n, 2));
  });

  it('never shows more than the truth and loses less than one step of its last digit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), (fen) => {
        const { hundredths, step } = readBack(compactZh(fen));
        const abs = fen < 0n ? -fen : fen;
        const shown = hundredths < 0n ? -hundredths : hundredths;
        expect(shown <= abs).toBe(true);
        expect(abs - shown < step).toBe(true);
        if (hundredths !== 0n) expect(hundredths < 0n).toBe(fen < 0n);
      }),
    );
  });
});

describe('the screen language', () => {
  it('is read from ?lang=, English for anything else', () => {
    expect(langFrom('?lang=zh-CN')).toBe('zh-CN');
    expect(langFrom('?kiosk=1&lang=zh-cn')).toBe('zh-CN');
    expect(langFrom('?lang=zh')).toBe('zh-CN');
    expect(langFrom('?lang=zh-Hans-CN')).toBe('zh-CN');
    expect(langFrom('?lang=en')).toBe('en');
    expect(langFrom('?lang=fr')).toBe('en');
    expect(langFrom('')).toBe('en');
  });

  it('switches the compact figures and milestone words, and leaves the hero and counts with every digit', () => {
    const fen = 57_123_456_789_01;
    const hero = formatCny(fen);
    expect(compactCny(fen)).toBe('¥57.1B');
    expect(amountWords(10_000_000_000_00)).toBe('10 billion');
    setLang('zh-CN');
    expect(currentLang()).toBe('zh-CN');
    expect(compactCny(fen)).toBe('¥571亿');
    expect(compactNumber(123_456)).toBe('12.3万');
    expect(amountWords(10_000_000_000_00)).toBe('100亿');
    expect(formatCny(fen)).toBe(hero);
    expect(hero.replace(/\D/g, '')).toBe(String(fen));
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it('names channels, categories and countries in the screen language', () => {
    const chinaEn = countryName('CN');
    setLang('zh-CN');
    expect(channelName('mobile')).toBe(STRINGS['zh-CN']['channel.mobile']);
    expect(categoryName('shoes-bags')).toBe(STRINGS['zh-CN']['category.shoes-bags']);
    expect(countryName('CN')).toBe(new Intl.DisplayNames(['zh-CN'], { type: 'region' }).of('CN'));
    expect(countryName('CN')).not.toBe(chinaEn);
    // Keys from data the dictionary does not know stay readable.
    expect(categoryName('gift_cards')).toBe('Gift cards');
    expect(channelName('kiosk')).toBe('kiosk');
  });

  it('says the replay go-to errors in the screen language', () => {
    const range = { fromMs: 0, toMs: 1000, timeZone: 'Asia/Shanghai' };
    setLang('zh-CN');
    expect(parseGoTo('nonsense', range)).toEqual({ ok: false, message: STRINGS['zh-CN']['goto.typeTime'] });
  });
});

describe('the dictionary', () => {
  it('has every English key in Chinese, none left empty or in English by mistake', () => {
    const en = Object.keys(STRINGS.en).sort();
    expect(Object.keys(STRINGS['zh-CN']).sort()).toEqual(en);
    for (const key of en) expect(STRINGS['zh-CN'][key as keyof typeof STRINGS.en]).not.toBe('');
    // Every Chinese line that is not pure figures and symbols carries Chinese characters.
    const untranslated = en.filter((k) => {
      const zh = STRINGS['zh-CN'][k as keyof typeof STRINGS.en];
      return /[A-Za-z]{3,}/.test(zh.replace(/\{\w+\}|GMV|O2O/g, '')) && !/\p{Script=Han}/u.test(zh);
    });
    expect(untranslated).toEqual([]);
  });

  it('falls back to English for a missing or empty entry, and to the key for an unknown one', () => {
    expect(lookup({}, 'kpi.orders')).toBe(STRINGS.en['kpi.orders']);
    expect(lookup({ 'kpi.orders': '' }, 'kpi.orders')).toBe(STRINGS.en['kpi.orders']);
    expect(lookup({ 'kpi.orders': '订单' }, 'kpi.orders')).toBe('订单');
    expect(lookup({}, 'no.such.key')).toBe('no.such.key');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(t('show.startsIn', { time: '00:05:00' })).toBe('starts in 00:05:00');
    expect(t('show.startsIn', { time: '00:05:00' }, 'zh-CN')).toBe('00:05:00 后开始');
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('the link mark', () => {
  it('says connecting in the screen language', () => {
    expect(connectionMark(initialLiveState, 0).label).toBe('connecting…');
    setLang('zh-CN');
    expect(connectionMark(initialLiveState, 0).label).toBe('连接中…');
  });
});

describe('short units and axis ticks', () => {
  it('says seconds, milliseconds and hours on the axis in the screen language', () => {
    expect([formatAge(400), formatAge(12_300), formatLag(240), formatElapsedTick(5400)]).toEqual([
      '0.4 s',
      '12 s',
      '240 ms',
      '1h30',
    ]);
    setLang('zh-CN');
    expect([formatAge(400), formatAge(12_300), formatLag(240), formatElapsedTick(5400)]).toEqual([
      '0.4秒',
      '12秒',
      '240毫秒',
      '1时30',
    ]);
    // Past a minute, an age is a clock reading in both.
    expect(formatAge(185_000)).toBe('00:03:05');
    // Under an hour the axis reads m:ss in both.
    expect(formatElapsedTick(90)).toBe('1:30');
  });
});
