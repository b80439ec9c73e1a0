import { CfnParameter, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  ClickHouseEndpoint, ClickHouseSinkConnector, ClickHouseSinkConnectorProps, ConnectorCapacity, ErrorTolerance,
  LeastPrivilegeConnectorRole, LeastPrivilegeConnectorRoleProps, MskCluster, PrivateSubnetWithNat, SinkValueFormat, WorkerConfiguration,
} from '../../lib';
import { testApp } from '../support/compliance';
import { EXAMPLE_SHA256, minimalSink, pipelineBase, SINK_RELEASE, userKey } from '../support/fixtures';


function setup(props: Partial<ClickHouseSinkConnectorProps> = {}, options: { flowLogs?: boolean } = {}) {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: options.flowLogs ?? false });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  const credentials = new secretsmanager.Secret(stack, 'ClickHouseCredentials', {
    secretName: 'clickhouse/ingest',
    encryptionKey: userKey(stack, 'CredentialsKey'),
    generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'ingest' }), generateStringKey: 'password' },
  });
  const sink = new ClickHouseSinkConnector(stack, 'Sink', {
    cluster,
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
    connectorName: 'events-to-clickhouse',
    endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' }),
    credentials,
    topics: ['events'],
    release: SINK_RELEASE,
    ...props,
  });
  return { stack, network, cluster, credentials, sink, template: () => Template.fromStack(stack) };
}

function config(stack: Stack): Record<string, string> {
  const connector = Object.values(Template.fromStack(stack).findResources('AWS::KafkaConnect::Connector'))[0];
  return stack.resolve(connector.Properties.ConnectorConfiguration);
}

describe('connector configuration', () => {
  test('ClickHouse Cloud: the guide\'s configuration, key by key, with the password from Secrets Manager', () => {
    const { stack } = setup();
    expect(config(stack)).toEqual({
      'connector.class': 'com.clickhouse.kafka.connect.ClickHouseSinkConnector',
      'topics': 'events',
      'hostname': 'abc123.eu-west-1.aws.clickhouse.cloud',
      'port': '8443',
      'ssl': 'true',
      'database': 'default',
      'username': { 'Fn::Join': ['', ['${secretsmanager:', expect.anything(), ':username}']] },
      'password': { 'Fn::Join': ['', ['${secretsmanager:', expect.anything(), ':password}']] },
      'exactlyOnce': 'true',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'errors.tolerance': 'none',
      'config.action.reload': 'none',
    });
  });

  test('self-hosted defaults to HTTPS on 8443', () => {
    const { stack } = setup({ endpoint: ClickHouseEndpoint.selfHosted({ hostname: 'clickhouse.example.com' }) });
    expect(config(stack)).toMatchObject({ hostname: 'clickhouse.example.com', port: '8443', ssl: 'true' });
  });

  test('self-hosted over HTTP (explicit opt-in, peer in the VPC): ssl=false explicit, port 8123, exactly-once off, provisioned tasks.max', () => {
    const { stack } = setup({
      endpoint: ClickHouseEndpoint.selfHosted({ hostname: 'clickhouse.internal.example.com', ssl: false, peer: ec2.Peer.ipv4('10.20.0.0/16') }),
      capacity: ConnectorCapacity.provisioned({ workerCount: 2 }),
      tasksMax: 4,
      database: 'analytics',
    });
    const c = config(stack);
    expect(c).toMatchObject({ 'hostname': 'clickhouse.internal.example.com', 'port': '8123', 'ssl': 'false', 'exactlyOnce': 'false', 'database': 'analytics', 'tasks.max': '4' });
  });

  test('self-hosted over HTTPS on a given port', () => {
    const { stack } = setup({ endpoint: ClickHouseEndpoint.selfHosted({ hostname: '10.1.2.3', ssl: true, port: 8443 }) });
    expect(config(stack)).toMatchObject({ hostname: '10.1.2.3', port: '8443', ssl: 'true' });
  });

  test('every typed sink property lands under its sink key', () => {
    // A release newer than the newest known (1.5.0): typed props are checked against 1.5.0, pass-through keys trusted.
    const { stack } = setup({
      release: { ...SINK_RELEASE, version: '1.6.0' },
      exactlyOnce: false,
      topicToTableMap: { events: 'events_local' },
      clickhouseSettings: { insert_quorum: '2', async_insert: '0' },
      jdbcConnectionProperties: '?socket_timeout=300000',
      errorTolerance: ErrorTolerance.ALL,
      deadLetterQueue: { topicName: 'events-dlq', replicationFactor: 3 },
      errorsRetryTimeoutMs: 60000,
      retryCount: 5,
      timeoutSeconds: 60,
      tableRefreshIntervalSeconds: 300,
      clickhouseClientInsertTimeoutMs: 120000,
      bufferCount: 1000,
      bufferFlushTimeMs: 500,
      ignorePartitionsWhenBatching: true,
      keeperMapPath: '/kafka-connect-events',
      keeperMapTable: 'connect_state_events',
      keeperOnCluster: 'default',
      dbTopicSplitChar: '.',
      dateTimeFormats: { created_at: 'yyyy-MM-dd HH:mm:ss', updated_at: 'yyyy-MM-dd' },
      autoEvolve: true,
      debeziumCdcEnabled: true,
      valueFormat: SinkValueFormat.avro('https://registry.example.com'),
      transforms: [{ name: 'keyToValue', type: 'com.clickhouse.kafka.connect.transforms.KeyToValue', properties: { field: '_key' } }],
      additionalProperties: { newSinkSetting: 'on' },
    });
    expect(config(stack)).toMatchObject({
      'exactlyOnce': 'false',
      'topic2TableMap': 'events=events_local',
      'clickhouseSettings': 'insert_quorum=2,async_insert=0',
      'jdbcConnectionProperties': '?socket_timeout=300000',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'events-dlq',
      'errors.deadletterqueue.topic.replication.factor': '3',
      'errors.deadletterqueue.context.headers.enable': 'true',
      'errors.retry.timeout': '60000',
      'retryCount': '5',
      'timeoutSeconds': '60',
      'tableRefreshInterval': '300',
      'clickhouseClientInsertTimeoutMs': '120000',
      'bufferCount': '1000',
      'bufferFlushTime': '500',
      'ignorePartitionsWhenBatching': 'true',
      'zkPath': '/kafka-connect-events',
      'zkDatabase': 'connect_state_events',
      'keeperOnCluster': 'default',
      'enableDbTopicSplit': 'true',
      'dbTopicSplitChar': '.',
      'dateTimeFormats': 'created_at=yyyy-MM-dd HH:mm:ss;updated_at=yyyy-MM-dd',
      'auto.evolve': 'true',
      'debeziumCDCEnabled': 'true',
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter.schema.registry.url': 'https://registry.example.com',
      'transforms': 'keyToValue',
      'transforms.keyToValue.type': 'com.clickhouse.kafka.connect.transforms.KeyToValue',
      'transforms.keyToValue.field': '_key',
      'newSinkSetting': 'on',
    });
  });

  test('topics by regex use the regex and the role reads the permission pattern', () => {
    const { stack } = setup({ topics: undefined, topicsRegex: { regex: 'events-.*', permissionPattern: 'events-*' } });
    expect(config(stack)['topics.regex']).toBe('events-.*');
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('/events-*');
  });

  test('the guide\'s tuning goes to the worker configuration with the config provider', () => {
    const { stack, sink } = setup({ maxPollRecords: 5000, recordSizeBytes: 1024 });
    expect((sink.workerConfiguration as WorkerConfiguration).properties).toMatchObject({
      'consumer.max.poll.records': '5000',
      'consumer.max.partition.fetch.bytes': '5120000',
      'config.providers': 'secretsmanager',
    });
    Template.fromStack(stack).resourceCountIs('AWS::KafkaConnect::WorkerConfiguration', 1);
  });

  test('the official release and the config provider are fetched, checksum-pinned, into one plugin', () => {
    const { template } = setup();
    template().hasResourceProperties('Custom::ConnectorPluginArtifact', {
      Sources: [
        { Url: 'https://github.com/ClickHouse/clickhouse-kafka-connect/releases/download/v1.3.5/clickhouse-kafka-connect-v1.3.5.zip', Sha256: EXAMPLE_SHA256 },
        { Url: SINK_RELEASE.configProvider.url, Sha256: 'b'.repeat(64) },
      ],
    });
  });
});

describe('release properties', () => {
  test('a typed prop the pinned release does not know is refused, naming the release that has it', () => {
    expect(() => setup({ clickhouseClientInsertTimeoutMs: 120000 })).toThrow(
      '`clickhouseClientInsertTimeoutMs` is not accepted by ClickHouse sink 1.3.5: it arrived in 1.3.10');
    expect(() => setup({ bufferCount: 1000 })).toThrow('`bufferCount` is not accepted by ClickHouse sink 1.3.5: it arrived in 1.3.6');
    expect(() => setup({ debeziumCdcEnabled: true, valueFormat: SinkValueFormat.avro('https://registry.example.com') })).toThrow(
      "`debeziumCdcEnabled` (property 'debeziumCDCEnabled') is not accepted by ClickHouse sink 1.3.5: it arrived in 1.4.0");
    expect(config(setup({ bufferCount: 1000, release: { ...SINK_RELEASE, version: '1.3.6' } }).stack)).toMatchObject({ bufferCount: '1000' });
  });

  test('a passed-through key the pinned release does not know is refused', () => {
    expect(() => setup({ additionalProperties: { newSinkSetting: 'on' } })).toThrow(
      "`additionalProperties` (property 'newSinkSetting') is not accepted by ClickHouse sink 1.3.5: no release this library knows has it");
    expect(config(setup({ additionalProperties: { 'errors.log.enable': 'true', 'value.converter.decimal.format': 'NUMERIC' } }).stack))
      .toMatchObject({ 'errors.log.enable': 'true' });
  });

  test('a release that does not exist is refused; a newer one is checked against the newest known, with a warning', () => {
    expect(() => setup({ release: { ...SINK_RELEASE, version: '1.3.11' } })).toThrow(
      "`release.version` '1.3.11' is not a ClickHouse sink release this library knows the properties of (1.1.0,");
    const { stack } = setup({ release: { ...SINK_RELEASE, version: '1.6.0' }, additionalProperties: { newSinkSetting: 'on' } });
    Annotations.fromStack(stack).hasWarning('/S/Sink', Match.stringLikeRegexp('ClickHouse sink 1.6.0 is newer than the newest release this library knows the properties of \\(1.5.0\\)'));
  });

  test('debeziumCdcEnabled needs records with schemas and no changeEvents', () => {
    const v140 = { ...SINK_RELEASE, version: '1.4.0' };
    expect(() => setup({ release: v140, debeziumCdcEnabled: true })).toThrow(
      "`debeziumCdcEnabled` acts only on records whose value schema is Debezium's Envelope, so `valueFormat` needs schemas, got 'org.apache.kafka.connect.json.JsonConverter' with schemas.enable=false");
    expect(config(setup({ release: v140, debeziumCdcEnabled: true, valueFormat: SinkValueFormat.avro('https://registry.example.com') }).stack))
      .toMatchObject({ debeziumCDCEnabled: 'true' });
  });
});

describe('network and permissions', () => {
  test('ClickHouse Cloud: egress is the brokers on 9098, ClickHouse on 8443 and HTTPS for Secrets Manager, nothing else', () => {
    const { template } = setup();
    const sg = Object.values(template().findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('MSK Connect workers') } }))[0];
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: expect.stringMatching(/Secrets Manager/), FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      { CidrIp: '0.0.0.0/0', Description: expect.stringMatching(/ClickHouse Cloud \(HTTPS\)/), FromPort: 8443, IpProtocol: 'tcp', ToPort: 8443 },
    ]);
    template().hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 9098, ToPort: 9098, DestinationSecurityGroupId: Match.anyValue() });
  });

  test('self-hosted in the VPC: egress on its port to the given peer only', () => {
    const stack = new Stack(testApp(), 'S2');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const server = new ec2.SecurityGroup(stack, 'ClickHouseServer', { vpc: network.vpc });
    new ClickHouseSinkConnector(stack, 'Sink', {
      cluster,
      vpc: network.vpc,
      connectorName: 'to-self-hosted',
      endpoint: ClickHouseEndpoint.selfHosted({ hostname: 'clickhouse.internal', ssl: false, peer: server }),
      credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'clickhouse/ingest'),
      topics: ['events'],
      release: SINK_RELEASE,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 8123, ToPort: 8123, DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClickHouseServer'), 'GroupId'] } });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8123, ToPort: 8123, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClickHouseServer'), 'GroupId'] } });
  });

  test('the role reads exactly its topics, its group, the secret and its key; the DLQ adds write and create', () => {
    const { template } = setup({ errorTolerance: ErrorTolerance.ALL, deadLetterQueue: { topicName: 'events-dlq' } });
    const policy = Object.values(template().findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('events-to-clickhouse') } }))[0];
    const bySid = Object.fromEntries(policy.Properties.PolicyDocument.Statement.map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['ClusterControlPlaneRead', 'ClusterConnect', 'MskConnectInternalTopics', 'ConsumerGroups',
      'ReadTopics', 'WriteTopics', 'CreateTopics', 'ReadSecrets', 'DecryptSecrets']);
    expect(JSON.stringify(bySid.ReadTopics.Resource)).toMatch(/\/events"\]\]\}$/);
    expect(JSON.stringify(bySid.WriteTopics.Resource)).toContain('/events-dlq');
    expect(JSON.stringify(bySid.ConsumerGroups.Resource)).toContain('/connect-events-to-clickhouse"');
    expect(bySid.ReadSecrets.Resource).toEqual({ Ref: expect.stringMatching(/^ClickHouseCredentials/) });
    expect(bySid.DecryptSecrets.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CredentialsKey/), 'Arn'] });
  });

  test('the sink is a grant target: grants land in its connector\'s least-privilege policy', () => {
    const { stack, cluster, sink, template } = setup();
    cluster.grantConsume(sink, ['audit'], ['audit-readers']);
    const policyId = stack.getLogicalId(sink.connector.leastPrivilegeRole!.policy.node.defaultChild as iam.CfnManagedPolicy);
    expect(template().findResources('AWS::IAM::ManagedPolicy')[policyId].Properties.PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: stack.resolve(cluster.topicArn('audit')),
    });
  });

  test('the dead-letter queue follows the cluster: replication 2 on a 2-broker cluster, and no more than its brokers', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, availabilityZoneCount: 2 });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const sink = minimalSink(stack, cluster, network.vpc, { errorTolerance: ErrorTolerance.ALL, deadLetterQueue: { topicName: 'events-dlq' } });
    expect(sink.connectorConfiguration['errors.deadletterqueue.topic.replication.factor']).toBe('2');
    expect(() => new ClickHouseSinkConnector(stack, 'Sink2', {
      cluster,
      vpc: network.vpc,
      connectorName: 'sink2',
      endpoint: ClickHouseEndpoint.cloud({ hostname: 'h.clickhouse.cloud' }),
      credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds2', 'clickhouse/ingest'),
      topics: ['events'],
      release: SINK_RELEASE,
      errorTolerance: ErrorTolerance.ALL,
      deadLetterQueue: { topicName: 'events-dlq', replicationFactor: 3 },
    })).toThrow('`deadLetterQueue.replicationFactor` must be a whole number between 1 and 2, got 3');
  });

  test('an imported secret gets kms:Decrypt on the key given for it', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc });
    const key = userKey(stack, 'SharedKey');
    minimalSink(stack, cluster, network.vpc, { credentialsKey: key });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('connector sink') } }))[0];
    const decrypt = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'DecryptSecrets');
    expect(decrypt.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SharedKey/), 'Arn'] });
  });

  test('no secret value appears anywhere in the synthesized template (sentinel)', () => {
    // The credentials live in another stack with a known value; nothing the library writes may carry that value.
    const app = testApp();
    const secrets = new Stack(app, 'Secrets');
    const SENTINEL = 'Sentinel-Password-7f3a9c';
    const credentials = new secretsmanager.Secret(secrets, 'Creds', {
      encryptionKey: userKey(secrets, 'Key'),
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ username: 'ingest', password: SENTINEL })),
    });
    const stack = new Stack(app, 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc });
    minimalSink(stack, cluster, network.vpc, { credentials });
    const assembly = app.synth();
    expect(JSON.stringify(assembly.getStackByName('Secrets').template)).toContain(SENTINEL); // the control: it is there
    const text = JSON.stringify(assembly.getStackByName('S').template);
    expect(text).not.toContain(SENTINEL);
    const connector = Object.values(Template.fromStack(stack).findResources('AWS::KafkaConnect::Connector'))[0];
    const secretKeys = Object.entries(connector.Properties.ConnectorConfiguration as Record<string, unknown>).filter(([k]) => /password|secret|token|username/i.test(k));
    expect(secretKeys.map(([k]) => k).sort()).toEqual(['password', 'username']);
    for (const [, v] of secretKeys) {
      expect(JSON.stringify(v)).toContain('${secretsmanager:');
    }
  });

  test('a literal secret cannot be smuggled in through the escape hatch', () => {
    expect(() => setup({ additionalProperties: { 'ssl.truststore.password': 'Sentinel-Password-7f3a9c' } }))
      .toThrow("`additionalProperties` 'ssl.truststore.password' must be a config-provider reference");
  });
});

describe('connectivity checklist at synth', () => {
  test('fails when the worker subnets have no route to a NAT gateway, naming both ends', () => {
    const stack = new Stack(testApp(), 'S');
    const vpc = new ec2.Vpc(stack, 'Isolated', {
      natGateways: 0,
      maxAzs: 2,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const cluster = new MskCluster(stack, 'Cluster', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    minimalSink(stack, cluster, vpc, { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    expect(() => Template.fromStack(stack)).toThrow(/connector 'S\/Sink\/Connector' needs internet egress \(the Secrets Manager API on TCP 443, ClickHouse 'h.clickhouse.cloud' on TCP 8443\), but subnet S\/Isolated\/IsolatedSubnet1 has no 0.0.0.0\/0 route to a NAT gateway/);
  });

  test('fails when an imported cluster has no security groups to open', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = MskCluster.fromClusterAttributes(stack, 'Cluster', { clusterArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/uuid-1', bootstrapBrokersSaslIam: 'b-1.prod:9098' });
    minimalSink(stack, cluster, network.vpc);
    expect(() => Template.fromStack(stack)).toThrow("no security-group path from connector 'S/Sink/Connector' to cluster 'S/Cluster' on TCP 9098: the destination has no known security groups to open");
  });

  test('fails when the brokers\' security group does not admit the connector', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc });
    minimalSink(stack, cluster, network.vpc);
    // A path that is removed after the fact is caught too: drop the rules the construct added.
    for (const child of stack.node.findAll()) {
      if (child instanceof ec2.CfnSecurityGroupIngress && JSON.stringify(stack.resolve(child.groupId)).includes('ClusterSecurityGroup')) {
        child.node.scope!.node.tryRemoveChild(child.node.id);
      }
    }
    expect(() => Template.fromStack(stack)).toThrow("no security-group path from connector 'S/Sink/Connector' to cluster 'S/Cluster' on TCP 9098: no ingress rule of the destination's security groups admits the source's security groups");
  });
});

describe('bad input', () => {
  const fails = (props: Partial<ClickHouseSinkConnectorProps>, message: string) => expect(() => setup(props)).toThrow(message);

  test('fails on a hostname with a scheme', () => {
    expect(() => ClickHouseEndpoint.cloud({ hostname: 'https://abc.clickhouse.cloud' })).toThrow("`hostname` must not contain a scheme (the sink builds the URL from `ssl`), got 'https://abc.clickhouse.cloud'");
  });
  test('fails on a hostname with a port', () => {
    expect(() => ClickHouseEndpoint.cloud({ hostname: 'abc.clickhouse.cloud:8443' })).toThrow('`hostname` must be a host name or IPv4 address without port or path');
  });
  test('fails on a Cloud port that is not 8443', () => {
    expect(() => ClickHouseEndpoint.cloud({ hostname: 'h', port: 9440 })).toThrow('`port` of a ClickHouse Cloud endpoint must be 8443 (HTTPS), got 9440');
  });
  test('fails on a port out of range', () => {
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', port: 70000 })).toThrow('`port` must be a whole number between 1 and 65535, got 70000');
  });
  test('fails on HTTPS on the plain HTTP port', () => {
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', ssl: true, port: 8123 })).toThrow("`port` 8123 is ClickHouse's plain HTTP port, but `ssl` is true");
  });
  test('fails on HTTP on the HTTPS port', () => {
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', ssl: false, port: 8443, peer: ec2.Peer.ipv4('10.0.0.0/8') }))
      .toThrow("`port` 8443 is ClickHouse's HTTPS port, but `ssl` is false");
  });
  test('fails on plain HTTP without a peer: credentials would cross the internet in plain text', () => {
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', ssl: false })).toThrow(
      '`ssl: false` sends the ClickHouse credentials and rows in plain text, so `peer` must be the server inside your network (a security group, a private CIDR or a prefix list), not the internet, got no `peer` (anywhere)');
  });
  test('fails on plain HTTP to anywhere', () => {
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', ssl: false, peer: ec2.Peer.anyIpv4() })).toThrow(
      "`ssl: false` sends the ClickHouse credentials and rows in plain text, so `peer` must be the server inside your network (a security group, a private CIDR or a prefix list), not the internet, got '0.0.0.0/0'");
  });
  test('takes imported security groups for the workers (nothing is recorded on a group this app does not define)', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const imported = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Team', 'sg-0123456789abcdef0', { allowAllOutbound: true });
    expect(() => minimalSink(stack, cluster, network.vpc, { vpcSubnets: network.privateSubnetSelection, securityGroups: [imported] })).not.toThrow();
  });
  test('fails on plain HTTP to a public address range', () => {
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', ssl: false, peer: ec2.Peer.ipv4('203.0.113.7/32') })).toThrow(
      "`ssl: false` sends the ClickHouse credentials and rows in plain text, so `peer` must be a private address range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10), not a public one, got '203.0.113.7/32'");
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', ssl: false, peer: ec2.Peer.ipv4('172.31.4.0/24') })).not.toThrow();
    // TLS to a public address is fine.
    expect(() => ClickHouseEndpoint.selfHosted({ hostname: 'h', peer: ec2.Peer.ipv4('203.0.113.7/32') })).not.toThrow();
  });
  test('fails on both topics and topicsRegex', () => {
    fails({ topicsRegex: { regex: 'a.*', permissionPattern: 'a*' } }, 'give exactly one of `topics` and `topicsRegex`, got both');
  });
  test('fails on neither topics nor topicsRegex', () => {
    fails({ topics: undefined }, 'give exactly one of `topics` and `topicsRegex`, got neither');
  });
  test('fails on an empty topic list', () => {
    fails({ topics: [] }, '`topics` must not be empty, got []');
  });
  test('fails on an invalid topic name', () => {
    fails({ topics: ['bad topic'] }, "`topics` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got 'bad topic'");
  });
  test('fails on a literal password in the escape hatch', () => {
    fails({ additionalProperties: { password: 'hunter2' } }, "`additionalProperties` cannot set 'password': a typed prop of ClickHouseSinkConnector sets it");
  });
  test('fails on a literal secret under a new key', () => {
    fails({ additionalProperties: { 'proxy.password': 'hunter2' } }, "`additionalProperties` 'proxy.password' must be a config-provider reference");
  });
  test('fails on retryCount out of 3-10', () => {
    fails({ retryCount: 2 }, '`retryCount` must be a whole number between 3 and 10, got 2');
  });
  test('fails on timeoutSeconds out of 0-600', () => {
    fails({ timeoutSeconds: 601 }, '`timeoutSeconds` must be a whole number between 0 and 600, got 601');
  });
  test('fails on tableRefreshIntervalSeconds out of 0-600', () => {
    fails({ tableRefreshIntervalSeconds: -1 }, '`tableRefreshIntervalSeconds` must be a whole number between 0 and 600, got -1');
  });
  test('fails on clickhouseClientInsertTimeoutMs below 100', () => {
    fails({ clickhouseClientInsertTimeoutMs: 99 }, '`clickhouseClientInsertTimeoutMs` must be a whole number of at least 100, got 99');
  });
  test('fails on buffered flushes with exactly-once', () => {
    fails({ bufferFlushTimeMs: 1000 }, '`bufferFlushTimeMs` must be 0 with `exactlyOnce` (buffered inserts cannot be deduplicated), got 1000');
  });
  test('fails on cross-partition batching with exactly-once', () => {
    fails({ ignorePartitionsWhenBatching: true }, '`ignorePartitionsWhenBatching` must be false with `exactlyOnce`');
  });
  test('fails on a KeeperMap path without a leading slash', () => {
    fails({ keeperMapPath: 'kafka-connect' }, "`keeperMapPath` must start with '/', got 'kafka-connect'");
  });
  test('fails on a db/topic split character that is not _ - .', () => {
    fails({ dbTopicSplitChar: '/' }, "`dbTopicSplitChar` must be one of '_', '-', '.', got '/'");
  });
  test('fails on a dead-letter queue without error tolerance all', () => {
    fails({ deadLetterQueue: { topicName: 'dlq' } }, "`deadLetterQueue` needs `errorTolerance: ErrorTolerance.ALL` (with 'none' the task stops on the first bad record), got 'none'");
  });
  test('fails on a dead-letter queue that is also a source topic', () => {
    fails({ errorTolerance: ErrorTolerance.ALL, deadLetterQueue: { topicName: 'events' } }, "`deadLetterQueue.topicName` 'events' is also in `topics`");
  });
  test('fails on JDBC properties without a leading ?', () => {
    fails({ jdbcConnectionProperties: 'socket_timeout=1' }, "`jdbcConnectionProperties` must start with '?'");
  });
  test('fails on a release version that is not a release number', () => {
    fails({ release: { ...SINK_RELEASE, version: 'v1.3.5' } }, "`release.version` must be a release number such as '1.3.5', got 'v1.3.5'");
  });
  test('fails on a release older than 1.1.0', () => {
    fails({ release: { ...SINK_RELEASE, version: '1.0.17' } }, "`release.version` must be 1.1.0 or later on MSK Connect (earlier releases lack the Jackson dependencies MSK Connect needs), got '1.0.17'");
  });
  test('fails on both plugin and release, or neither', () => {
    fails({ release: undefined }, 'give exactly one of `plugin` and `release`, got neither');
  });
  test('fails on a regex permission pattern that is not a prefix', () => {
    fails({ topics: undefined, topicsRegex: { regex: 'e.*', permissionPattern: 'e' } }, "`topicsRegex.permissionPattern` must be a topic-name prefix ending in '*', got 'e'");
  });
  test('fails on tuning together with a shared worker configuration', () => {
    const stack = new Stack(testApp(), 'X');
    const shared = new WorkerConfiguration(stack, 'Shared', { secretsManagerConfigProvider: true });
    fails({ workerConfiguration: shared, maxPollRecords: 1000 }, '`maxPollRecords` and `recordSizeBytes` tune a worker configuration of this sink; they cannot be combined with a shared `workerConfiguration`');
  });
  test('fails on a schema registry URL that is not https', () => {
    expect(() => SinkValueFormat.avro('http://registry:8081')).toThrow("`schemaRegistryUrl` must be an https:// URL, got 'http://registry:8081'");
  });
});

describe('bad input: consistency, values passed through, duplicates, secrets (#14)', () => {
  const fails = (props: Partial<ClickHouseSinkConnectorProps>, message: string) => expect(() => setup(props)).toThrow(message);
  const regex = (r: string, permissionPattern: string) => ({ topics: undefined, topicsRegex: { regex: r, permissionPattern } });

  test('fails on a topic listed twice', () => {
    fails({ topics: ['events', 'orders', 'events'] }, "`topics` must not name the same entry twice, got 'events' twice");
  });
  test('fails on a topicsRegex that reads topics outside its permissionPattern', () => {
    fails(regex('events-.*', 'orders-*'),
      "`topicsRegex.regex` 'events-.*' can match topics outside `topicsRegex.permissionPattern` 'orders-*' (matches need not start with 'orders-', e.g. ones starting 'events-'): the sink could not read them and would move no data from them; make every alternative of the regex start with the pattern's prefix");
  });
  test('fails on a regex alternative outside the permissionPattern', () => {
    fails(regex('orders-.*|returns-.*', 'orders-*'), "`topicsRegex.regex` 'orders-.*|returns-.*' can match topics outside `topicsRegex.permissionPattern` 'orders-*' (matches need not start with 'orders-', e.g. ones starting 'returns-')");
  });
  test('fails on a regex that can match any topic', () => {
    fails(regex('.*-events', 'app-*'), "`topicsRegex.regex` '.*-events' can match topics outside `topicsRegex.permissionPattern` 'app-*' (matches need not start with 'app-'): the sink could not read them");
  });
  test('a regex whose every alternative starts with the prefix passes', () => {
    expect(config(setup(regex('^orders\\.(eu|us)\\..+', 'orders.*')).stack)['topics.regex']).toBe('^orders\\.(eu|us)\\..+');
  });
  test('fails on a permissionPattern that is not a topic-name prefix', () => {
    fails(regex('orders/.*', 'orders/*'), "`topicsRegex.permissionPattern` must be a topic-name prefix of letters, digits, '.', '_', '-' followed by one '*', got 'orders/*'");
  });
  test('fails on a topicsRegex.regex that does not compile', () => {
    fails(regex('orders-(', 'orders-*'), "`topicsRegex.regex` must be a valid regular expression, got 'orders-('");
  });
  test('fails on an empty topicsRegex.regex (it would read no topic)', () => {
    fails(regex('', 'orders-*'), "`topicsRegex.regex` must not be empty (it would match no topic), got ''");
  });
  test('fails on a topicsRegex.regex with an unbounded look-behind', () => {
    fails(regex('orders-(?<!test.*)eu', 'orders-*'),
      "`topicsRegex.regex` has a look-behind without a maximum length, which Java's regex engine (which Kafka Connect uses) rejects, got 'orders-(?<!test.*)eu'");
    expect(() => setup(regex('orders-(?<!test)eu', 'orders-*'))).not.toThrow();
  });
  test('fails on a regex Java would not compile', () => {
    fails(regex('orders-{eu}', 'orders-*'), "`topicsRegex.regex` has a '{' that is not a quantifier (write '\\{'), which Java's regex engine (which Kafka Connect uses) rejects, got 'orders-{eu}'");
  });
  test('fails on a dead letter queue matched by topicsRegex', () => {
    fails({ ...regex('events.*', 'events*'), errorTolerance: ErrorTolerance.ALL, deadLetterQueue: { topicName: 'events-dlq' } },
      "`deadLetterQueue.topicName` 'events-dlq' matches `topicsRegex.regex` 'events.*': the sink would read its own failures (Kafka Connect refuses it)");
  });
  test('fails on a topicToTableMap entry for a topic the sink does not read', () => {
    fails({ topicToTableMap: { evnets: 'events_table' } },
      "`topicToTableMap` maps 'evnets', which is not among the topics the sink reads (`topics` ['events']): its table would never receive rows");
  });
  test('fails on a topicToTableMap entry the regex does not match', () => {
    fails({ ...regex('events\\..+', 'events.*'), topicToTableMap: { 'orders.eu': 'orders' } },
      "`topicToTableMap` maps 'orders.eu', which is not among the topics the sink reads (`topicsRegex.regex` 'events\\..+')");
  });
  test('fails on a topicToTableMap key that is not a topic name', () => {
    fails({ topicToTableMap: { 'events table': 'events' } },
      "`topicToTableMap` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got 'events table'");
  });
  test('fails on a topicToTableMap table that is not a ClickHouse identifier', () => {
    fails({ topicToTableMap: { events: 'analytics.events' } },
      "`topicToTableMap['events']` must be a ClickHouse identifier (a letter or '_', then letters, digits, '_', '-'; at most 206 characters), got 'analytics.events'");
  });
  test('fails on a database that is not a ClickHouse identifier', () => {
    fails({ database: 'analytics/prod' }, "`database` must be a ClickHouse identifier (a letter or '_', then letters, digits, '_', '-'; at most 206 characters), got 'analytics/prod'");
  });
  test('fails on a keeperMapTable that is not a ClickHouse identifier', () => {
    fails({ keeperMapTable: 'connect-state' }, "`keeperMapTable` must be a ClickHouse identifier (a letter or '_', then letters, digits, '_'; at most 206 characters), got 'connect-state'");
  });
  test('fails on a keeperOnCluster that is not a cluster name', () => {
    fails({ keeperOnCluster: 'my cluster' }, "`keeperOnCluster` must be a ClickHouse identifier (a letter or '_', then letters, digits, '_', '-'; at most 206 characters), got 'my cluster'");
  });
  test('fails on a keeperMapPath with an empty or trailing part', () => {
    fails({ keeperMapPath: '/kafka-connect/' }, "`keeperMapPath` must be a Keeper path such as '/kafka-connect' ('/'-separated names of letters, digits, '_', '.', '-'; no empty or trailing part), got '/kafka-connect/'");
  });
  test('fails on the same field for user name and password', () => {
    fails({ usernameField: 'secret', passwordField: 'secret' }, "`usernameField` and `passwordField` must name different fields of the secret, got 'secret' for both");
  });
  test('fails on a password inside jdbcConnectionProperties', () => {
    fails({ jdbcConnectionProperties: '?ssl=true&password=hunter2' },
      "`jdbcConnectionProperties` must not carry credentials (found 'password='): it is stored in plain text in the template and the connector; pass them through `credentials` or a '${secretsmanager:...}' reference");
  });
  test('fails on a user inside jdbcConnectionProperties', () => {
    fails({ jdbcConnectionProperties: '?user=ingest' }, "`jdbcConnectionProperties` must not carry credentials (found 'user=')");
  });
  test('fails on jdbcConnectionProperties that are not a query string', () => {
    fails({ jdbcConnectionProperties: '?socket_timeout 30000' }, "`jdbcConnectionProperties` must be a query string '?name=value&name=value' without spaces, got '?socket_timeout 30000'");
  });
  test('fails on a connection string with a password in additionalProperties', () => {
    fails({ additionalProperties: { 'proxy.url': 'http://proxy:Passw0rd@10.0.0.5:3128' } },
      "`additionalProperties` 'proxy.url' must not carry credentials ('user:password@' in a URL): it is stored in plain text in the template and the connector");
  });
  test('fails on key=value credentials in an additionalProperties value', () => {
    fails({ additionalProperties: { 'custom.connection': 'host=db;user=admin;pwd=x' } }, "`additionalProperties` 'custom.connection' must not carry credentials (found 'user=')");
  });
  test('a config-provider reference in an additionalProperties value passes', () => {
    expect(config(setup({ additionalProperties: { 'value.converter.connection': 'password=${secretsmanager:db:password}' } }).stack)['value.converter.connection'])
      .toBe('password=${secretsmanager:db:password}');
  });
  test('fails on a host name with credentials', () => {
    expect(() => ClickHouseEndpoint.cloud({ hostname: 'default:pw@abc.clickhouse.cloud' }))
      .toThrow("`hostname` must not carry credentials ('user:password@'): it is stored in plain text; give them in `credentials`, got '***@abc.clickhouse.cloud'");
  });
  test('fails on a schema registry URL with credentials', () => {
    expect(() => SinkValueFormat.avro('https://key:secret@psrc.eu-west-1.aws.confluent.cloud'))
      .toThrow("`schemaRegistryUrl` must not carry credentials ('user:password@'): the URL is stored in plain text in the template, got 'https://***@psrc.eu-west-1.aws.confluent.cloud'");
  });
  test('fails on literal registry credentials in a custom format', () => {
    expect(() => SinkValueFormat.custom('io.confluent.connect.avro.AvroConverter', { 'basic.auth.user.info': 'key:secret' }))
      .toThrow("`settings` 'basic.auth.user.info' must be a config-provider reference such as '${secretsmanager:<secret-name>:<key>}', not a literal value");
  });
  test('fails on a registry URL with credentials in a custom format', () => {
    expect(() => SinkValueFormat.custom('io.confluent.connect.avro.AvroConverter', { 'schema.registry.url': 'https://key:secret@psrc.eu-west-1.aws.confluent.cloud' }))
      .toThrow("`settings.schema.registry.url` must not carry credentials ('user:password@'): the URL is stored in plain text in the template, got 'https://***@psrc.eu-west-1.aws.confluent.cloud'");
    expect(() => SinkValueFormat.custom('io.confluent.connect.avro.AvroConverter', { 'schema.registry.url': 'https://psrc.eu-west-1.aws.confluent.cloud' })).not.toThrow();
    // The registry takes a comma-separated list of URLs: each one is checked.
    expect(() => SinkValueFormat.custom('io.confluent.connect.avro.AvroConverter', { 'schema.registry.url': 'https://registry-a.internal,https://key:secret@registry-b.internal' }))
      .toThrow("`settings.schema.registry.url` must not carry credentials ('user:password@'): the URL is stored in plain text in the template, got 'https://registry-a.internal,https://***@registry-b.internal'");
  });
  test('fails on a custom converter that is not a class name', () => {
    expect(() => SinkValueFormat.custom('avro')).toThrow("`converterClass` must be a fully qualified Java class name such as 'org.apache.kafka.connect.storage.StringConverter', got 'avro'");
  });
  test('fails on clickhouseSettings keys that are not setting names', () => {
    fails({ clickhouseSettings: { 'insert quorum': '2' } }, "`clickhouseSettings` keys must be ClickHouse setting names (letters, digits, '_'), got 'insert quorum'");
  });
  test('fails on a clickhouseSettings value with the list separator', () => {
    fails({ clickhouseSettings: { async_insert: '1,wait_for_async_insert=0' } },
      "`clickhouseSettings` 'async_insert' must not contain ',' or '=' (the sink splits the list on them), got '1,wait_for_async_insert=0'");
  });
  test('fails on a secret in clickhouseSettings', () => {
    fails({ clickhouseSettings: { password: 'x' } }, "`clickhouseSettings` must not carry secrets ('password' is stored in plain text in the template and the connector)");
  });
  test('fails on dateTimeFormats with a separator in a pattern', () => {
    fails({ dateTimeFormats: { created_at: 'yyyy-MM-dd;HH' } },
      "`dateTimeFormats` must map column names (no '=', ';' or spaces) to non-empty patterns without ';', got 'created_at'='yyyy-MM-dd;HH'");
  });
  test('fails on two transforms with one name', () => {
    fails({ transforms: [{ name: 'flatten', type: 'org.apache.kafka.connect.transforms.Flatten$Value' }, { name: 'flatten', type: 'org.apache.kafka.connect.transforms.Flatten$Key' }] },
      "`transforms` must not name the same transform name twice, got 'flatten' twice");
  });
  test('fails on a transform type that is not a class name', () => {
    fails({ transforms: [{ name: 'flatten', type: 'Flatten' }] }, "`transforms` 'flatten' type must be a fully qualified Java class name such as 'org.apache.kafka.connect.storage.StringConverter', got 'Flatten'");
  });
  test('fails on a LeastPrivilegeConnectorRole that does not cover the topics', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const role = new LeastPrivilegeConnectorRole(stack, 'Role', { cluster, connectorName: 'sink', readTopics: ['orders'] });
    expect(() => minimalSink(stack, cluster, network.vpc, { vpcSubnets: network.privateSubnetSelection, role: role.role }))
      .toThrow("`role` ('S/Role') readTopics ['orders'] do not cover `topics` ['events']: the sink would start and move no data from them (TopicAuthorizationException)");
  });
  test('fails on a LeastPrivilegeConnectorRole without the credentials secret, or made for another connector or cluster', () => {
    const make = (roleProps: Partial<LeastPrivilegeConnectorRoleProps>, otherCluster = false) => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
      const roleCluster = otherCluster ? new MskCluster(stack, 'Other', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, clusterName: 'other' }) : cluster;
      const role = new LeastPrivilegeConnectorRole(stack, 'Role', { cluster: roleCluster, connectorName: 'sink', readTopics: ['events'], ...roleProps });
      return () => minimalSink(stack, cluster, network.vpc, { vpcSubnets: network.privateSubnetSelection, role: role.role });
    };
    expect(make({})).toThrow("`role` ('S/Role') `secrets` do not include 'S/Creds', which the connector reads through its config provider: the workers would fail to start");
    expect(make({ connectorName: 'orders-sink' }))
      .toThrow("`role` ('S/Role') is the role of connector 'orders-sink', not of `connectorName` 'sink': its trust lets only that connector assume it, and it grants the consumer group 'connect-orders-sink'");
    expect(make({}, true)).toThrow("`role` ('S/Role') is the role of cluster 'S/Other', not of `cluster` 'S/Cluster': its kafka-cluster grants name that cluster's ARN, so the connector could not connect");
  });
  test('fails on a LeastPrivilegeConnectorRole that does not cover the permissionPattern', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const role = new LeastPrivilegeConnectorRole(stack, 'Role', { cluster, connectorName: 'sink', readTopics: ['events.eu.*'] });
    expect(() => minimalSink(stack, cluster, network.vpc, { vpcSubnets: network.privateSubnetSelection, role: role.role, ...regex('events\\..+', 'events.*') }))
      .toThrow("`role` ('S/Role') readTopics ['events.eu.*'] do not cover `topicsRegex.permissionPattern` 'events.*'");
  });
  test('fails on a second sink with the same connector name', () => {
    const { stack, cluster, network, credentials } = setup();
    expect(() => new ClickHouseSinkConnector(stack, 'Sink2', {
      cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      connectorName: 'events-to-clickhouse',
      endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' }),
      credentials,
      topics: ['orders'],
      release: SINK_RELEASE,
    })).toThrow("`connectorName` 'events-to-clickhouse' is already used by 'S/Sink/Connector' in the same account and region");
  });
});

describe('tokens from the same app (#14)', () => {
  test('number tokens (tasksMax, port, retryCount) reach the connector configuration as references, not placeholders', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const param = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    minimalSink(stack, cluster, network.vpc, {
      vpcSubnets: network.privateSubnetSelection,
      endpoint: ClickHouseEndpoint.selfHosted({ hostname: 'ch.internal', port: param('Port'), peer: ec2.Peer.ipv4('10.0.0.0/8') }),
      capacity: ConnectorCapacity.provisioned(),
      tasksMax: param('Tasks'),
      retryCount: param('Retries'),
    });
    const connector = JSON.stringify(Template.fromStack(stack).findResources('AWS::KafkaConnect::Connector'));
    expect(connector).not.toMatch(/e\+\d{3}/);
    expect(connector).toContain('{"Ref":"Tasks"}');
    expect(connector).toContain('{"Ref":"Port"}');
    expect(connector).toContain('{"Ref":"Retries"}');
  });
});

describe('ClickHouse Cloud over AWS PrivateLink', () => {
  const SERVICE = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a0218fa75c646d81';
  const HOST = 'abc123xyz.eu-west-1.vpce.aws.clickhouse.cloud';
  const privateLink = (extra: Partial<ClickHouseSinkConnectorProps> = {}, options: { flowLogs?: boolean } = {}) =>
    setup({ endpoint: ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: SERVICE, hostname: HOST }), ...extra }, options);

  test('an interface endpoint with private DNS in the workers\' subnets; the workers\' 8443 egress goes to its security group, never to the internet', () => {
    const { stack, network, sink, template } = privateLink();
    const t = template();
    const endpoints = t.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: SERVICE } });
    const [endpointId] = Object.keys(endpoints);
    const endpoint = endpoints[endpointId].Properties;
    expect(endpoint).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    expect(endpoint.SubnetIds).toEqual(network.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })));
    const groups = t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('PrivateLink endpoint') } });
    const [groupId] = Object.keys(groups);
    expect(groups[groupId].Properties.GroupDescription).toBe('ClickHouse Cloud PrivateLink endpoint of events-to-clickhouse: HTTPS from its MSK Connect workers only');
    expect(groups[groupId].Properties.SecurityGroupIngress).toBeUndefined();
    expect(endpoint.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
    // Ingress on the endpoint's group: the workers' group, on 8443 only.
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 8443,
      ToPort: 8443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SinkConnectorSecurityGroup'), 'GroupId'] },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      IpProtocol: 'tcp',
      FromPort: 8443,
      ToPort: 8443,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
      Description: 'MSK Connect workers of events-to-clickhouse to ClickHouse Cloud (HTTPS) over AWS PrivateLink',
    });
    const workers = Object.values(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^MSK Connect workers of events-to-clickhouse') } }))[0];
    expect((workers.Properties.SecurityGroupEgress ?? []).filter((r: any) => r.FromPort === 8443)).toEqual([]);
    expect(sink.clickHouseVpcEndpoint).toBeDefined();
    expect(config(stack)).toMatchObject({ hostname: HOST, port: '8443', ssl: 'true' });
  });

  test('bad input: a public host name, a malformed service name, another port, another region', () => {
    expect(() => ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: SERVICE, hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' }))
      .toThrow("`hostname` of a PrivateLink endpoint must be the service's private DNS host name ('<id>.<region>.vpce.aws.clickhouse.cloud'); its public name resolves to the internet, got 'abc123.eu-west-1.aws.clickhouse.cloud'");
    expect(() => ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: 'vpce-svc-0a0218fa75c646d81', hostname: HOST }))
      .toThrow("`vpcEndpointServiceName` must be a VPC endpoint service name ('com.amazonaws.vpce.<region>.vpce-svc-<id>'), got 'vpce-svc-0a0218fa75c646d81'");
    expect(() => ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: SERVICE, hostname: HOST, port: 9440 }))
      .toThrow('`port` of a ClickHouse Cloud endpoint must be 8443 (HTTPS), got 9440');
    const stack = new Stack(testApp(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, availabilityZoneCount: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    expect(() => minimalSink(stack, cluster, network.vpc, {
      vpcSubnets: network.privateSubnetSelection,
      endpoint: ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: SERVICE, hostname: HOST }),
    })).toThrow("`vpcEndpointServiceName` must be an endpoint service of the stack's region 'us-east-1' (an interface endpoint cannot reach another region's service), got 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a0218fa75c646d81'");
  });
});

describe('Secrets Manager through the VPC\'s interface endpoint', () => {
  test('the workers\' HTTPS for the config provider goes to the endpoint\'s security group, not to 0.0.0.0/0', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: true, secretsManagerEndpoint: true });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    minimalSink(stack, cluster, network.vpc, {
      vpcSubnets: network.privateSubnetSelection,
      endpoint: ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a0218fa75c646d81', hostname: 'abc.eu-west-1.vpce.aws.clickhouse.cloud' }),
    });
    const t = Template.fromStack(stack);
    const endpointGroup = Object.keys(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Secrets Manager interface endpoint') } }))[0];
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
      Description: 'HTTPS to the Secrets Manager interface endpoint (config provider) from sink',
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SinkConnectorSecurityGroup'), 'GroupId'] },
    });
    // With ClickHouse over PrivateLink too, the workers have no internet egress at all.
    const workers = Object.values(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^MSK Connect workers of sink') } }))[0];
    expect(JSON.stringify(workers.Properties.SecurityGroupEgress ?? [])).not.toContain('0.0.0.0/0');
    expect(JSON.stringify(t.findResources('AWS::EC2::SecurityGroupEgress'))).not.toMatch(/"CidrIp":"0\.0\.0\.0\/0","Description":"MSK Connect workers/);
  });
});

describe('alarms', () => {
  test('alarms sets the connector alarms and their topic, as on MskConnector', () => {
    const { stack, cluster, network } = pipelineBase();
    const topic = new sns.Topic(stack, 'Ops');
    const sink = minimalSink(stack, cluster, network.vpc, { vpcSubnets: network.privateSubnetSelection, alarms: { topic, cpuPercent: 70 } });
    expect(sink.connector.alarmTopic).toBe(topic);
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    const cpu = alarms.filter((a) => a.Properties.MetricName === 'CpuUtilization');
    expect(cpu.map((a) => a.Properties.Threshold)).toEqual([70]);
    expect(cpu[0].Properties.AlarmActions).toEqual([{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }]);
  });

  test('alarmTopic, the deprecated form of alarms.topic, still routes the alarms and is refused together with alarms', () => {
    const { stack, cluster, network } = pipelineBase();
    const topic = new sns.Topic(stack, 'Ops');
    const sink = minimalSink(stack, cluster, network.vpc, { vpcSubnets: network.privateSubnetSelection, alarmTopic: topic });
    expect(sink.connector.alarmTopic).toBe(topic);
    const other = pipelineBase();
    const both = { vpcSubnets: other.network.privateSubnetSelection, alarms: {}, alarmTopic: topic };
    expect(() => minimalSink(other.stack, other.cluster, other.network.vpc, both))
      .toThrow('`alarmTopic` is the deprecated form of `alarms.topic`: give only `alarms`, got both');
  });
});
