import { Token } from 'aws-cdk-lib';
import { show } from '../private/validation';

/**
 * How a Debezium source writes its change events to Kafka.
 *
 * The ClickHouse sink writes a schemaless JSON record's fields into the columns of the same name (fields without a
 * column are dropped, missing fields take the column's default), so what arrives in ClickHouse is exactly the shape
 * of the record on the topic.
 */
export enum ChangeEventFormat {
  /**
   * One flat row per change, the row's state after it (Debezium's `ExtractNewRecordState`): the table's columns plus
   * `__op` (`c`, `r` for snapshot reads, `u`, `d`), `__source_ts_ms` (when the change was made in the database, epoch
   * milliseconds) and `__deleted` (`'true'` for a delete, which carries the row as it was before). Debezium's
   * tombstones are dropped. This is what `ClickHouseSinkConnector`'s `changeEvents` applies to a
   * `ReplacingMergeTree` table.
   */
  ROW = 'row',

  /** Debezium's change-event envelope as emitted (`before`, `after`, `source`, `op`, `ts_ms`), for envelope readers. */
  ENVELOPE = 'envelope',
}

/** A source of change-event topics a sink can apply, e.g. a `DebeziumMySqlSourceConnector`. */
export interface IChangeEventSource {
  /** Topic prefix: a table's topic is `<prefix>.<database>.<table>`. */
  readonly topicPrefix: string;

  /** The shape of the records on the topics. */
  readonly changeEventFormat: ChangeEventFormat;

  /**
   * The databases whose tables are captured, as Debezium's `database.include.list` gives them: each entry a plain name
   * or a Java regular expression matched against the whole database name (Debezium matches case-insensitively; a sink
   * that derives its topics from these entries matches topic names as written).
   * @default - all databases of the source
   */
  readonly capturedDatabases?: string[];
}

/** A column of a captured MySQL table. */
export interface MySqlColumn {
  /** Column name. */
  readonly name: string;

  /**
   * Its MySQL type as in `CREATE TABLE`, e.g. `BIGINT UNSIGNED`, `DECIMAL(12,2)`, `VARCHAR(64)`, `DATETIME(3)`.
   */
  readonly type: string;

  /**
   * Whether the column allows NULL.
   * @default false
   */
  readonly nullable?: boolean;
}

/** A captured MySQL table, as a `CREATE TABLE` for its ClickHouse copy needs it. */
export interface CapturedTable {
  /** The MySQL database. */
  readonly database: string;

  /** The MySQL table. */
  readonly table: string;

  /** Every column of the table, in order. */
  readonly columns: MySqlColumn[];

  /** The primary-key columns: the ClickHouse table's `ORDER BY`, which identifies a row across its versions. */
  readonly primaryKey: string[];
}

/** Options of {@link ChangeTable.createStatement}. */
export interface ChangeTableOptions {
  /** The ClickHouse database. */
  readonly database: string;
  /** The ClickHouse table. */
  readonly table: string;
}

/**
 * The ClickHouse side of the change-row contract: the columns change rows carry and the table they are applied to.
 */
export class ChangeTable {
  /** Debezium's operation (`c`, `r` for snapshot reads, `u`, `d`), added by the source (`add.fields=op`). */
  public static readonly OPERATION_COLUMN = '__op';
  /** When the change was made in the database (epoch milliseconds), added by the source (`add.fields=source.ts_ms`). */
  public static readonly SOURCE_TIMESTAMP_COLUMN = '__source_ts_ms';
  /** `'true'` for a delete, `'false'` otherwise, added by the source (delete rewriting). */
  public static readonly DELETED_COLUMN = '__deleted';
  /** The record's Kafka offset, added by the sink (Kafka Connect's `InsertField`): the row version. */
  public static readonly VERSION_COLUMN = '_version';
  /** 1 for a delete: computed by ClickHouse from `__deleted` (a MATERIALIZED column, which the sink never writes). */
  public static readonly IS_DELETED_COLUMN = 'is_deleted';

  /**
   * The ClickHouse type a MySQL column's values fit, as Debezium emits them with the settings
   * `DebeziumMySqlSourceConnector` uses for `ChangeEventFormat.ROW` (`decimal.handling.mode=string`, the default
   * `time.precision.mode`, schemaless JSON) and as ClickHouse's JSON input reads them:
   *
   * - integers are JSON numbers; `BIGINT UNSIGNED` values above 2^63-1 do not fit Debezium's default `long` handling;
   * - `DECIMAL` arrives as a quoted string, which ClickHouse's Decimal JSON input accepts;
   * - `DATE` arrives as days since the epoch, which Date32 reads from a bare JSON number;
   * - `DATETIME(0-3)` arrives as epoch milliseconds and `DATETIME(4-6)` as epoch microseconds; DateTime64 reads a bare
   *   JSON number as ticks of its own precision, so DateTime64(3) and DateTime64(6) hold them exactly (in UTC, as
   *   Debezium reads DATETIME);
   * - `TIMESTAMP` arrives as an ISO-8601 string in UTC, which needs `date_time_input_format=best_effort` (the sink's
   *   `changeEvents` sets it);
   * - `TIME` arrives as microseconds (Int64); `BIT(1)` as a boolean; binary types and `BIT(n)` as base64 text.
   */
  public static columnTypeOf(column: MySqlColumn): string {
    const base = mysqlBaseType(column.type.trim().toUpperCase().replace(/\s+/g, ' '));
    return column.nullable ? `Nullable(${base})` : base;
  }

  /**
   * The `CREATE TABLE` of a table that change rows (`ChangeEventFormat.ROW`, with the sink's `_version`) are applied
   * to: a `ReplacingMergeTree(_version, is_deleted)` ordered by the primary key. Query it with `FINAL` to see the
   * current rows: of each key's versions only the highest is kept, and dropped when it is a delete.
   */
  public static createStatement(captured: CapturedTable, options: ChangeTableOptions): string {
    return createChangeTableStatement(captured, options);
  }

  private constructor() {}
}

function mysqlBaseType(type: string): string {
  const unsigned = /\bUNSIGNED\b/.test(type);
  const name = type.replace(/\b(UNSIGNED|ZEROFILL|SIGNED)\b/g, '').trim();
  const m = /^([A-Z]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(name);
  const integers: { [k: string]: string } = { TINYINT: 'Int8', SMALLINT: 'Int16', MEDIUMINT: 'Int32', INT: 'Int32', INTEGER: 'Int32', BIGINT: 'Int64' };
  if (m && integers[m[1]]) {
    return unsigned ? `U${integers[m[1]]}` : integers[m[1]];
  }
  if (m && (m[1] === 'BOOL' || m[1] === 'BOOLEAN')) {
    return 'Int8';
  }
  if (m && (m[1] === 'DECIMAL' || m[1] === 'NUMERIC' || m[1] === 'DEC' || m[1] === 'FIXED')) {
    const precision = Number(m[2] ?? 10);
    const scale = Number(m[3] ?? 0);
    // MySQL 8.0 reference, "Fixed-Point Types": precision 1-65, scale 0-30 and at most the precision.
    if (precision < 1 || precision > 65 || scale > 30 || scale > precision) {
      throw new Error(`\`columns\` type ${show(type)} is not a MySQL DECIMAL: precision must be 1-65 and scale 0-30, at most the precision`);
    }
    return `Decimal(${precision}, ${scale})`;
  }
  if (m && m[1] === 'FLOAT') {
    return 'Float32';
  }
  if (m && (m[1] === 'DOUBLE' || m[1] === 'REAL')) {
    return 'Float64';
  }
  if (type === 'DOUBLE PRECISION') {
    return 'Float64';
  }
  if (m && ['CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'JSON'].includes(m[1])) {
    return 'String';
  }
  if (/^(ENUM|SET)\s*\(/.test(name)) {
    return 'String';
  }
  if (m && ['BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB'].includes(m[1])) {
    return 'String';
  }
  if (m && m[1] === 'BIT' && (Number(m[2] ?? 1) < 1 || Number(m[2] ?? 1) > 64)) {
    // MySQL 8.0 reference, "Bit-Value Type": BIT(M), M from 1 to 64.
    throw new Error(`\`columns\` type ${show(type)} is not a MySQL BIT: its width must be 1-64`);
  }
  if (m && m[1] === 'BIT') {
    return Number(m[2] ?? 1) === 1 ? 'Bool' : 'String';
  }
  if (m && m[1] === 'DATE') {
    return 'Date32';
  }
  if (m && (m[1] === 'DATETIME' || m[1] === 'TIMESTAMP' || m[1] === 'TIME') && (Number(m[2] ?? 0) > 6 || m[3] !== undefined)) {
    // MySQL 8.0 reference, "Fractional Seconds in Time Values": fsp is 0-6.
    throw new Error(`\`columns\` type ${show(type)} is not a MySQL ${m[1]}: its fractional-seconds precision must be 0-6`);
  }
  if (m && (m[1] === 'DATETIME' || m[1] === 'TIMESTAMP')) {
    const fsp = Number(m[2] ?? 0);
    return `DateTime64(${fsp <= 3 ? 3 : 6}, 'UTC')`;
  }
  if (m && m[1] === 'TIME') {
    return 'Int64';
  }
  if (m && m[1] === 'YEAR') {
    return 'UInt16';
  }
  throw new Error(`\`columns\` type ${show(type)} has no ClickHouse column this library maps Debezium's JSON for it to (integers, DECIMAL, FLOAT/DOUBLE, character, binary, BIT, DATE, DATETIME, TIMESTAMP, TIME, YEAR, ENUM, SET and JSON are mapped)`);
}

/** Quotes a ClickHouse identifier. */
function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

function createChangeTableStatement(captured: CapturedTable, options: ChangeTableOptions): string {
  if (captured.columns.length === 0) {
    throw new Error(`\`columns\` of ${show(`${captured.database}.${captured.table}`)} must not be empty, got []`);
  }
  if (captured.primaryKey.length === 0) {
    throw new Error(`\`primaryKey\` of ${show(`${captured.database}.${captured.table}`)} must name the key columns: a ReplacingMergeTree keeps one row per key, got []`);
  }
  const names = captured.columns.map((c) => c.name);
  const reserved = [ChangeTable.OPERATION_COLUMN, ChangeTable.SOURCE_TIMESTAMP_COLUMN, ChangeTable.DELETED_COLUMN,
    ChangeTable.VERSION_COLUMN, ChangeTable.IS_DELETED_COLUMN];
  for (const column of captured.columns) {
    if (Token.isUnresolved(column.name) || !/^[A-Za-z_][A-Za-z0-9_$]{0,63}$/.test(column.name)) {
      throw new Error(`\`columns\` names must be MySQL column names (letters, digits, '_', '$'; not starting with a digit), got ${show(column.name)}`);
    }
    if (reserved.includes(column.name)) {
      throw new Error(`\`columns\` ${show(column.name)} collides with a column the change rows add (${reserved.join(', ')})`);
    }
  }
  // MySQL column names are case-insensitive, and ClickHouse's JSON input matches fields by exact name: two names that
  // differ only in case are one MySQL column given twice.
  const lower = names.map((n) => n.toLowerCase());
  const duplicateAt = lower.findIndex((n, i) => lower.indexOf(n) !== i);
  if (duplicateAt >= 0) {
    const first = names[lower.indexOf(lower[duplicateAt])];
    const again = names[duplicateAt];
    throw new Error(first === again
      ? `\`columns\` names must be unique, got ${show(again)} twice`
      : `\`columns\` names must be unique ignoring case (MySQL column names are case-insensitive), got ${show(first)} and ${show(again)}`);
  }
  const keyDuplicate = captured.primaryKey.find((k, i) => captured.primaryKey.indexOf(k) !== i);
  if (keyDuplicate !== undefined) {
    throw new Error(`\`primaryKey\` must name each column once, got ${show(keyDuplicate)} twice`);
  }
  // MySQL 8.0 reference, "Schema Object Names": identifiers are at most 64 characters; database names are the ones
  // `capturedDatabases` accepts.
  if (!Token.isUnresolved(captured.database) && !/^[A-Za-z0-9_$]{1,64}$/.test(captured.database)) {
    throw new Error(`\`database\` must be a MySQL database name (1-64 letters, digits, '_' or '$'), got ${show(captured.database)}`);
  }
  if (!Token.isUnresolved(captured.table) && (captured.table.length === 0 || captured.table.length > 64)) {
    throw new Error(`\`table\` must be a MySQL table name of 1-64 characters, got ${show(captured.table)}`);
  }
  if (!Token.isUnresolved(options.table) && options.table.length === 0) {
    throw new Error('`table` of the ClickHouse table must not be empty, got \'\'');
  }
  for (const key of captured.primaryKey) {
    const column = captured.columns.find((c) => c.name === key);
    if (!column) {
      throw new Error(`\`primaryKey\` column ${show(key)} is not among \`columns\` (${names.join(', ')})`);
    }
    if (column.nullable) {
      throw new Error(`\`primaryKey\` column ${show(key)} must not be nullable (MySQL primary keys are NOT NULL)`);
    }
  }
  const width = Math.max(...[...names, ...reserved].map((n) => quoteIdentifier(n).length));
  const line = (name: string, type: string) => `    ${quoteIdentifier(name).padEnd(width)} ${type}`;
  const columns = [
    ...captured.columns.map((col) => line(col.name, ChangeTable.columnTypeOf(col))),
    line(ChangeTable.OPERATION_COLUMN, 'LowCardinality(String)'),
    line(ChangeTable.SOURCE_TIMESTAMP_COLUMN, "DateTime64(3, 'UTC')"),
    line(ChangeTable.DELETED_COLUMN, 'LowCardinality(String)'),
    line(ChangeTable.VERSION_COLUMN, 'UInt64'),
    line(ChangeTable.IS_DELETED_COLUMN, `UInt8 MATERIALIZED ${quoteIdentifier(ChangeTable.DELETED_COLUMN)} = 'true'`),
  ];
  return [
    `-- Change rows of MySQL ${captured.database}.${captured.table} (Debezium ExtractNewRecordState; ${ChangeTable.VERSION_COLUMN} = Kafka offset)`,
    `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(options.database)}.${quoteIdentifier(options.table)}`,
    '(',
    columns.join(',\n'),
    ')',
    `ENGINE = ReplacingMergeTree(${quoteIdentifier(ChangeTable.VERSION_COLUMN)}, ${quoteIdentifier(ChangeTable.IS_DELETED_COLUMN)})`,
    `ORDER BY (${captured.primaryKey.map(quoteIdentifier).join(', ')});`,
  ].join('\n') + '\n';
}
