/**
 * An independent model of what happens to a Debezium change event on its way to a ClickHouse row, driven only by the
 * deployed connector configurations (read from the synthesized templates) and a CREATE TABLE text. It shares no code
 * with lib/. Each step follows the sources it cites:
 *
 * 1. Debezium's ExtractNewRecordState on the source (debezium/debezium v1.9.7.Final ExtractNewRecordState.java;
 *    v2.7.4.Final and v3.0.8.Final AbstractExtractNewRecordState.java + extractnewstate/DefaultDeleteHandlingStrategy
 *    and LegacyDeleteHandlingStrategy): `delete.tombstone.handling.mode` when set (2.5+), else the legacy
 *    `delete.handling.mode` (default drop) and `drop.tombstones` (default true). In rewrite mode a create/read/update
 *    becomes `after` + `__deleted: "false"`, a delete becomes `before` + `__deleted: "true"` (a string: InsertField
 *    static value), tombstones are dropped; `add.fields` adds `<prefix><field>` or `<prefix><struct>_<field>`.
 * 2. Kafka gives the surviving records consecutive offsets in the partition.
 * 3. Kafka Connect's InsertField$Value on the sink (apache/kafka 3.7.0 InsertField.java): `offset.field` puts the
 *    record's Kafka offset (a long) into a schemaless value; a null value passes unchanged.
 * 4. The ClickHouse sink 1.3.5 (ClickHouse/clickhouse-kafka-connect v1.3.5 ClickHouseWriter.doInsertJsonV1,
 *    ClickHouseHelperClient.describeTableV1): a schemaless record is inserted as JSONEachRow; columns that are
 *    MATERIALIZED, ALIAS or EPHEMERAL are not among the table's columns, fields without a column are removed
 *    (cleanupExtraFields), a null record value is skipped, and Gson (its JSON writer at 1.3.5) leaves null fields out,
 *    so ClickHouse fills them like omitted ones: NULL in a Nullable column, the type's zero value otherwise (both
 *    modelled below as reading a null).
 * 5. ClickHouse's JSON input (ClickHouse/ClickHouse src/DataTypes/Serializations): a Decimal reads a number or a
 *    quoted number (SerializationDecimal::deserializeTextJSON), Date32 reads a bare number as days
 *    (SerializationDate32), DateTime64 reads a bare number as ticks of its precision and a quoted string with the
 *    `date_time_input_format` parser (SerializationDateTime64::deserializeTextJSON; `basic` takes
 *    `YYYY-MM-DD hh:mm:ss[.f]`, `best_effort` also ISO 8601 with `T` and `Z`). Here a null into a non-Nullable column
 *    and an omitted field are contract failures: ClickHouse would silently write the type's default.
 * 6. ReplacingMergeTree(ver, is_deleted) with FINAL: per sorting key the row with the highest `ver` (the last inserted
 *    on a tie), left out when its `is_deleted` is 1.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface KafkaRecord {
  readonly key: Json;
  readonly value: { [key: string]: Json } | null;
}

export interface TopicRecord extends KafkaRecord {
  readonly offset: number;
}

/** Step 1 and 2: the source's ExtractNewRecordState as configured, then the offsets Kafka gives. */
export function sourceToTopic(config: Record<string, string>, envelopes: KafkaRecord[]): TopicRecord[] {
  const aliases = (config.transforms ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  let records: KafkaRecord[] = envelopes;
  for (const alias of aliases) {
    const p = `transforms.${alias}.`;
    if (config[`${p}type`] !== 'io.debezium.transforms.ExtractNewRecordState') {
      throw new Error(`model: unknown source transform ${config[`${p}type`]}`);
    }
    records = records.flatMap((r) => extractNewRecordState(config, p, r));
  }
  return records.map((r, offset) => ({ ...r, offset }));
}

function extractNewRecordState(config: Record<string, string>, p: string, record: KafkaRecord): KafkaRecord[] {
  const modern = config[`${p}delete.tombstone.handling.mode`];
  const legacyDeletes = config[`${p}delete.handling.mode`] ?? 'drop';
  const dropTombstones = (config[`${p}drop.tombstones`] ?? 'true') === 'true';
  const rewrite = modern ? ['rewrite', 'rewrite-with-tombstone'].includes(modern) : legacyDeletes === 'rewrite';
  const prefix = config[`${p}add.fields.prefix`] ?? '__';
  const fields = (config[`${p}add.fields`] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  if (record.value === null) {
    const keep = modern ? modern === 'rewrite-with-tombstone' : !dropTombstones;
    return keep ? [record] : [];
  }
  const envelope = record.value;
  const added: { [key: string]: Json } = {};
  for (const f of fields) {
    const [struct, field] = f.includes('.') ? f.split('.', 2) : [undefined, f];
    const value = struct ? (envelope[struct] as { [key: string]: Json } | null)?.[field] ?? null : envelope[field] ?? null;
    added[prefix + (struct ? `${struct}_${field}` : field)] = value;
  }
  if (envelope.op === 'd') {
    if (modern === 'drop' || (!modern && legacyDeletes === 'drop')) {
      return [];
    }
    if (!rewrite) {
      return [{ key: record.key, value: null }];
    }
    return [{ key: record.key, value: { ...(envelope.before as object), ...added, __deleted: 'true' } }];
  }
  const after = { ...(envelope.after as object), ...added };
  return [{ key: record.key, value: rewrite ? { ...after, __deleted: 'false' } : after }];
}

/** Step 3: the sink's transforms as configured (InsertField only). */
export function sinkTransforms(config: Record<string, string>, records: TopicRecord[]): TopicRecord[] {
  const aliases = (config.transforms ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  return records.map((r) => {
    let value = r.value;
    for (const alias of aliases) {
      const p = `transforms.${alias}.`;
      if (config[`${p}type`] !== 'org.apache.kafka.connect.transforms.InsertField$Value') {
        throw new Error(`model: unknown sink transform ${config[`${p}type`]}`);
      }
      const field = config[`${p}offset.field`]?.replace(/[!?]$/, '');
      if (value !== null && field) {
        value = { ...value, [field]: r.offset };
      }
    }
    return { ...r, value };
  });
}

export interface ColumnDef {
  readonly name: string;
  readonly type: string;
  /** The expression of a MATERIALIZED column. */
  readonly materialized?: string;
}

export interface TableDef {
  readonly name: string;
  readonly columns: ColumnDef[];
  readonly engine: { readonly version: string; readonly isDeleted: string };
  readonly orderBy: string[];
}

/** Parses the CREATE TABLE the library documents (one column a line). */
export function parseCreateTable(sql: string): TableDef {
  const body = sql.replace(/^--.*$/gm, '');
  const name = /CREATE TABLE(?: IF NOT EXISTS)?\s+(\S+)/.exec(body)![1];
  const inner = body.slice(body.indexOf('(') + 1, body.lastIndexOf(')\nENGINE'));
  const unq = (s: string) => s.trim().replace(/^`|`$/g, '');
  const columns = inner.split(',\n').map((line) => {
    const m = /^\s*`([^`]+)`\s+(.+?)\s*$/s.exec(line)!;
    const mat = /^(.*?)\s+MATERIALIZED\s+(.+)$/.exec(m[2]);
    return mat ? { name: m[1], type: mat[1], materialized: mat[2] } : { name: m[1], type: m[2] };
  });
  const engine = /ENGINE = ReplacingMergeTree\(([^,]+),\s*([^)]+)\)/.exec(body)!;
  const orderBy = /ORDER BY \(([^)]*)\)/.exec(body)![1].split(',').map(unq);
  return { name, columns, engine: { version: unq(engine[1]), isDeleted: unq(engine[2]) }, orderBy };
}

export type Cell = null | boolean | number | bigint | string;
export type Row = { [column: string]: Cell };

/** Steps 4 and 5: the row ClickHouse stores for one record, or the reasons it does not fit the table. */
export function insert(table: TableDef, value: { [key: string]: Json }, settings: Record<string, string>): { row?: Row; problems: string[] } {
  const problems: string[] = [];
  const writable = table.columns.filter((c) => c.materialized === undefined);
  const row: Row = {};
  for (const column of writable) {
    if (!(column.name in value)) {
      problems.push(`column ${column.name} gets no field (ClickHouse would write its default)`);
      continue;
    }
    const parsed = readJson(column.type, value[column.name], settings);
    if (typeof parsed === 'string' && parsed.startsWith('!')) {
      problems.push(`column ${column.name} ${column.type}: ${parsed.slice(1)}`);
    } else {
      row[column.name] = parsed as Cell;
    }
  }
  for (const field of Object.keys(value)) {
    if (!writable.some((c) => c.name === field) && table.columns.some((c) => c.name === field)) {
      problems.push(`field ${field} names a MATERIALIZED column`);
    }
  }
  for (const column of table.columns.filter((c) => c.materialized !== undefined)) {
    const m = /^`?(\w+)`?\s*=\s*'([^']*)'$/.exec(column.materialized!);
    if (!m) {
      problems.push(`model: cannot evaluate ${column.materialized}`);
      continue;
    }
    row[column.name] = row[m[1]] === m[2] ? 1 : 0;
  }
  return problems.length > 0 ? { problems } : { row, problems };
}

const INT_RANGE: { [t: string]: [bigint, bigint] } = {
  Int8: [-128n, 127n],
  Int16: [-32768n, 32767n],
  Int32: [-(2n ** 31n), 2n ** 31n - 1n],
  Int64: [-(2n ** 63n), 2n ** 63n - 1n],
  UInt8: [0n, 255n],
  UInt16: [0n, 65535n],
  UInt32: [0n, 2n ** 32n - 1n],
  UInt64: [0n, 2n ** 64n - 1n],
};

/** ClickHouse's JSON input for one value of a column type; a string starting with `!` is a refusal. */
function readJson(type: string, value: Json, settings: Record<string, string>): Cell | string {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  if (nullable) {
    return value === null ? null : readJson(nullable[1], value, settings);
  }
  const lowCard = /^LowCardinality\((.*)\)$/.exec(type);
  if (lowCard) {
    return readJson(lowCard[1], value, settings);
  }
  if (value === null) {
    return '!null into a column that is not Nullable';
  }
  if (INT_RANGE[type]) {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
    if (text === undefined || !/^-?\d+$/.test(text)) {
      return `!${JSON.stringify(value)} is not an integer`;
    }
    const n = BigInt(text);
    const [lo, hi] = INT_RANGE[type];
    return n < lo || n > hi ? `!${text} is out of range` : n;
  }
  const decimal = /^Decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    const m = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) {
      return `!${JSON.stringify(value)} is not a decimal number`;
    }
    const [p, s] = [Number(decimal[1]), Number(decimal[2])];
    if (m[1].replace(/^0+(?=\d)/, '').length > p - s || (m[2] ?? '').replace(/0+$/, '').length > s) {
      return `!${text} does not fit Decimal(${p}, ${s})`;
    }
    return text;
  }
  if (type === 'Float32' || type === 'Float64') {
    return typeof value === 'number' ? value : `!${JSON.stringify(value)} is not a number`;
  }
  if (type === 'String') {
    return typeof value === 'string' ? value : `!${JSON.stringify(value)} is not a string`;
  }
  if (type === 'Bool') {
    return typeof value === 'boolean' ? value : `!${JSON.stringify(value)} is not a boolean`;
  }
  if (type === 'Date32') {
    if (typeof value === 'number' && Number.isInteger(value)) {
      return new Date(value * 86400000).toISOString().slice(0, 10);
    }
    return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : `!${JSON.stringify(value)} is not a date`;
  }
  const dt64 = /^DateTime64\((\d)(?:,\s*'([^']+)')?\)$/.exec(type);
  if (dt64) {
    const precision = Number(dt64[1]);
    if (typeof value === 'number' && Number.isInteger(value)) {
      // Ticks of the column's precision.
      const ms = value / 10 ** (precision - 3);
      return new Date(ms).toISOString();
    }
    if (typeof value !== 'string') {
      return `!${JSON.stringify(value)} is not a date-time`;
    }
    const basic = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value);
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value);
    if (basic || (iso && settings.date_time_input_format === 'best_effort')) {
      return new Date(basic ? `${value.replace(' ', 'T')}Z` : value).toISOString();
    }
    return `!${JSON.stringify(value)} does not parse with date_time_input_format=${settings.date_time_input_format ?? 'basic'}`;
  }
  return `!model: no JSON reader for ${type}`;
}

/** Step 6: `SELECT * FROM t FINAL`. */
export function final(table: TableDef, rows: Row[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const key = JSON.stringify(table.orderBy.map((k) => String(row[k])));
    const current = byKey.get(key);
    const version = (r: Row) => BigInt(r[table.engine.version] as bigint);
    if (!current || version(row) >= version(current)) {
      byKey.set(key, row);
    }
  }
  return [...byKey.values()].filter((r) => r[table.engine.isDeleted] !== 1);
}
