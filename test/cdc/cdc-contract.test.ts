import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AuroraMySqlCdcSource, ChangeEventFormat, ChangeTable, ClickHouseEndpoint, ClickHouseSinkConnector, ClickHouseSinkConnectorProps,
  DebeziumMySqlSourceConnector, DebeziumVersion, MskCluster, MySqlCdcToClickHouseStack, PrivateSubnetWithNat, SinkValueFormat,
} from '../../lib';
import { final, insert, KafkaRecord, parseCreateTable, Row, sinkTransforms, sourceToTopic } from '../support/cdc-pipeline-model';
import { testApp } from '../support/compliance';
import { CDC_EXAMPLE, EXAMPLE_SHA256, ORDERS } from '../support/fixtures';

// The data contract of the CDC pipeline, proved on Debezium's event shapes: the deployed connector configurations
// (read back from the templates) and the generated CREATE TABLE drive an independent model of every step between
// the MySQL row and the ClickHouse row (test/support/cdc-pipeline-model.ts cites each step's source).

const EVENTS: KafkaRecord[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'debezium-2.7-mysql-orders.json'), 'utf8')).records;

function configOf(stack: Stack, connectorClass: string): Record<string, string> {
  const connectors = Object.values(Template.fromStack(stack).findResources('AWS::KafkaConnect::Connector'));
  const config = connectors.map((c) => stack.resolve(c.Properties.ConnectorConfiguration)).find((c) => c['connector.class'] === connectorClass);
  return config as Record<string, string>;
}

const DEBEZIUM = 'io.debezium.connector.mysql.MySqlConnector';
const SINK = 'com.clickhouse.kafka.connect.ClickHouseSinkConnector';

/** Every step from the envelopes to the stored rows and `SELECT * FROM t FINAL`. */
function travel(sourceConfig: Record<string, string>, sinkConfig: Record<string, string>, ddl: string, events = EVENTS) {
  const table = parseCreateTable(ddl);
  const settings = Object.fromEntries((sinkConfig.clickhouseSettings ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  const onTopic = sourceToTopic(sourceConfig, events);
  const delivered = sinkTransforms(sinkConfig, onTopic);
  const inserted = delivered.filter((r) => r.value !== null).map((r) => ({ offset: r.offset, ...insert(table, r.value!, settings) }));
  const problems = inserted.flatMap((i) => i.problems.map((p) => `offset ${i.offset}: ${p}`));
  const rows = inserted.filter((i) => i.row).map((i) => i.row!);
  return { table, onTopic, rows, problems, final: final(table, rows) };
}

function show(rows: Row[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

describe('CDC data contract: Debezium change event → Kafka → sink → ClickHouse row', () => {
  const stack = new MySqlCdcToClickHouseStack(testApp(), 'Cdc', CDC_EXAMPLE);
  const source = configOf(stack, DEBEZIUM);
  const sink = configOf(stack, SINK);
  const ddl = stack.sink.createTableStatement(ORDERS);

  test('the example table: insert, update and delete land as the rows FINAL shows', () => {
    const result = travel(source, sink, ddl);
    expect(result.problems).toEqual([]);
    // The tombstone after the delete never reaches the topic; the four changes get offsets 0-3.
    expect(result.onTopic.map((r) => [r.offset, (r.value as any)?.__op])).toEqual([[0, 'r'], [1, 'c'], [2, 'u'], [3, 'd']]);
    expect(show(result.rows)).toEqual([
      {
        id: 1,
        customer_id: 7,
        amount: '19.99',
        status: 'new',
        note: null,
        placed_on: '2024-05-01',
        updated_at: '2024-05-01T10:00:00.123Z',
        paid_at: null,
        __op: 'r',
        __source_ts_ms: '2024-05-02T08:53:20.000Z',
        __deleted: 'false',
        _version: 0,
        is_deleted: 0,
      },
      {
        id: 2,
        customer_id: 8,
        amount: '250.00',
        status: 'new',
        note: 'gift wrap',
        placed_on: '2024-05-02',
        updated_at: '2024-05-02T10:00:00.000Z',
        paid_at: null,
        __op: 'c',
        __source_ts_ms: '2024-05-02T10:00:00.000Z',
        __deleted: 'false',
        _version: 1,
        is_deleted: 0,
      },
      {
        id: 2,
        customer_id: 8,
        amount: '250.00',
        status: 'paid',
        note: 'gift wrap',
        placed_on: '2024-05-02',
        updated_at: '2024-05-02T10:05:00.000Z',
        paid_at: '2024-05-02T10:05:00.000Z',
        __op: 'u',
        __source_ts_ms: '2024-05-02T10:05:00.000Z',
        __deleted: 'false',
        _version: 2,
        is_deleted: 0,
      },
      {
        id: 1,
        customer_id: 7,
        amount: '19.99',
        status: 'new',
        note: null,
        placed_on: '2024-05-01',
        updated_at: '2024-05-01T10:00:00.123Z',
        paid_at: null,
        __op: 'd',
        __source_ts_ms: '2024-05-02T10:10:00.000Z',
        __deleted: 'true',
        _version: 3,
        is_deleted: 1,
      },
    ]);
    // The current state: order 2 as paid; order 1 gone.
    expect(show(result.final).map((r) => [r.id, r.status, r._version])).toEqual([[2, 'paid', 2]]);
  });

  test('every column of the generated table is filled by a field of every row, in a type that reads it', () => {
    const table = parseCreateTable(ddl);
    expect(table.columns.map((c) => `${c.name} ${c.type}${c.materialized ? ` MATERIALIZED ${c.materialized}` : ''}`)).toEqual([
      'id UInt64', 'customer_id UInt32', 'amount Decimal(12, 2)', 'status String', 'note Nullable(String)', 'placed_on Date32',
      "updated_at DateTime64(3, 'UTC')", "paid_at Nullable(DateTime64(3, 'UTC'))", '__op LowCardinality(String)',
      "__source_ts_ms DateTime64(3, 'UTC')", '__deleted LowCardinality(String)', '_version UInt64', "is_deleted UInt8 MATERIALIZED `__deleted` = 'true'",
    ]);
    expect(table.engine).toEqual({ version: '_version', isDeleted: 'is_deleted' });
    expect(table.orderBy).toEqual(['id']);
    expect(table.name).toBe('`default`.`cdc.shop.orders`');
  });

  test('Debezium 1.9 and 3.0 spell delete rewriting differently and land the same rows', () => {
    for (const debeziumVersion of [DebeziumVersion.V1_9, DebeziumVersion.V3_0]) {
      const other = new MySqlCdcToClickHouseStack(testApp(), 'Cdc', { ...CDC_EXAMPLE, debeziumVersion });
      const result = travel(configOf(other, DEBEZIUM), configOf(other, SINK), other.sink.createTableStatement(ORDERS));
      expect(result.problems).toEqual([]);
      expect(show(result.final).map((r) => [r.id, r.status])).toEqual([[2, 'paid']]);
    }
  });

  describe('negative controls: the model finds each broken contract', () => {
    test('envelopes (no ExtractNewRecordState): no column gets its field', () => {
      const envelopeConfig = Object.fromEntries(Object.entries(source).filter(([k]) => !k.startsWith('transforms')));
      const result = travel(envelopeConfig, sink, ddl);
      expect(result.problems).toContain('offset 0: column id gets no field (ClickHouse would write its default)');
    });

    test('deletes dropped instead of rewritten: no delete reaches the topic, and rows lack __deleted', () => {
      const dropped = travel({ ...source, 'transforms.unwrap.delete.tombstone.handling.mode': 'drop' }, sink, ddl);
      expect(dropped.onTopic.map((r) => (r.value as any).__op)).toEqual(['r', 'c', 'u']);
      expect(dropped.problems).toContain('offset 0: column __deleted gets no field (ClickHouse would write its default)');
    });

    test('no row version from the sink: _version gets no field', () => {
      const noVersion = Object.fromEntries(Object.entries(sink).filter(([k]) => !k.startsWith('transforms')));
      expect(travel(source, noVersion, ddl).problems).toContain('offset 0: column _version gets no field (ClickHouse would write its default)');
    });

    test('TIMESTAMP strings without best_effort parsing are refused', () => {
      const basic = { ...sink, clickhouseSettings: '' };
      expect(travel(source, basic, ddl).problems).toEqual([
        "offset 2: column paid_at Nullable(DateTime64(3, 'UTC')): \"2024-05-02T10:05:00Z\" does not parse with date_time_input_format=basic",
      ]);
    });

    test("decimals as Debezium's default base64 bytes do not read as Decimal", () => {
      const base64 = EVENTS.map((r) => (r.value === null ? r : {
        ...r,
        value: {
          ...r.value,
          before: r.value.before === null ? null : { ...(r.value.before as object), amount: 'B88=' },
          after: r.value.after === null ? null : { ...(r.value.after as object), amount: 'B88=' },
        },
      }));
      expect(travel(source, sink, ddl, base64).problems[0]).toBe('offset 0: column amount Decimal(12, 2): "B88=" is not a decimal number');
    });
  });
});

describe('createTableStatement', () => {
  function pipeline(props: { format?: ChangeEventFormat; databases?: string[]; include?: string[]; topicToTableMap?: Record<string, string> } = {}) {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const db = new AuroraMySqlCdcSource(stack, 'Source', {
      vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, defaultDatabaseName: 'shop', capturedDatabases: props.databases,
    });
    const cdc = new DebeziumMySqlSourceConnector(stack, 'Cdc', {
      cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      connectorName: 'orders-cdc',
      source: db,
      serverId: 184054,
      topicPrefix: 'cdc',
      databaseIncludeList: props.include ?? props.databases ?? ['shop'],
      changeEventFormat: props.format,
      release: { sha256: EXAMPLE_SHA256, configProvider: { url: 'https://example.com/p.jar', sha256: EXAMPLE_SHA256 } },
    });
    const make = (extra: Partial<ClickHouseSinkConnectorProps> = {}) => new ClickHouseSinkConnector(stack, 'Sink', {
      cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      connectorName: 'cdc-sink',
      endpoint: ClickHouseEndpoint.cloud({ hostname: 'h.clickhouse.cloud' }),
      credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'clickhouse/ingest'),
      changeEvents: cdc,
      topicToTableMap: props.topicToTableMap,
      database: 'analytics',
      release: { version: '1.3.5', sha256: EXAMPLE_SHA256, configProvider: { url: 'https://example.com/p.jar', sha256: EXAMPLE_SHA256 } },
      ...extra,
    });
    return { stack, cdc, make };
  }

  test('names the table after the topic in the sink database, or as topicToTableMap maps it', () => {
    expect(pipeline().make().createTableStatement(ORDERS)).toContain('CREATE TABLE IF NOT EXISTS `analytics`.`cdc.shop.orders`');
    expect(pipeline({ topicToTableMap: { 'cdc.shop.orders': 'orders' } }).make().createTableStatement(ORDERS)).toContain('CREATE TABLE IF NOT EXISTS `analytics`.`orders`');
  });

  test('the sink reads the captured databases\' topics by default, with a role pattern to match', () => {
    const { stack, make } = pipeline({ databases: ['shop', 'billing'] });
    make();
    expect(configOf(stack, SINK)['topics.regex']).toBe('cdc\\.(?:shop|billing)\\..+');
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('/cdc.*"');
  });

  test('a regex in the database include list stays a regex in the sink\'s topics, and in what createTableStatement accepts', () => {
    const { stack, make } = pipeline({ databases: ['shop_eu', 'shop_us'], include: ['shop_(eu|us)'] });
    const sink = make();
    const regex = configOf(stack, SINK)['topics.regex'];
    expect(regex).toBe('cdc\\.(?:shop_(eu|us))\\..+');
    // What Kafka Connect will match (Pattern.matches: the whole topic name).
    const reads = (topic: string) => new RegExp(`^(?:${regex})$`).test(topic);
    expect(['cdc.shop_eu.orders', 'cdc.shop_us.orders'].every(reads)).toBe(true);
    expect(['cdc.shop_(eu|us).orders', 'cdc.shop_asia.orders', 'cdc.shop.orders'].some(reads)).toBe(false);
    // A regex does not narrow the read permission to one database.
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('/cdc.*"');
    expect(sink.createTableStatement({ ...ORDERS, database: 'shop_us' })).toContain('`analytics`.`cdc.shop_us.orders`');
    expect(() => sink.createTableStatement({ ...ORDERS, database: 'shop_asia' }))
      .toThrow("`database` 'shop_asia' is not captured by the source (databaseIncludeList: 'shop_(eu|us)')");
  });

  test('a topic-keyed mistake names changeEvents when the topics come from it', () => {
    expect(pipeline({ topicToTableMap: { 'cdc.billing.invoices': 'invoices' } }).make)
      .toThrow("`topicToTableMap` maps 'cdc.billing.invoices', which is not among the topics the sink reads (the data topics of `changeEvents` ('cdc\\.shop\\..+', from its topic prefix and captured databases)): its table would never receive rows");
  });

  test('bad input', () => {
    const sink = pipeline().make();
    expect(() => sink.createTableStatement({ ...ORDERS, database: 'billing' })).toThrow("`database` 'billing' is not captured by the source (databaseIncludeList: 'shop')");
    expect(() => sink.createTableStatement({ ...ORDERS, primaryKey: [] })).toThrow("`primaryKey` of 'shop.orders' must name the key columns");
    expect(() => sink.createTableStatement({ ...ORDERS, primaryKey: ['order_id'] })).toThrow("`primaryKey` column 'order_id' is not among `columns`");
    expect(() => sink.createTableStatement({ ...ORDERS, primaryKey: ['note'] })).toThrow("`primaryKey` column 'note' must not be nullable");
    expect(() => sink.createTableStatement({ ...ORDERS, columns: [...ORDERS.columns, { name: '_version', type: 'INT' }] })).toThrow("`columns` '_version' collides with a column the change rows add");
    expect(() => sink.createTableStatement({ ...ORDERS, columns: [...ORDERS.columns, { name: 'shape', type: 'GEOMETRY' }] })).toThrow("`columns` type 'GEOMETRY' has no ClickHouse column");
    expect(() => sink.createTableStatement({ ...ORDERS, columns: [...ORDERS.columns, { name: 'id', type: 'INT' }] })).toThrow("`columns` names must be unique, got 'id' twice");
    expect(() => sink.createTableStatement({ ...ORDERS, primaryKey: ['id', 'id'] })).toThrow("`primaryKey` must name each column once, got 'id' twice");
    expect(() => sink.createTableStatement({ ...ORDERS, columns: [...ORDERS.columns, { name: 'ID', type: 'INT' }] }))
      .toThrow("`columns` names must be unique ignoring case (MySQL column names are case-insensitive), got 'id' and 'ID'");
    expect(() => sink.createTableStatement({ ...ORDERS, table: 'o'.repeat(65) })).toThrow(`\`table\` must be a MySQL table name of 1-64 characters, got '${'o'.repeat(65)}'`);
    expect(() => pipeline({ format: ChangeEventFormat.ENVELOPE }).make()).toThrow("`changeEvents` must emit ChangeEventFormat.ROW (the sink writes each record's fields into columns of the same name), got 'envelope'");
  });

  test('fails on createTableStatement of a sink without changeEvents', () => {
    const sink = pipeline().make({ changeEvents: undefined, topics: ['cdc.shop.orders'] });
    expect(() => sink.createTableStatement(ORDERS)).toThrow('`createTableStatement` needs `changeEvents`: without it the sink writes records as they are, not change rows');
  });

  test('fails on a table whose topic the sink does not read', () => {
    const sink = pipeline().make({ topics: ['cdc.shop.customers'] });
    expect(() => sink.createTableStatement(ORDERS))
      .toThrow("the topic of 'shop.orders', 'cdc.shop.orders', is not among the sink's `topics`/`topicsRegex`: its rows would never arrive");
    expect(() => pipeline().make({ topics: ['cdc.shop.orders'] }).createTableStatement(ORDERS)).not.toThrow();
  });

  test('fails on a table without columns or with a column name MySQL would not take', () => {
    const sink = pipeline().make();
    expect(() => sink.createTableStatement({ ...ORDERS, columns: [] })).toThrow("`columns` of 'shop.orders' must not be empty, got []");
    expect(() => sink.createTableStatement({ ...ORDERS, columns: [...ORDERS.columns, { name: '1st-note', type: 'TEXT' }] }))
      .toThrow("`columns` names must be MySQL column names (letters, digits, '_', '$'; not starting with a digit), got '1st-note'");
  });

  test('fails on debeziumCdcEnabled together with changeEvents', () => {
    expect(() => pipeline().make({ debeziumCdcEnabled: true }))
      .toThrow('`debeziumCdcEnabled` unwraps Debezium envelopes in the sink, `changeEvents` applies change rows: give one of them, got both');
  });

  test('fails on changeEvents with a value format other than the source\'s JSON', () => {
    expect(() => pipeline().make({ valueFormat: SinkValueFormat.string() }))
      .toThrow("`changeEvents` needs the source's JSON records (`valueFormat` SinkValueFormat.jsonSchemaless()), got 'org.apache.kafka.connect.storage.StringConverter'");
    // JsonConverter expects schema/payload envelopes unless schemas.enable is false (its default is true).
    expect(() => pipeline().make({ valueFormat: SinkValueFormat.custom('org.apache.kafka.connect.json.JsonConverter') }))
      .toThrow("`changeEvents` needs the source's JSON records (`valueFormat` SinkValueFormat.jsonSchemaless()), got 'org.apache.kafka.connect.json.JsonConverter' with schemas.enable=true");
    expect(() => pipeline().make({ valueFormat: SinkValueFormat.custom('org.apache.kafka.connect.json.JsonConverter', { 'schemas.enable': 'false' }) })).not.toThrow();
    expect(() => pipeline().make({ valueFormat: SinkValueFormat.jsonSchemaless() })).not.toThrow();
  });

  test('fails on a date_time_input_format other than best_effort with changeEvents', () => {
    expect(() => pipeline().make({ clickhouseSettings: { date_time_input_format: 'basic' } }))
      .toThrow("`clickhouseSettings` date_time_input_format must be 'best_effort' with `changeEvents` (Debezium writes TIMESTAMP columns as ISO-8601 strings), got 'basic'");
    expect(() => pipeline().make({ clickhouseSettings: { date_time_input_format: 'best_effort' } })).not.toThrow();
  });

  test('fails on a transform named like the sink\'s row-version transform with changeEvents', () => {
    expect(() => pipeline().make({ transforms: [{ name: 'changeVersion', type: 'org.apache.kafka.connect.transforms.Flatten$Value' }] }))
      .toThrow("`transforms` cannot use the name 'changeVersion' with `changeEvents`: the sink's row-version transform has it");
  });

  test('MySQL types map to the ClickHouse types Debezium\'s values fit', () => {
    const t = (type: string, nullable = false) => ChangeTable.columnTypeOf({ name: 'c', type, nullable });
    expect([t('tinyint'), t('TINYINT UNSIGNED'), t('smallint'), t('MEDIUMINT UNSIGNED'), t('int'), t('BIGINT')]).toEqual(['Int8', 'UInt8', 'Int16', 'UInt32', 'Int32', 'Int64']);
    expect([t('DECIMAL(38,10)'), t('numeric'), t('FLOAT'), t('DOUBLE'), t('BIT(1)'), t('BIT(8)'), t('VARBINARY(16)')]).toEqual(['Decimal(38, 10)', 'Decimal(10, 0)', 'Float32', 'Float64', 'Bool', 'String', 'String']);
    expect([t('DATE'), t('DATETIME'), t('DATETIME(6)'), t('TIMESTAMP(3)', true), t('TIME'), t('YEAR'), t("ENUM('a','b')"), t('JSON')])
      .toEqual(['Date32', "DateTime64(3, 'UTC')", "DateTime64(6, 'UTC')", "Nullable(DateTime64(3, 'UTC'))", 'Int64', 'UInt16', 'String', 'String']);
  });

  test('fails on MySQL types MySQL would not create (DECIMAL precision and scale, fractional seconds, BIT width)', () => {
    const t = (type: string) => () => ChangeTable.columnTypeOf({ name: 'c', type });
    const decimal = (type: string) => `\`columns\` type '${type}' is not a MySQL DECIMAL: precision must be 1-65 and scale 0-30, at most the precision`;
    expect(t('DECIMAL(5,7)')).toThrow(decimal('DECIMAL(5,7)'));
    expect(t('DECIMAL(76,2)')).toThrow(decimal('DECIMAL(76,2)'));
    expect(t('NUMERIC(40,31)')).toThrow(decimal('NUMERIC(40,31)'));
    expect(t('DECIMAL(0)')).toThrow(decimal('DECIMAL(0)'));
    expect(t('DATETIME(9)')).toThrow("`columns` type 'DATETIME(9)' is not a MySQL DATETIME: its fractional-seconds precision must be 0-6");
    expect(t('TIME(7)')).toThrow("`columns` type 'TIME(7)' is not a MySQL TIME: its fractional-seconds precision must be 0-6");
    expect(t('BIT(65)')).toThrow("`columns` type 'BIT(65)' is not a MySQL BIT: its width must be 1-64");
    expect(t('DECIMAL(65,30)')()).toBe('Decimal(65, 30)');
    expect(t('BIT(64)')()).toBe('String');
  });

  test('fails on a captured database or ClickHouse table name that cannot be one', () => {
    expect(() => ChangeTable.createStatement({ ...ORDERS, database: 'shop-db' }, { database: 'analytics', table: 'orders' }))
      .toThrow("`database` must be a MySQL database name (1-64 letters, digits, '_' or '$'), got 'shop-db'");
    expect(() => ChangeTable.createStatement(ORDERS, { database: 'analytics', table: '' }))
      .toThrow("`table` of the ClickHouse table must not be empty, got ''");
  });
});
