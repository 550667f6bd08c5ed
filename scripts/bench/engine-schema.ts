/**
 * The engine's side of the comparison uses the server's own schema, row format
 * and INSERT settings (imported, not copied, so the two cannot drift): the engine
 * does the same work per row (the orders part and three materialized views).
 */
import { ORDER_COLUMNS } from '../../server/store/orders.js';
import { migrations } from '../../server/store/schema.js';
import { INSERT_SETTINGS, settingsClause } from '../../server/store/settings.js';

export const ENGINE_DDL = ['CREATE DATABASE IF NOT EXISTS gmv', ...migrations('gmv').flat()];

/**
 * How the settings travel with an INSERT. "clause": in the statement's SETTINGS
 * clause, which is how the server's writer sends them (server/store/orders.ts).
 */
export type EngineStyle = 'clause';

/** The INSERT statement with its TabSeparated rows inline, as the server's writer sends it. */
export function insertSql(_style: EngineStyle, rows: string): string {
  return `INSERT INTO gmv.orders (${ORDER_COLUMNS.join(', ')}) SETTINGS ${settingsClause(INSERT_SETTINGS)} FORMAT TabSeparated\n${rows}`;
}
