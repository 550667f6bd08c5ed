/**
 * The one door from the benches that measure the engine in process (scripts/bench/engine-*.ts,
 * fullday.ts, seek.ts) to the server's store: its configuration, schema, row format, insert
 * and read settings, exactly as the server uses them. Every other bench is an outside client
 * (HTTP, socket.io, shared/ only). What passes here is what such a bench may depend on; a
 * change to any of it is a change to what those benches measure.
 */
export { loadConfig } from '../config.js';
export { REPLAY_QUERY_SETTINGS } from '../replay/reads.js';
export { dropShow, storedOrders } from '../store/bulk.js';
export { openStore, type StoreHandle } from '../store/client.js';
export { INSERTED_TABLES } from '../store/durability.js';
export { ORDER_COLUMNS, encodeOrders } from '../store/orders.js';
export { bootstrap, migrate, migrations } from '../store/schema.js';
export { INSERT_SETTINGS, settingsClause } from '../store/settings.js';
