/**
 * Where tables live: on one node (chDB or a single server), or sharded and
 * replicated on a ClickHouse cluster. On a cluster every table `<name>` is a
 * Distributed table over `<name>_local` (Replicated*MergeTree on every node), so
 * reads and inserts elsewhere use the same names either way; DDL and mutations
 * address the local tables ON CLUSTER.
 *
 * Identifiers come from the checked configuration only (plain identifiers).
 */
export class Layout {
  constructor(
    readonly db: string,
    readonly cluster: string | null = null,
  ) {}

  /** ` ON CLUSTER <c>` on a cluster, else nothing. */
  get on(): string {
    return this.cluster ? ` ON CLUSTER ${this.cluster}` : '';
  }

  /** The table that holds this node's rows: what views read and write, and mutations change. */
  local(name: string): string {
    return this.cluster ? `${this.db}.${name}_local` : `${this.db}.${name}`;
  }

  /** The target of a mutation or partition change: the local table, on every node of the cluster. */
  mutable(name: string): string {
    return `${this.local(name)}${this.on}`;
  }

  /**
   * CREATE TABLE statements for one table. `columns` is the parenthesised column
   * list and `keys` what follows the engine, both verbatim (on one node the output
   * is exactly the statement as first written, which existing installs applied).
   * On a cluster: the replicated local table, then the Distributed table over it.
   */
  table(spec: {
    name: string;
    columns: string;
    engine: 'MergeTree' | `SummingMergeTree(${string})` | `ReplacingMergeTree(${string})`;
    keys: string;
    /** Sharding key of the Distributed table (which shard an inserted row goes to). */
    shardBy?: string;
  }): string[] {
    const { name, columns, engine, keys } = spec;
    if (!this.cluster) return [`CREATE TABLE IF NOT EXISTS ${this.db}.${name} ${columns} ENGINE = ${engine}${keys}`];
    const [, kind, args] = /^(\w+)(?:\((.*)\))?$/s.exec(engine)!;
    // One replication path per shard and table; {shard} and {replica} are each node's macros.
    const path = `'/clickhouse/tables/{shard}/${this.db}/${name}', '{replica}'`;
    const replicated = `Replicated${kind}(${path}${args ? `, ${args}` : ''})`;
    return [
      `CREATE TABLE IF NOT EXISTS ${this.local(name)}${this.on} ${columns} ENGINE = ${replicated}${keys}`,
      `CREATE TABLE IF NOT EXISTS ${this.db}.${name}${this.on} AS ${this.local(name)}
      ENGINE = Distributed(${this.cluster}, ${this.db}, ${name}_local, ${spec.shardBy ?? 'rand()'})`,
    ];
  }

  /**
   * CREATE TABLE statements for a table with the columns of `like` and its own engine and
   * keys. On a cluster: the replicated local table (its replication path the one given, by
   * default /clickhouse/tables/{shard}/<db>/<name>), then the Distributed table over it.
   */
  tableLike(spec: {
    name: string;
    like: string;
    engine: `SummingMergeTree(${string})`;
    keys: string;
    /** A replication path of its own; `{uuid}`: a new one each time the table is created. */
    path?: string;
  }): string[] {
    const { name, like, engine, keys } = spec;
    if (!this.cluster)
      return [`CREATE TABLE IF NOT EXISTS ${this.db}.${name} AS ${this.db}.${like} ENGINE = ${engine} ${keys}`];
    const [, kind, args] = /^(\w+)\((.*)\)$/s.exec(engine)!;
    const path = `'${spec.path ?? `/clickhouse/tables/{shard}/${this.db}/${name}`}', '{replica}'`;
    return [
      `CREATE TABLE IF NOT EXISTS ${this.local(name)}${this.on} AS ${this.local(like)} ENGINE = Replicated${kind}(${path}, ${args}) ${keys}`,
      `CREATE TABLE IF NOT EXISTS ${this.db}.${name}${this.on} AS ${this.local(name)}
      ENGINE = Distributed(${this.cluster}, ${this.db}, ${name}_local, rand())`,
    ];
  }

  /**
   * A view's stored SELECT (`as_select`), made to read every shard: on a cluster it
   * reads this node's `orders_local`, and the same SELECT over the Distributed
   * `orders` reads all orders. Throws if the view does not read orders_local.
   */
  acrossShards(asSelect: string): string {
    if (!this.cluster) return asSelect;
    const local = new RegExp(`(?<![\\w\`.])\`?${this.db}\`?\\.\`?orders_local\`?(?![\\w\`])`, 'g');
    const out = asSelect.replace(local, `${this.db}.orders`);
    if (out === asSelect) throw new Error(`view does not read ${this.db}.orders_local: ${asSelect}`);
    return out;
  }

  /**
   * The materialized view `<target>_mv` from orders into a rollup. `select(from)`
   * is the text after AS, the view's SELECT over the given orders table: on a
   * cluster each shard rolls up its own rows into its local rollup, and reads sum
   * the rollup across shards.
   */
  view(target: string, select: (from: string) => string): string {
    return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${this.db}.${target}_mv${this.on} TO ${this.local(target)} AS${select(this.local('orders'))}`;
  }

  /**
   * DROP statements for a rollup and the view `<name>_mv` that feeds it: the view
   * first, so no INSERT writes to the table as it goes. On a cluster the
   * Distributed table, then the local tables, on every node. SYNC: the disk space
   * comes back now, not after the Atomic database's delay.
   */
  dropRollup(name: string): string[] {
    return [
      `DROP VIEW IF EXISTS ${this.db}.${name}_mv${this.on} SYNC`,
      ...(this.cluster ? [`DROP TABLE IF EXISTS ${this.db}.${name}${this.on} SYNC`] : []),
      `DROP TABLE IF EXISTS ${this.local(name)}${this.on} SYNC`,
    ];
  }
}
