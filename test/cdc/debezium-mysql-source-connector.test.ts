import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AuroraMySqlCdcSource, AuroraMySqlCdcSourceProps, ChangeEventFormat, ConnectorCapacity, DebeziumMySqlSourceConnector,
  DebeziumMySqlSourceConnectorProps, DebeziumVersion,
  KafkaConnectVersion, LeastPrivilegeConnectorRole, MskCluster, MySqlSslMode, PrivateSubnetWithNat,
} from '../../lib';
import { testApp } from '../support/compliance';
import { EXAMPLE_SHA256 } from '../support/fixtures';

const RELEASE = { sha256: EXAMPLE_SHA256, configProvider: { url: 'https://example.com/msk-config-providers.jar', sha256: 'b'.repeat(64) } };

function base(sourceProps: Partial<AuroraMySqlCdcSourceProps> = {}) {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  const source = new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, ...sourceProps });
  return { stack, network, cluster, source };
}

function setup(props: Partial<DebeziumMySqlSourceConnectorProps> = {}, b = base()) {
  const cdc = new DebeziumMySqlSourceConnector(b.stack, props.connectorName === 'second' ? 'Second' : 'Cdc', {
    cluster: b.cluster,
    vpc: b.network.vpc,
    vpcSubnets: b.network.privateSubnetSelection,
    connectorName: 'orders-cdc',
    source: b.source,
    serverId: 184054,
    topicPrefix: 'orders',
    databaseIncludeList: ['shop'],
    release: RELEASE,
    ...props,
  });
  return { ...b, cdc, template: () => Template.fromStack(b.stack) };
}

function config(stack: Stack): Record<string, unknown> {
  const connector = Object.values(Template.fromStack(stack).findResources('AWS::KafkaConnect::Connector'))[0];
  return stack.resolve(connector.Properties.ConnectorConfiguration);
}

describe('DebeziumMySqlSourceConnector', () => {
  test('Debezium 2.x configuration, key by key: IAM history clients, TLS to MySQL, password from Secrets Manager', () => {
    const { stack } = setup();
    expect(config(stack)).toEqual({
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'tasks.max': '1',
      'database.hostname': { 'Fn::GetAtt': [expect.stringMatching(/SourceCluster/), 'Endpoint.Address'] },
      'database.port': '3307',
      'database.user': { 'Fn::Join': ['', ['${secretsmanager:', expect.anything(), ':username}']] },
      'database.password': { 'Fn::Join': ['', ['${secretsmanager:', expect.anything(), ':password}']] },
      'database.server.id': '184054',
      'topic.prefix': 'orders',
      'database.include.list': 'shop',
      'database.ssl.mode': 'required',
      'include.schema.changes': 'true',
      'heartbeat.interval.ms': '10000',
      'schema.history.internal.kafka.topic': 'schema-history.orders',
      'schema.history.internal.kafka.bootstrap.servers': { 'Fn::GetAtt': [expect.stringMatching(/ClusterBootstrapBrokers/), 'BootstrapBrokerStringSaslIam'] },
      'schema.history.internal.producer.security.protocol': 'SASL_SSL',
      'schema.history.internal.producer.sasl.mechanism': 'AWS_MSK_IAM',
      'schema.history.internal.producer.sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
      'schema.history.internal.producer.sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
      'schema.history.internal.consumer.security.protocol': 'SASL_SSL',
      'schema.history.internal.consumer.sasl.mechanism': 'AWS_MSK_IAM',
      'schema.history.internal.consumer.sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
      'schema.history.internal.consumer.sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'topic.creation.default.replication.factor': '3',
      'topic.creation.default.partitions': '1',
      'transforms': 'unwrap',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite',
      'transforms.unwrap.add.fields': 'op,source.ts_ms',
      'decimal.handling.mode': 'string',
      'config.action.reload': 'none',
    });
  });

  describe('change-event format', () => {
    test('rows by default; Debezium before 2.5 spells delete rewriting delete.handling.mode + drop.tombstones', () => {
      const v19 = config(setup({ debeziumVersion: DebeziumVersion.V1_9 }).stack);
      expect(v19).toMatchObject({
        'transforms': 'unwrap',
        'transforms.unwrap.delete.handling.mode': 'rewrite',
        'transforms.unwrap.drop.tombstones': 'true',
        'transforms.unwrap.add.fields': 'op,source.ts_ms',
      });
      expect(v19['transforms.unwrap.delete.tombstone.handling.mode']).toBeUndefined();
      expect(config(setup({ debeziumVersion: DebeziumVersion.V3_0 }).stack)).toMatchObject({ 'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite' });
    });

    test('envelopes on request: no transform, decimals as Debezium writes them', () => {
      const { stack, cdc } = setup({ changeEventFormat: ChangeEventFormat.ENVELOPE });
      const c = config(stack);
      expect(Object.keys(c).filter((k) => k.startsWith('transforms') || k === 'decimal.handling.mode')).toEqual([]);
      expect(cdc.changeEventFormat).toBe(ChangeEventFormat.ENVELOPE);
    });
  });

  describe('release properties', () => {
    test('a key no Debezium release has is refused, naming the release', () => {
      expect(() => setup({ additionalProperties: { 'snapshot.modee': 'initial' } })).toThrow(
        "`additionalProperties` (property 'snapshot.modee') is not accepted by Debezium MySQL 2.7.4: no release this library knows has it");
    });

    test('a 1.x key under 2.x is refused although the JDBC pass-through prefix would take it', () => {
      expect(() => setup({ additionalProperties: { 'database.history.skip.unparseable.ddl': 'true' } })).toThrow(
        "`additionalProperties` (property 'database.history.skip.unparseable.ddl') is not accepted by Debezium MySQL 2.7.4: it was removed in 2.7.4");
    });

    test('a 3.0 key under 2.7 is refused; pass-through prefixes are accepted', () => {
      expect(() => setup({ additionalProperties: { 'advanced.metrics.enable': 'true' } })).toThrow(
        "`additionalProperties` (property 'advanced.metrics.enable') is not accepted by Debezium MySQL 2.7.4: it arrived in 3.0.8");
      expect(config(setup({ additionalProperties: { 'driver.connectTimeout': '5000', 'snapshot.mode': 'when_needed' } }).stack))
        .toMatchObject({ 'driver.connectTimeout': '5000', 'snapshot.mode': 'when_needed' });
    });

    test('a release line without a known property set is refused', () => {
      expect(() => setup({ debeziumVersion: DebeziumVersion.of('2.6.2.Final') })).toThrow(
        "`debeziumVersion` '2.6.2.Final' is not of a release line this library knows the properties of (1.9.x, 2.7.x, 3.0.x)");
      expect(config(setup({ debeziumVersion: DebeziumVersion.of('2.7.3.Final') }).stack)).toMatchObject({ 'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite' });
    });
  });

  test('Debezium 1.x property names when chosen', () => {
    const { stack } = setup({ debeziumVersion: DebeziumVersion.V1_9, sslMode: MySqlSslMode.VERIFY_IDENTITY });
    const c = config(stack);
    expect(c).toMatchObject({ 'database.server.name': 'orders', 'database.history.kafka.topic': 'schema-history.orders', 'database.history.producer.sasl.mechanism': 'AWS_MSK_IAM', 'database.ssl.mode': 'verify_identity' });
    expect(c['topic.prefix']).toBeUndefined();
  });

  test('one provisioned worker, plugin from Maven with the config provider bundled', () => {
    const { template } = setup();
    template().hasResourceProperties('AWS::KafkaConnect::Connector', { Capacity: { ProvisionedCapacity: { McuCount: 1, WorkerCount: 1 } }, KafkaConnectVersion: '3.7.x' });
    template().hasResourceProperties('Custom::ConnectorPluginArtifact', {
      Sources: [{ Url: DebeziumVersion.V2_7.pluginUrl, Sha256: EXAMPLE_SHA256 }, { Url: RELEASE.configProvider.url, Sha256: 'b'.repeat(64) }],
    });
    expect(DebeziumVersion.V2_7.pluginUrl).toBe('https://repo1.maven.org/maven2/io/debezium/debezium-connector-mysql/2.7.4.Final/debezium-connector-mysql-2.7.4.Final-plugin.tar.gz');
  });

  test('role: write and create the data, schema-change and history topics; read history; its group; dynamic config; idempotence', () => {
    const { template } = setup();
    const policy = Object.values(template().findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('orders-cdc') } }))[0];
    const bySid = Object.fromEntries(policy.Properties.PolicyDocument.Statement.map((s: any) => [s.Sid, s]));
    const names = (sid: string) => JSON.stringify(bySid[sid].Resource);
    expect(bySid.ClusterConnect.Action).toEqual(['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeClusterDynamicConfiguration', 'kafka-cluster:WriteDataIdempotently']);
    expect(bySid.WriteTopics.Action).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData']);
    for (const topic of ['/orders"', '/orders.*"', '/schema-history.orders"']) {
      expect(names('WriteTopics')).toContain(topic);
      expect(names('CreateTopics')).toContain(topic);
    }
    expect(names('ReadTopics')).toContain('/schema-history.orders"');
    expect(names('ReadTopics')).not.toContain('/orders.*');
    expect(names('ConsumerGroups')).toContain('/orders-schemahistory"');
  });

  test('the source is a grant target: grants land in its connector\'s least-privilege policy', () => {
    const { stack, cluster, cdc, template } = setup();
    cluster.grantProduce(cdc, ['audit']);
    const policyId = stack.getLogicalId(cdc.connector.leastPrivilegeRole!.policy.node.defaultChild as iam.CfnManagedPolicy);
    expect(template().findResources('AWS::IAM::ManagedPolicy')[policyId].Properties.PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: stack.resolve(cluster.topicArn('audit')),
    });
  });

  test('heartbeats: the heartbeat topic is written and created; a custom heartbeat prefix is followed', () => {
    const names = (props: Partial<DebeziumMySqlSourceConnectorProps>) => {
      const { template } = setup(props);
      const policy = Object.values(template().findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('orders-cdc') } }))[0];
      return JSON.stringify(policy.Properties.PolicyDocument.Statement.filter((st: any) => ['WriteTopics', 'CreateTopics'].includes(st.Sid)));
    };
    expect(names({}).match(/\/__debezium-heartbeat\.orders"/g)).toHaveLength(2);
    expect(names({ additionalProperties: { 'topic.heartbeat.prefix': 'hb' } }).match(/\/hb\.orders"/g)).toHaveLength(2);
    expect(names({ heartbeatIntervalMs: 0 })).not.toContain('heartbeat');
  });

  test('topics Kafka Connect creates get the cluster\'s replication factor: 2 on a 2-broker cluster, the broker default on an imported one', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, availabilityZoneCount: 2 });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const source = new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const rf = (c: DebeziumMySqlSourceConnector) => c.connectorConfiguration['topic.creation.default.replication.factor'];
    const common = { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, source, topicPrefix: 'orders', release: RELEASE };
    expect(rf(new DebeziumMySqlSourceConnector(stack, 'Two', { ...common, cluster, connectorName: 'two', serverId: 1 }))).toBe('2');
    const imported = MskCluster.fromClusterAttributes(stack, 'Imported', {
      clusterArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b2c3d-4e5f-6789-abcd-ef0123456789-7', bootstrapBrokersSaslIam: 'b-1.prod:9098',
    });
    expect(rf(new DebeziumMySqlSourceConnector(stack, 'Imp', { ...common, cluster: imported, connectorName: 'imp', serverId: 2 }))).toBe('-1');
  });

  test('a role of your own is used instead of the built one', () => {
    const b = base();
    const role = new iam.Role(b.stack, 'TeamRole', { assumedBy: new iam.ServicePrincipal('kafkaconnect.amazonaws.com') });
    const { cdc, template } = setup({ role }, b);
    expect(cdc.connector.leastPrivilegeRole).toBeUndefined();
    expect(cdc.permissions.secrets).toEqual([b.source.cdcCredentials]);
    const connector = Object.values(template().findResources('AWS::KafkaConnect::Connector'))[0];
    expect(connector.Properties.ServiceExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^TeamRole/), 'Arn'] });
  });

  test('security groups: connector to the database port and to the IAM brokers only', () => {
    const { template } = setup();
    const t = template();
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 3307,
      ToPort: 3307,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceClusterSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('CdcConnectorSecurityGroup'), 'GroupId'] },
    });
    const egress = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('CdcConnectorSecurityGroup'), 'GroupId'] } } }));
    expect(egress.map((e) => e.Properties.FromPort).sort()).toEqual([3307, 9098]);
  });

  describe('bad input', () => {
    test('fails on autoscaled capacity', () => {
      expect(() => setup({ capacity: ConnectorCapacity.autoScaled() })).toThrow('`capacity` must be provisioned with one worker: MSK Connect runs the Debezium MySQL connector on a single provisioned worker, got autoscaled');
    });
    test('fails on more than one worker', () => {
      expect(() => setup({ capacity: ConnectorCapacity.provisioned({ workerCount: 2 }) })).toThrow('`capacity` must be provisioned with one worker: MSK Connect runs the Debezium MySQL connector on a single provisioned worker, got 2 workers');
    });
    test('fails on a missing server id', () => {
      expect(() => setup({ serverId: 0 })).toThrow('`serverId` must be a whole number between 1 and 4294967295, got 0');
    });
    test('fails on a duplicate server id', () => {
      const b = base();
      setup({}, b);
      expect(() => setup({ connectorName: 'second', topicPrefix: 'other' }, b)).toThrow("`serverId` 184054 is already used by connector 'S/Cdc'");
    });
    test('fails on a database in another VPC than the connector\'s', () => {
      const b = base();
      const other = new PrivateSubnetWithNat(b.stack, 'Other', { vpcCidr: '10.1.0.0/16', flowLogs: false });
      const elsewhere = new AuroraMySqlCdcSource(b.stack, 'Elsewhere', { vpc: other.vpc, vpcSubnets: other.privateSubnetSelection });
      expect(() => setup({ source: elsewhere }, b))
        .toThrow("`vpc` S/Net/Vpc is not the VPC of `source` 'S/Elsewhere', S/Other/Vpc: Debezium reaches the database through security-group rules, which this library writes within one VPC; give the database's VPC");
    });
    test('fails on a LeastPrivilegeConnectorRole that lacks what Debezium writes', () => {
      const b = base();
      const role = new LeastPrivilegeConnectorRole(b.stack, 'Role', {
        cluster: b.cluster, connectorName: 'orders-cdc', readTopics: ['schema-history.orders'], writeTopics: ['orders.*'], secrets: [b.source.cdcCredentials],
      });
      expect(() => setup({ role: role.role }, b))
        .toThrow("`role` ('S/Role') writeTopics ['orders.*'] do not cover ['orders', '__debezium-heartbeat.orders', 'schema-history.orders'");
    });
    test('fails on public subnets', () => {
      expect(() => setup({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow('`vpcSubnets` must select private subnets only');
    });
    test('fails on a literal database password', () => {
      expect(() => setup({ additionalProperties: { 'database.password': 'hunter2' } })).toThrow("`additionalProperties` cannot set 'database.password'");
      expect(() => setup({ additionalProperties: { 'database.ssl.truststore.password': 'hunter2' } })).toThrow("`additionalProperties` 'database.ssl.truststore.password' must be a config-provider reference");
    });
    test('fails on an invalid topic prefix', () => {
      expect(() => setup({ topicPrefix: 'orders/eu' })).toThrow("`topicPrefix` must be letters, digits, '.', '_' and '-' (not starting with '.'), got 'orders/eu'");
    });
    test('fails on history bootstrap servers that are not the IAM ones', () => {
      expect(() => setup({ schemaHistoryBootstrapServers: 'b-1.prod:9094,b-2.prod:9094' })).toThrow("`schemaHistoryBootstrapServers` must be the cluster's IAM bootstrap brokers (port 9098), got 'b-1.prod:9094,b-2.prod:9094'");
    });
    test('fails on history bootstrap servers of another cluster of the app, though they are tokens', () => {
      const b = base();
      const other = new MskCluster(b.stack, 'Other', { vpc: b.network.vpc, vpcSubnets: b.network.privateSubnetSelection, clusterName: 'other' });
      expect(() => setup({ schemaHistoryBootstrapServers: other.bootstrapBrokersSaslIam }, b))
        .toThrow(/^`schemaHistoryBootstrapServers` must be the IAM bootstrap brokers of `cluster` \('S\/Cluster'\), got the BootstrapBrokerStringSaslIam of OtherBootstrapBrokers\w+: the history clients authenticate with the connector's role, which may only connect to that cluster over IAM$/);
      // The cluster's own IAM brokers, given explicitly, are what the default is.
      const fresh = base();
      expect(() => setup({ schemaHistoryBootstrapServers: fresh.cluster.bootstrapBrokersSaslIam }, fresh)).not.toThrow();
    });
    test('fails on Debezium 3 with Kafka Connect 2.7.1 (Java 11)', () => {
      expect(() => setup({ debeziumVersion: DebeziumVersion.V3_0, kafkaConnectVersion: KafkaConnectVersion.V2_7_1 }))
        .toThrow('`kafkaConnectVersion` 2.7.1 runs Java 11, but Debezium 3.0.8.Final needs Java 17: use KafkaConnectVersion.V3_7_X');
    });
    test('fails on include-list entries that are not regular expressions, are empty, hold a comma or repeat', () => {
      expect(() => setup({ databaseIncludeList: ['shop[0-9'] }))
        .toThrow("`databaseIncludeList` entries must be regular expressions (Debezium compiles each one), got 'shop[0-9': Invalid regular expression: /shop[0-9/: Unterminated character class");
      expect(() => setup({ tableIncludeList: ['shop.(orders'] }))
        .toThrow("`tableIncludeList` entries must be regular expressions (Debezium compiles each one), got 'shop.(orders': Invalid regular expression: /shop.(orders/: Unterminated group");
      expect(() => setup({ databaseIncludeList: ['shop,billing'] }))
        .toThrow("`databaseIncludeList` entries must not contain an unescaped ',' (Debezium splits the list on commas; escape one inside a pattern as '\\,', or give one entry per pattern), got 'shop,billing'");
      expect(() => setup({ databaseIncludeList: ['shop_[a-z]{2,3}'] })).toThrow("got 'shop_[a-z]{2,3}'");
      expect(() => setup({ databaseIncludeList: ['shop_[a-z]{2\\,3}'] })).not.toThrow();
      expect(() => setup({ tableIncludeList: [' '] })).toThrow("`tableIncludeList` entries must not be empty, got ' '");
      expect(() => setup({ databaseIncludeList: ['shop', 'shop'] })).toThrow("`databaseIncludeList` must not name the same entry twice, got 'shop' twice");
      expect(() => setup({ tableIncludeList: ['shop.orders', 'shop.orders'] })).toThrow("`tableIncludeList` must not name the same entry twice, got 'shop.orders' twice");
    });
    test('fails on include-list entries JavaScript compiles but Java (Debezium) does not', () => {
      expect(() => setup({ databaseIncludeList: ['shop{eu}'] }))
        .toThrow("`databaseIncludeList` entry 'shop{eu}' has a '{' that is not a quantifier (write '\\{'), which Java's regex engine (which Debezium uses) rejects");
      expect(() => setup({ tableIncludeList: ['shop\\.(?<!tmp.*)orders'] }))
        .toThrow("`tableIncludeList` entry 'shop\\.(?<!tmp.*)orders' has a look-behind without a maximum length, which Java's regex engine (which Debezium uses) rejects");
      expect(() => setup({ databaseIncludeList: ['shop(?<region_id>eu)?'] }))
        .toThrow("`databaseIncludeList` entry 'shop(?<region_id>eu)?' has a group name 'region_id' that is not ASCII letters and digits starting with a letter, which Java's regex engine (which Debezium uses) rejects");
      expect(() => setup({ databaseIncludeList: ['shop\\{eu\\}'] })).not.toThrow();
    });
    test('fails on a table entry without its database, or in a database the database list leaves out (nothing would be captured)', () => {
      expect(() => setup({ tableIncludeList: ['orders'] }))
        .toThrow("`tableIncludeList` entries must be '<database>.<table>' (Debezium matches the fully-qualified name), got 'orders'");
      expect(() => setup({ databaseIncludeList: ['shop'], tableIncludeList: ['shop.orders', 'billing.invoices'] }))
        .toThrow("`tableIncludeList` entry 'billing.invoices' is in database 'billing', which `databaseIncludeList` ('shop') does not include: Debezium would capture nothing of it");
      expect(() => setup({ databaseIncludeList: ['shop_.*'], tableIncludeList: ['shop\\.orders'] }))
        .toThrow("`tableIncludeList` entry 'shop\\.orders' is in database 'shop', which `databaseIncludeList` ('shop_.*') does not include: Debezium would capture nothing of it");
      // Matched as Debezium does: anchored, ignoring case.
      expect(() => setup({ databaseIncludeList: ['shop_(eu|us)'], tableIncludeList: ['SHOP_EU.orders', 'shop_us\\.order_.*'] })).not.toThrow();
    });
    test('fails on a MySQL system database in the database list (Debezium skips them)', () => {
      expect(() => setup({ databaseIncludeList: ['shop', 'mysql'] }))
        .toThrow("`databaseIncludeList` must not name a MySQL system database (mysql, sys, information_schema, performance_schema): Debezium skips MySQL's own databases (table.ignore.builtin), so it would capture nothing, got 'mysql'");
    });
    test('fails on a topic that would exceed Kafka\'s 249 characters', () => {
      const table = `shop.${'t'.repeat(64)}`;
      const prefix = 'p'.repeat(190);
      expect(() => setup({ topicPrefix: prefix, tableIncludeList: [table] }))
        .toThrow(`\`topicPrefix\` and \`tableIncludeList\` entry '${table}' make the topic '${prefix}.${table}' of 260 characters: Kafka topic names are at most 249`);
    });
    test('fails on databases the source\'s Debezium user may not read', () => {
      const b = base({ defaultDatabaseName: 'shop', capturedDatabases: ['shop', 'crm'] });
      expect(() => setup({ databaseIncludeList: ['shop', 'billing'] }, b))
        .toThrow("`databaseIncludeList` entry 'billing' matches none of the source's `capturedDatabases` ('shop', 'crm'): the Debezium user may not read it, so the snapshot would fail");
      expect(() => setup({ databaseIncludeList: undefined }, base({ defaultDatabaseName: 'shop' })))
        .toThrow("`databaseIncludeList` must be given when `source` limits its Debezium user to `capturedDatabases` ('shop'): Debezium would snapshot every database and fail on the others");
    });
    test('fails on a heartbeat interval as long as the source\'s binlog retention', () => {
      expect(() => setup({ heartbeatIntervalMs: 3_600_000 }, base({ binlogRetentionHours: 1 })))
        .toThrow("`heartbeatIntervalMs` must be shorter than the source's `binlogRetentionHours` (1 hours): a quiet connector's offset would fall behind the purged binlog, got 3600000");
    });
    test('fails on a history or offset topic among the connector\'s own topics', () => {
      const history = (t: string) => `\`schemaHistoryTopic\` must not be \`topicPrefix\` or a data topic of \`databaseIncludeList\` ('<topicPrefix>.<database>.<table>'), got '${t}'`;
      expect(() => setup({ schemaHistoryTopic: 'orders' })).toThrow(history('orders'));
      expect(() => setup({ schemaHistoryTopic: 'orders.shop.history' })).toThrow(history('orders.shop.history'));
      expect(() => setup({ schemaHistoryTopic: 'orders.history.v2' })).not.toThrow();
      expect(() => setup({ offsetStorageTopic: 'schema-history.orders' }))
        .toThrow("`offsetStorageTopic` must not be the schema-history topic, `topicPrefix` or a data topic of `databaseIncludeList` ('<topicPrefix>.<database>.<table>'), got 'schema-history.orders'");
      expect(() => setup({ offsetStorageTopic: 'orders.SHOP.offsets' }))
        .toThrow("`offsetStorageTopic` must not be the schema-history topic, `topicPrefix` or a data topic of `databaseIncludeList` ('<topicPrefix>.<database>.<table>'), got 'orders.SHOP.offsets'");
    });
    test('fails on a topic prefix, history topic or offset topic another Debezium connector of the cluster uses', () => {
      const again = () => { const b = base(); setup({}, b); return b; };
      expect(() => setup({ connectorName: 'second', serverId: 2 }, again()))
        .toThrow("`topicPrefix` 'orders' is already used by connector 'S/Cdc' on the same cluster: their change events and schema-history consumer groups would mix; give each connector its own prefix");
      expect(() => setup({ connectorName: 'second', serverId: 3, topicPrefix: 'billing', schemaHistoryTopic: 'schema-history.orders' }, again()))
        .toThrow("`schemaHistoryTopic` 'schema-history.orders' is already used by connector 'S/Cdc' on the same cluster: Debezium's schema history topic belongs to one connector (each would recover the other's DDL)");
      expect(() => setup({ connectorName: 'second', serverId: 4, topicPrefix: 'crm', offsetStorageTopic: '__amazon_msk_connect_offsets_orders-cdc' }, again()))
        .toThrow("`offsetStorageTopic` '__amazon_msk_connect_offsets_orders-cdc' is already used by connector 'S/Cdc' on the same cluster: each source connector needs its own offset topic, or one resumes from the other's binlog position");
    });
    test('fails on a password inside a value of additionalProperties', () => {
      const inValue = (key: string) => `\`additionalProperties\` '${key}' holds a password in its value (a 'password=' parameter or a 'user:password@' URL): it would be stored in plain text in the template and the connector; pass it through a config-provider reference such as '\${secretsmanager:<secret-name>:<key>}'`;
      expect(() => setup({ additionalProperties: { 'driver.url': 'jdbc:mysql://debezium:hunter2@db.example.com:3307/shop' } })).toThrow(inValue('driver.url'));
      expect(() => setup({ additionalProperties: { 'driver.connectionAttributes': 'user=debezium&password=hunter2' } })).toThrow(inValue('driver.connectionAttributes'));
      expect(() => setup({ additionalProperties: { 'driver.connectionAttributes': 'password=${secretsmanager:cdc:password}' } })).not.toThrow();
      expect(() => setup({ additionalProperties: { 'driver.connectionAttributes': 'user=debezium' } }))
        .toThrow("`additionalProperties` 'driver.connectionAttributes' must not carry credentials (found 'user='): it is stored in plain text in the template and the connector");
    });
    test('fails on additionalProperties that change the change rows of ChangeEventFormat.ROW', () => {
      const row = (key: string) => `\`additionalProperties\` cannot set '${key}' with \`changeEventFormat\` ChangeEventFormat.ROW: it changes the change rows that the sink applies and createTableStatement types (use ChangeEventFormat.ENVELOPE to shape events yourself)`;
      expect(() => setup({ additionalProperties: { 'transforms.unwrap.drop.tombstones': 'false' } })).toThrow(row('transforms.unwrap.drop.tombstones'));
      expect(() => setup({ additionalProperties: { 'time.precision.mode': 'connect' } })).toThrow(row('time.precision.mode'));
      expect(() => setup({ additionalProperties: { 'bigint.unsigned.handling.mode': 'precise' } })).toThrow(row('bigint.unsigned.handling.mode'));
      expect(() => setup({ changeEventFormat: ChangeEventFormat.ENVELOPE, additionalProperties: { 'time.precision.mode': 'connect' } })).not.toThrow();
    });
    test('fails on a value an enum-valued or boolean Debezium setting does not take', () => {
      expect(() => setup({ additionalProperties: { 'snapshot.locking.mode': 'minimum' } }))
        .toThrow("`additionalProperties` 'snapshot.locking.mode' must be one of 'minimal', 'minimal_percona', 'extended', 'none', 'custom', got 'minimum'");
      expect(() => setup({ additionalProperties: { 'tombstones.on.delete': 'yes' } }))
        .toThrow("`additionalProperties` 'tombstones.on.delete' must be one of 'true', 'false', got 'yes'");
      expect(() => setup({ changeEventFormat: ChangeEventFormat.ENVELOPE, additionalProperties: { 'decimal.handling.mode': 'float' } }))
        .toThrow("`additionalProperties` 'decimal.handling.mode' must be one of 'precise', 'double', 'string', got 'float'");
      expect(() => setup({ additionalProperties: { 'snapshot.mode': 'inital' } }))
        .toThrow("`additionalProperties` 'snapshot.mode' must be one of 'initial', 'initial_only', 'when_needed', 'never', 'schema_only', 'schema_only_recovery', 'no_data', 'recovery', 'configuration_based', 'custom', 'always', got 'inital'");
      expect(() => setup({ additionalProperties: { 'binary.handling.mode': 'base32' } }))
        .toThrow("`additionalProperties` 'binary.handling.mode' must be one of 'bytes', 'base64', 'base64-url-safe', 'hex', got 'base32'");
      expect(() => setup({ additionalProperties: { 'event.processing.failure.handling.mode': 'retry' } }))
        .toThrow("`additionalProperties` 'event.processing.failure.handling.mode' must be one of 'fail', 'warn', 'skip', 'ignore', got 'retry'");
      // Debezium ignores case.
      expect(() => setup({ additionalProperties: { 'snapshot.locking.mode': 'NONE', 'tombstones.on.delete': 'False', 'snapshot.mode': 'When_Needed' } })).not.toThrow();
    });
    test('skips checks on values that are tokens', () => {
      const b = base({ capturedDatabases: ['shop'] });
      const db = new CfnParameter(b.stack, 'Db').valueAsString;
      expect(() => setup({ databaseIncludeList: [db], tableIncludeList: [`${db}.orders`], schemaHistoryTopic: db, additionalProperties: { 'snapshot.locking.mode': db } }, b))
        .not.toThrow();
    });
    test('fails on a change event format that is not one', () => {
      expect(() => setup({ changeEventFormat: 'rows' as ChangeEventFormat }))
        .toThrow("`changeEventFormat` must be one of 'row', 'envelope', got 'rows'");
    });
    test('fails on an option ExtractNewRecordState does not have', () => {
      const unwrap = { 'transforms': 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState' };
      expect(() => setup({ changeEventFormat: ChangeEventFormat.ENVELOPE, additionalProperties: { ...unwrap, 'transforms.unwrap.drop.tombstone': 'true' } }))
        .toThrow("`additionalProperties` (property 'transforms.unwrap.drop.tombstone') is not an option of ExtractNewRecordState in Debezium 2.7.4");
      expect(() => setup({ changeEventFormat: ChangeEventFormat.ENVELOPE, additionalProperties: { ...unwrap, 'transforms.unwrap.drop.tombstones': 'true' } })).not.toThrow();
      // Another SMT may be named 'unwrap': its options are not ExtractNewRecordState's.
      expect(() => setup({
        changeEventFormat: ChangeEventFormat.ENVELOPE,
        additionalProperties: { 'transforms': 'unwrap', 'transforms.unwrap.type': 'org.apache.kafka.connect.transforms.ExtractField$Value', 'transforms.unwrap.field': 'after' },
      })).not.toThrow();
    });
    test('fails on an SSL mode that is not one', () => {
      expect(() => setup({ sslMode: 'disabled' as MySqlSslMode }))
        .toThrow("`sslMode` must be one of 'required', 'verify_ca', 'verify_identity', got 'disabled'");
    });
    test('fails on a malformed Debezium version', () => {
      expect(() => DebeziumVersion.of('2.7')).toThrow("`debeziumVersion` must be a Debezium release such as '2.7.4.Final', got '2.7'");
    });
  });
});

describe('alarms', () => {
  test('alarms.topic routes the connector alarms; alarmTopic, its deprecated form, still does and is refused together with alarms', () => {
    const b = base();
    const topic = new sns.Topic(b.stack, 'Ops');
    expect(setup({ alarms: { topic } }, b).cdc.connector.alarmTopic).toBe(topic);
    const b2 = base();
    const topic2 = new sns.Topic(b2.stack, 'Ops');
    expect(setup({ alarmTopic: topic2 }, b2).cdc.connector.alarmTopic).toBe(topic2);
    expect(() => setup({ alarms: {}, alarmTopic: topic })).toThrow('`alarmTopic` is the deprecated form of `alarms.topic`: give only `alarms`, got both');
  });
});
