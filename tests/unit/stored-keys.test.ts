import { formatQueryParams } from '@clickhouse/client-common';
import { describe, expect, it } from 'vitest';
import { STORED_KEYS_PARAM_BYTES, storedKeyGroups } from '../../server/store/orders.js';

/** The bytes of `ids` as the ClickHouse client sends an Array(String) parameter in a URL. */
function urlBytes(ids: readonly string[]): number {
  return new URLSearchParams({ param_ids: formatQueryParams({ value: ids }) }).toString().length;
}

describe('the ids of a store check, in groups', () => {
  it('keeps every group of a resent 50,000-line batch of long ids within the byte budget, each id once and in order', () => {
    // The longest ids the validator takes, with characters a URL must escape.
    const ids = Array.from({ length: 50_000 }, (_, i) => `order:${String(i).padStart(6, '0')}:`.padEnd(64, ':'));
    // 5,000 of them (the count limit alone) would take about 0.9 MB of URL.
    expect(urlBytes(ids.slice(0, 5000))).toBeGreaterThan(3 * STORED_KEYS_PARAM_BYTES);
    const groups = storedKeyGroups(ids);
    expect(groups.flat()).toEqual(ids);
    for (const g of groups) expect(urlBytes(g)).toBeLessThanOrEqual(STORED_KEYS_PARAM_BYTES);
    expect(groups.length).toBeGreaterThan(10);
  });

  it('groups short ids by count', () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => `o${i}`);
    expect(storedKeyGroups(ids).map((g) => g.length)).toEqual([5000, 5000, 2000]);
    expect(storedKeyGroups([])).toEqual([]);
  });
});
