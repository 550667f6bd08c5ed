// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecScreen } from '../../client/app/exec/ExecScreen.js';
import { rankRows } from '../../client/charts/ranking/transform.js';
import { cityName, provinceName } from '../../client/format/places.js';
import { setLang } from '../../client/i18n/lang.js';
import { decodeFigures } from '../../client/live/decode.js';
import { createLiveStore } from '../../client/live/store.js';
import { PROTOCOL_VERSION, type Snapshot } from '../../shared/protocol.js';
import { setupBoardDom } from '../fixtures/dom.js';

const START = 1_447_171_200_000;
setupBoardDom();
afterEach(() => setLang('en'));

const snapshot: Snapshot = {
  v: PROTOCOL_VERSION,
  seq: 1,
  asOfMs: START + 60_000,
  gross: { gmv: '1000.00', orders: 10 },
  net: { gmv: '1000.00', orders: 10 },
  rate: { ordersPerSec: 0, gmvPerSec: '0.00', peakOrdersPerSec: 0, peakSecond: null },
  breakdowns: {
    channel: [],
    country: [],
    category: [],
    merchant: [
      { key: 'm1', orders: 3, gmv: '600.00', name: '杭州兰亭服饰旗舰店' },
      { key: 'm2', orders: 1, gmv: '100.00' },
    ],
    province: [
      { key: '44', orders: 5, gmv: '500.00' },
      { key: '33', orders: 2, gmv: '300.00' },
    ],
    city: [
      { key: 'Shenzhen', orders: 4, gmv: '400.00' },
      { key: '', orders: 1, gmv: '50.00' },
    ],
  },
  newestEventMs: START + 59_000,
  committedAtMs: 1_000,
  sentAtMs: 1_100,
  healthy: true,
  pace: { vsLastYearPct: null, projectedGmv: null, lastYearSoFar: null },
  milestones: [],
  arcs: [],
  ordersPerArc: 0,
  show: {
    id: '2015',
    name: 'Gala 2015',
    startMs: START,
    endMs: START + 86_400_000,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    usdRate: null,
    milestones: [],
    compareTo: null,
    clock: 'events',
  },
  series: [],
  lastYear: null,
};

function names(el: Element, testId: string): string[] {
  return [...(el.querySelector(`[data-testid="${testId}"]`)?.querySelectorAll('.exec-row-name') ?? [])].map(
    (e) => e.textContent ?? '',
  );
}

describe('province and city rankings on /exec', () => {
  it('shows provinces by name in English and Chinese, cities as sent and the cities past the cap as other cities', () => {
    for (const [lang, provinces, other] of [
      ['en', ['Guangdong', 'Zhejiang'], 'Other cities'],
      ['zh-CN', ['广东', '浙江'], '其他城市'],
    ] as const) {
      setLang(lang);
      const store = createLiveStore();
      const el = document.createElement('div');
      document.body.append(el);
      const root = createRoot(el);
      act(() => root.render(createElement(ExecScreen, { store })));
      act(() => store.dispatch({ type: 'snapshot', snapshot, atMs: 2_000 }));
      expect(names(el, 'exec-province')).toEqual(provinces);
      expect(names(el, 'exec-city')).toEqual(['Shenzhen', other]);
      act(() => root.unmount());
      el.remove();
    }
  });

  it('shows nothing to rank from an older server that sends no province or city', () => {
    const older = { ...snapshot, breakdowns: { channel: [], country: [], category: [], merchant: [] } };
    const f = decodeFigures(older);
    expect(f.breakdowns.province).toEqual([]);
    expect(f.breakdowns.city).toEqual([]);
  });
});

describe('merchant display names', () => {
  it("ranks a merchant under the server's display name, and an unknown one under its id", () => {
    const f = decodeFigures(snapshot);
    expect(rankRows(f.breakdowns.merchant, (k) => k, 10).map((r) => r.name)).toEqual(['杭州兰亭服饰旗舰店', 'm2']);
  });

  it('names a province code, and leaves anything else as it is', () => {
    expect(provinceName('65')).toBe('Xinjiang');
    setLang('zh-CN');
    expect(provinceName('65')).toBe('新疆');
    expect(provinceName('71')).toBe('71');
    expect(cityName('Hangzhou')).toBe('Hangzhou');
  });
});
