/**
 * The engine's side of the comparison uses the server's own schema, row format
 * and INSERT settings (imported, not copied, so the two cannot drift): the engine
 * does the same work per row (the orders part, its materialized views and projection).
 */
import { ORDER_COLUMNS, encodeOrders, migrations, INSERT_SETTINGS, settingsClause } from '../../server/tools/engine.js';
import { DEFAULT_CATEGORIES, validateOrder, type Order } from '../../shared/order.js';
import { DEFAULT_SHOWS, resolveShow } from '../../shared/show.js';
import { bodyLines } from './payload.js';

const ctx = { shows: DEFAULT_SHOWS.map(resolveShow), categories: new Set<string>(DEFAULT_CATEGORIES) };

/**
 * One generated NDJSON body as the rows the server's writer sends to ClickHouse: validated,
 * converted (CNY gmv, epoch-seconds time) and encoded TabSeparated by the same shared code.
 */
export function engineRows(body: string): Buffer {
  const orders: Order[] = [];
  for (const line of bodyLines(body)) {
    const check = validateOrder(JSON.parse(line), ctx);
    if (!check.ok) throw new Error(`engine: generated order rejected: ${check.message}`);
    orders.push(check.order);
  }
  return encodeOrders(orders);
}

export const ENGINE_DDL = ['CREATE DATABASE IF NOT EXISTS gmv', ...migrations('gmv').flat()];

/**
 * The DDL of a schema variant, for measuring what each part of the schema costs
 * an INSERT: `current` (every migration, as the server runs) or `schema<N>` (the
 * first N migrations), each optionally followed by `-<part>` for each part taken
 * off afterwards: a rollup (`-dims_by_second` drops the view `dims_by_second_mv`)
 * or the projection (`-by_ts`); or `bare` (the current orders table alone) with
 * `+<part>` for each part kept. E.g. `schema2-by_ts`, `bare+merchant_by_hour`.
 */
export function engineDdl(variant: string): string[] {
  const [base, ...parts] = variant.split(/(?=[-+])/);
  const steps = migrations('gmv');
  const n = base === 'current' || base === 'bare' ? steps.length : Number(/^schema(\d+)$/.exec(base ?? '')?.[1]);
  if (!Number.isInteger(n) || n < 1 || n > steps.length) {
    throw new Error(`unknown schema "${base}": current, bare or schema1..schema${steps.length}`);
  }
  const ddl = steps.slice(0, n).flat();
  // The parts this schema has: the views it creates and does not drop again, and the projection.
  const views = (re: RegExp) => ddl.flatMap((d) => re.exec(d)?.[1] ?? []);
  const dropped = views(/^DROP VIEW IF EXISTS gmv\.(\w+)_mv/);
  const all = [...views(/^CREATE MATERIALIZED VIEW IF NOT EXISTS gmv\.(\w+)_mv /).filter((v) => !dropped.includes(v))];
  if (ddl.some((d) => d.includes('ADD PROJECTION IF NOT EXISTS by_ts'))) all.push('by_ts');
  for (const p of parts) {
    const name = p.slice(1);
    if (p[0] !== (base === 'bare' ? '+' : '-') || !all.includes(name)) {
      throw new Error(`bad part "${p}" in ${variant}: ${base === 'bare' ? '+' : '-'}<${all.join('|')}>`);
    }
  }
  const names = parts.map((p) => p.slice(1));
  const drops = base === 'bare' ? all.filter((a) => !names.includes(a)) : names;
  return [
    'CREATE DATABASE IF NOT EXISTS gmv',
    ...ddl,
    ...drops.map((d) => (d === 'by_ts' ? 'ALTER TABLE gmv.orders DROP PROJECTION by_ts' : `DROP VIEW gmv.${d}_mv`)),
  ];
}

/**
 * How the settings travel with an INSERT. "clause": in the statement's SETTINGS
 * clause, which is how the server's writer sends them (server/store/orders.ts).
 */
export type EngineStyle = 'clause';

/** The INSERT statement with its TabSeparated rows inline, as the server's writer sends it. */
export function insertSql(_style: EngineStyle, rows: string): string {
  return `INSERT INTO gmv.orders (${ORDER_COLUMNS.join(', ')}) SETTINGS ${settingsClause(INSERT_SETTINGS)} FORMAT TabSeparated\n${rows}`;
}
