import type { Readable } from 'node:stream';
import type { ClickHouseSettings } from '@clickhouse/client';
import type { Dimension, SeriesStep } from '../../shared/history.js';
import type { Show } from '../../shared/show.js';
import type { StoreHandle } from './client.js';
import { seriesQuery } from './history.js';
import { liveMarks } from './marks.js';
import { dimensionQuery, type BoundQuery, type Range } from './ranges.js';
import { QUERY_SETTINGS, settingsClause } from './settings.js';

export type ExportFormat = 'csv' | 'parquet';

/**
 * CSV is for spreadsheets: times as RFC 3339 UTC text, amounts as plain decimals
 * with two places. Parquet keeps the types: a UTC timestamp (ms) and Decimal(38, 2).
 */
const TIME: Record<ExportFormat, string> = {
  csv: "formatDateTime(toDateTime(b, 'UTC'), '%Y-%m-%dT%H:%i:%SZ', 'UTC')",
  parquet: "toDateTime64(b, 3, 'UTC')",
};
const FORMAT: Record<ExportFormat, string> = { csv: 'CSVWithNames', parquet: 'Parquet' };

/**
 * A text cell of a CSV export, neutralised against formula injection (OWASP): a value starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet shows
 * it as text instead of running it. The rule is by type: every String column of a CSV export
 * goes through this; numbers (orders, gmv, netGmv…) are UInt and Decimal columns, never touched,
 * so `-12.50` stays a number. ClickHouse's CSV quotes every String cell (`"` doubled inside).
 */
function csvText(expr: string): string {
  return `if(substring(${expr}, 1, 1) IN ('=', '+', '-', '@', '\\t', '\\r'), concat('''', ${expr}), ${expr})`;
}

/** Settings of an export: the read settings, decimals printed with their two places. */
const EXPORT_SETTINGS: ClickHouseSettings = {
  ...QUERY_SETTINGS,
  output_format_decimal_trailing_zeros: 1,
  output_format_parquet_compression_method: 'zstd',
};

/** A series export: t, orders, gmv, refunds, refundGmv, netGmv; one row per non-empty step. */
export function seriesExport(
  store: StoreHandle,
  show: Show,
  range: Range,
  step: SeriesStep,
  format: ExportFormat,
): BoundQuery {
  const q = seriesQuery(store, show, range, step);
  const time = format === 'csv' ? csvText(TIME.csv) : TIME.parquet;
  return {
    query: `SELECT ${time} AS t, so AS orders, sg AS gmv, ro AS refunds, rg AS refundGmv, ng AS netGmv
            FROM (${q.query}) ORDER BY b`,
    query_params: q.query_params,
  };
}

/** A breakdown export: dimension, key, orders, gmv of sales; largest GMV first, ties by key. */
export function breakdownExport(
  store: StoreHandle,
  show: string,
  range: Range,
  dimension: Dimension,
  limit: number,
  format: ExportFormat,
): BoundQuery {
  const text = format === 'csv' ? csvText : (expr: string) => expr;
  // Null when nothing can be summed (merchants within one minute): a file with only its header.
  const q = dimensionQuery(store, show, range, [dimension]) ?? {
    query: "SELECT '' AS d, '' AS k, toUInt64(0) AS orders, toDecimal128(0, 2) AS gmv WHERE 0",
    query_params: {},
  };
  return {
    // Ties are ordered by the key as stored, the order /breakdowns gives.
    query: `SELECT ${text('d')} AS dimension, ${text('k')} AS key, orders, gmv FROM (${q.query})
            ORDER BY gmv DESC, k LIMIT {limit:UInt32}`,
    query_params: { ...q.query_params, limit },
  };
}

/**
 * A marks export: at, kind, label of the show's run-of-show marks with `at` in the range, by `at`.
 * In CSV `at` is RFC 3339 UTC text with milliseconds; in Parquet a UTC timestamp (ms).
 */
export function marksExport(store: StoreHandle, show: string, range: Range, format: ExportFormat): BoundQuery {
  const text = format === 'csv' ? csvText : (expr: string) => expr;
  const at = format === 'csv' ? text("concat(replaceOne(toString(at_t, 'UTC'), ' ', 'T'), 'Z')") : 'at_t';
  return {
    query: `SELECT ${at} AS at, ${text('kind')} AS kind, ${text('label')} AS label FROM (${liveMarks(store)})
            WHERE at_t >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
              AND at_t < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
            ORDER BY at_t, created_t, id`,
    query_params: { show, fromMs: range.fromMs, toMs: range.toMs },
  };
}

/**
 * Runs an export and hands back ClickHouse's own output as a byte stream: nothing
 * is parsed or held here. (Over HTTP ClickHouse streams it; the embedded engine
 * produces the whole result before the first byte.)
 */
export async function runExport(store: StoreHandle, q: BoundQuery, format: ExportFormat): Promise<Readable> {
  const result = await store.client.exec({
    query: `${q.query} SETTINGS ${settingsClause(EXPORT_SETTINGS)} FORMAT ${FORMAT[format]}`,
    query_params: q.query_params,
  });
  return result.stream;
}
