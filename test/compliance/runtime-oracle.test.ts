import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AuroraMySqlCdcSource, ClickHouseEndpoint, ClickHouseSinkConnector, DebeziumMySqlSourceConnector, DebeziumMySqlSourceConnectorProps, DebeziumVersion,
  ErrorTolerance, KafkaConnectVersion, MskClickHousePipelineStack, MskConnector, MySqlCdcToClickHouseStack, WorkerConfiguration,
} from '../../lib';
import { CfnTemplate, TemplateResolver } from '../support/cfn-resolver';
import { testApp } from '../support/compliance';
import { CDC_EXAMPLE, EXAMPLE_SHA256, pipelineBase, PIPELINE_EXAMPLE, userKey } from '../support/fixtures';
import { RuntimeOracle, RuntimeOracleOptions, RuntimeRequest } from '../support/runtime-oracle';

const RELEASE = {
  version: '1.3.5',
  sha256: EXAMPLE_SHA256,
  configProvider: { url: 'https://example.com/msk-config-providers-0.3.1-with-dependencies.jar', sha256: 'b'.repeat(64) },
};
const EXTERNAL_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001';

/** A stack with an Aurora source and a Debezium connector `orders-cdc` (topic prefix `orders`) on it. */
function debeziumStack(props: Partial<DebeziumMySqlSourceConnectorProps> = {}): Stack {
  const { stack, network, cluster } = pipelineBase();
  const source = new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  new DebeziumMySqlSourceConnector(stack, 'Cdc', {
    cluster,
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
    connectorName: 'orders-cdc',
    source,
    serverId: 1,
    topicPrefix: 'orders',
    release: { sha256: EXAMPLE_SHA256, configProvider: RELEASE.configProvider },
    ...props,
  });
  return stack;
}

function templateOf(stack: Stack): CfnTemplate {
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

async function failures(template: CfnTemplate, stackName: string, options?: RuntimeOracleOptions): Promise<string[]> {
  return new RuntimeOracle(template, stackName, options).failures();
}

/** Requests of `actorPrefix` for `action`, so a test can assert that the model covers what it must. */
function requestsOf(requests: RuntimeRequest[], action: string, resourcePart = ''): RuntimeRequest[] {
  return requests.filter((r) => r.expect === 'allow' && r.action === action && r.resource.includes(resourcePart));
}

/** Custom resources whose response CloudFormation would wait an hour for: no ServiceTimeout, or not above the handler's. */
function customResourceTimeoutProblems(template: CfnTemplate): string[] {
  const t = new TemplateResolver(template, 'S');
  const problems: string[] = [];
  const custom = t.resources.filter(([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource');
  for (const [id, r] of custom) {
    const timeout = Number(r.Properties?.ServiceTimeout);
    const fnId = TemplateResolver.target(r.Properties?.ServiceToken);
    const fnTimeout = fnId && t.resource(fnId).Type === 'AWS::Lambda::Function' ? Number(t.resource(fnId).Properties.Timeout ?? 3) : 0;
    if (!Number.isFinite(timeout) || timeout < 1 || timeout > 3600) {
      problems.push(`${id} (${r.Type}) has no ServiceTimeout between 1 and 3600 s: a lost response holds the deployment for an hour`);
    } else if (timeout <= fnTimeout) {
      problems.push(`${id} (${r.Type}) times out after ${timeout} s, before its handler's ${fnTimeout} s`);
    }
  }
  return problems;
}

describe('the example stacks work as AWS would run them', () => {
  const app = testApp();
  const pipelineStack = new MskClickHousePipelineStack(app, 'Pipeline', PIPELINE_EXAMPLE);
  const cdcStack = new MySqlCdcToClickHouseStack(app, 'Cdc', CDC_EXAMPLE);
  const [pipeline, cdc] = [templateOf(pipelineStack), templateOf(cdcStack)];

  test.each([['Pipeline', pipeline], ['Cdc', cdc]])('%s: every runtime request evaluates as expected', async (name, template) => {
    const oracle = new RuntimeOracle(template, name);
    const requests = oracle.requests();
    // The model covers every connector, alarm and handler: the stack has something to evaluate in each class.
    expect(requestsOf(requests, 'secretsmanager:GetSecretValue').length).toBeGreaterThan(0);
    expect(requestsOf(requests, 'sns:Publish').length).toBeGreaterThan(0);
    expect(requestsOf(requests, 'kafka-cluster:ReadData').length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.expect === 'deny').length).toBeGreaterThan(0);
    expect(await oracle.failures(requests)).toEqual([]);
  });

  test('the CDC connector\'s heartbeat, history and data topics are in the model', () => {
    const requests = new RuntimeOracle(cdc, 'Cdc').requests();
    expect(requestsOf(requests, 'kafka-cluster:WriteData', '/__debezium-heartbeat.cdc')).toHaveLength(1);
    expect(requestsOf(requests, 'kafka-cluster:CreateTopic', '/schema-history.cdc')).toHaveLength(1);
    expect(requestsOf(requests, 'kafka-cluster:WriteData', '/cdc.shop.orders')).toHaveLength(1);
    // The sink reads what the source writes (its topics.regex matched against the source's topics).
    expect(requestsOf(requests, 'kafka-cluster:ReadData', '/cdc.shop.orders').map((r) => r.actor)).toEqual([expect.stringMatching(/^connector cdc-clickhouse-sink$/)]);
  });

  test.each([['Pipeline', pipeline], ['Cdc', cdc]])('%s: every custom resource answers within a bounded time', (_name, template) => {
    expect(customResourceTimeoutProblems(template)).toEqual([]);
  });
});

describe('each connector\'s own stack', () => {
  test('ClickHouse sink, secret imported by name with its key, dead-letter queue', async () => {
    const { stack, network, cluster } = pipelineBase();
    new ClickHouseSinkConnector(stack, 'Sink', {
      cluster,
      vpc: network.vpc,
      connectorName: 'events-sink',
      endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc.eu-west-1.aws.clickhouse.cloud' }),
      credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'clickhouse/ingest'),
      credentialsKey: kms.Key.fromKeyArn(stack, 'CredsKey', EXTERNAL_KEY),
      topics: ['events', 'orders'],
      errorTolerance: ErrorTolerance.ALL,
      deadLetterQueue: { topicName: 'events-dlq' },
      release: RELEASE,
    });
    const oracle = new RuntimeOracle(templateOf(stack), 'S', { externalSecretKeys: { 'clickhouse/ingest': EXTERNAL_KEY } });
    const requests = oracle.requests();
    expect(requestsOf(requests, 'kms:Decrypt', EXTERNAL_KEY)).toHaveLength(1);
    expect(requestsOf(requests, 'kafka-cluster:WriteData', '/events-dlq')).toHaveLength(1);
    expect(await oracle.failures(requests)).toEqual([]);
  });

  test('ClickHouse sink, secret in the stack with a customer-managed key, self-hosted endpoint', async () => {
    const { stack, network, cluster } = pipelineBase();
    const credentials = new secretsmanager.Secret(stack, 'Credentials', {
      encryptionKey: userKey(stack, 'CredentialsKey'),
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'ingest' }), generateStringKey: 'password' },
    });
    new ClickHouseSinkConnector(stack, 'Sink', {
      cluster,
      vpc: network.vpc,
      connectorName: 'events-sink',
      endpoint: ClickHouseEndpoint.selfHosted({ hostname: 'clickhouse.internal', ssl: true, port: 8443 }),
      credentials,
      topicsRegex: { regex: 'events\\..*', permissionPattern: 'events.*' },
      release: RELEASE,
    });
    const oracle = new RuntimeOracle(templateOf(stack), 'S', { sampleTopics: ['events.a', 'other.b'] });
    const requests = oracle.requests();
    const reads = requestsOf(requests, 'kafka-cluster:ReadData').map((r) => r.resource.split('/').pop()!);
    expect(reads.filter((topic) => !topic.startsWith('__amazon_msk_connect_'))).toEqual(['events.a']);
    expect(requestsOf(requests, 'kms:Decrypt').filter((r) => r.actor.startsWith('connector'))).toHaveLength(1);
    expect(await oracle.failures(requests)).toEqual([]);
  });

  const versions: Array<[string, DebeziumVersion, KafkaConnectVersion]> = [
    ['1.9', DebeziumVersion.V1_9, KafkaConnectVersion.V2_7_1],
    ['2.7', DebeziumVersion.V2_7, KafkaConnectVersion.V3_7_X],
    ['3.0', DebeziumVersion.V3_0, KafkaConnectVersion.V3_7_X],
  ];
  test.each(versions)('Debezium %s on Aurora, with the CDC setup handler', async (_name, debeziumVersion, kafkaConnectVersion) => {
    const stack = debeziumStack({ databaseIncludeList: ['shop'], tableIncludeList: ['shop.orders', 'shop.items'], debeziumVersion, kafkaConnectVersion });
    const oracle = new RuntimeOracle(templateOf(stack), 'S');
    const requests = oracle.requests();
    expect(requestsOf(requests, 'kafka-cluster:WriteData', '/__debezium-heartbeat.orders')).toHaveLength(1);
    // The setup handler reads both secrets and decrypts them; nothing else reads the master secret; no Data API.
    const setup = requests.filter((r) => r.actor.includes('Custom::MySqlCdcSetup'));
    expect(setup.filter((r) => r.expect === 'allow').map((r) => r.action).sort()).toEqual(
      ['kms:Decrypt', 'kms:Decrypt', 'secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
    expect(setup.filter((r) => r.expect === 'deny').map((r) => r.action)).toEqual(['rds-data:ExecuteStatement']);
    const adminSecret = setup.find((r) => r.action === 'secretsmanager:GetSecretValue' && r.resource.includes('SourceClusterSecret'))!.resource;
    const otherReaders = requests.filter((r) => r.expect === 'deny' && r.action === 'secretsmanager:GetSecretValue' && r.resource === adminSecret);
    expect(otherReaders.length).toBeGreaterThanOrEqual(3);
    expect(requestsOf(requests, 'ec2:CreateNetworkInterface').length).toBeGreaterThan(0);
    expect(await oracle.failures(requests)).toEqual([]);
  });

  test('Debezium without heartbeats needs no heartbeat topic (and is not granted one)', async () => {
    const stack = debeziumStack({ heartbeatIntervalMs: 0 });
    const oracle = new RuntimeOracle(templateOf(stack), 'S');
    const requests = oracle.requests();
    expect(requestsOf(requests, 'kafka-cluster:WriteData', '__debezium-heartbeat')).toHaveLength(0);
    const write = requestsOf(requests, 'kafka-cluster:WriteData', '/orders.')[0];
    const probe = { ...write, resource: write.resource.replace(/[^/]+$/, '__debezium-heartbeat.orders'), expect: 'deny' as const };
    expect(await oracle.failures([...requests, probe])).toEqual([]);
  });

  test('a generic connector with a Secrets Manager reference', async () => {
    const { stack, network, cluster, plugin } = pipelineBase();
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Api', 'team/api-credentials');
    new MskConnector(stack, 'Connector', {
      cluster,
      vpc: network.vpc,
      connectorName: 'generic',
      plugin,
      workerConfiguration: new WorkerConfiguration(stack, 'Workers', { secretsManagerConfigProvider: true }),
      connectorConfiguration: { 'connector.class': 'com.example.Source', 'api.password': '${secretsmanager:team/api-credentials:password}' },
      permissions: { secrets: [secret], writeTopics: ['generic-out'] },
    });
    expect(await failures(templateOf(stack), 'S')).toEqual([]);
  });

  test('the stacks of the connectors answer within a bounded time', () => {
    const { stack, network, cluster } = pipelineBase();
    new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    cluster.bootstrapBrokersSaslIam; // creates the bootstrap lookup
    const template = templateOf(stack);
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    expect([...types].filter((t) => t.startsWith('Custom::')).sort()).toEqual(
      ['Custom::AWS', 'Custom::ConnectorPluginArtifact', 'Custom::MySqlCdcSetup', 'Custom::VpcRestrictDefaultSG']);
    expect(customResourceTimeoutProblems(template)).toEqual([]);
  });
});

/**
 * Negative controls: each defect the oracle was built for, put back into a correct template, must be reported. Without
 * these a green oracle could mean an oracle that never fails.
 */
describe('negative controls: the oracle reports each defect it was built for', () => {
  const cdcTemplate = JSON.stringify(templateOf(new MySqlCdcToClickHouseStack(testApp(), 'Cdc', CDC_EXAMPLE)));
  const fresh = (): CfnTemplate => JSON.parse(cdcTemplate);
  const policies = (t: CfnTemplate) => Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
  const statements = (t: CfnTemplate) => policies(t).flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
  const asList = (v: any) => (Array.isArray(v) ? v : [v]);

  test('a secret imported by name granted on its partial ARN (no "-??????")', async () => {
    const t = fresh();
    const stmt = statements(t).find((s) => s.Sid === 'ReadSecrets' && JSON.stringify(s.Resource).includes('-??????'))!;
    stmt.Resource = JSON.parse(JSON.stringify(stmt.Resource).replace(/-\?\?\?\?\?\?/g, ''));
    const found = await failures(t, 'Cdc');
    expect(found).toEqual([expect.stringMatching(/^connector cdc-clickhouse-sink: secretsmanager:GetSecretValue on .*example\/clickhouse-credentials-\w{6} should be allowed but is ImplicitlyDenied/)]);
  });

  test('no permission on the Debezium heartbeat topic', async () => {
    const t = fresh();
    for (const s of statements(t)) {
      s.Resource = asList(s.Resource).filter((r: any) => !JSON.stringify(r).includes('__debezium-heartbeat'));
    }
    const found = await failures(t, 'Cdc');
    expect(found).toHaveLength(3);
    expect(found.every((f) => /__debezium-heartbeat\.cdc should be allowed/.test(f))).toBe(true);
  });

  test('an alarm topic policy with only "deny non-TLS"', async () => {
    const t = fresh();
    const topicPolicy = Object.values(t.Resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
    topicPolicy.Properties.PolicyDocument.Statement = topicPolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny');
    const found = await failures(t, 'Cdc');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => /^alarm \w+: sns:Publish on .* should be allowed but is ImplicitlyDenied/.test(f))).toBe(true);
  });

  test('an alarm topic key that CloudWatch may not use', async () => {
    const t = fresh();
    for (const key of Object.values(t.Resources).filter((r) => r.Type === 'AWS::KMS::Key')) {
      key.Properties.KeyPolicy.Statement = key.Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal) !== '{"Service":"cloudwatch.amazonaws.com"}');
    }
    const found = await failures(t, 'Cdc');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => /^alarm \w+: kms:(GenerateDataKey|Decrypt) on .* should be allowed/.test(f))).toBe(true);
  });

  test('a trust policy without aws:SourceArn lets any connector take the role', async () => {
    const t = fresh();
    for (const role of Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
      for (const s of role.Properties.AssumeRolePolicyDocument.Statement) {
        delete s.Condition?.ArnLike;
      }
    }
    const found = await failures(t, 'Cdc');
    expect(found).toEqual([
      expect.stringMatching(/^connector mysql-cdc: sts:AssumeRole on .* should be denied but is Allowed \(another connector/),
      expect.stringMatching(/^connector mysql-cdc: sts:AssumeRole on .* should be denied but is Allowed \(nor a connector whose name merely starts/),
      expect.stringMatching(/^connector cdc-clickhouse-sink: sts:AssumeRole on .* should be denied but is Allowed \(another connector/),
      expect.stringMatching(/^connector cdc-clickhouse-sink: sts:AssumeRole on .* should be denied but is Allowed \(nor a connector whose name merely starts/),
    ]);
  });

  test('an enhanced-monitoring role trust without its confused-deputy conditions', async () => {
    const t = fresh();
    for (const role of Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
      for (const s of role.Properties.AssumeRolePolicyDocument.Statement) {
        if (s.Principal?.Service === 'monitoring.rds.amazonaws.com') {
          delete s.Condition;
        }
      }
    }
    const found = await failures(t, 'Cdc');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => /^DB instance \w+: sts:AssumeRole on .* should be denied but is Allowed \(a DB instance of another account/.test(f))).toBe(true);
  });

  test('a connector role that may still list clusters and read bootstrap brokers (the old ControlPlaneListing)', async () => {
    const t = fresh();
    const policy = policies(t).find((p) => (p.Properties.Description as string).startsWith('Least-privilege permissions of MSK Connect connector mysql-cdc'))!;
    policy.Properties.PolicyDocument.Statement.push({ Sid: 'ControlPlaneListing', Effect: 'Allow', Action: ['kafka:GetBootstrapBrokers', 'kafka:ListClusters', 'kafka:ListClustersV2'], Resource: '*' });
    expect(await failures(t, 'Cdc')).toEqual([
      expect.stringMatching(/^connector mysql-cdc: kafka:GetBootstrapBrokers on .* should be denied but is Allowed/),
      expect.stringMatching(/^connector mysql-cdc: kafka:ListClusters on .* should be denied but is Allowed/),
      expect.stringMatching(/^connector mysql-cdc: kafka:ListClustersV2 on .* should be denied but is Allowed/),
    ]);
  });

  test('a trust policy that allows every connector name starting with this one\'s (the old `<name>*` condition)', async () => {
    const t = fresh();
    for (const role of Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
      for (const s of role.Properties.AssumeRolePolicyDocument.Statement) {
        if (s.Condition?.ArnLike) {
          s.Condition.ArnLike['aws:SourceArn'] = JSON.parse(JSON.stringify(s.Condition.ArnLike['aws:SourceArn']).replace(/\/\*"/, '*/*"'));
        }
      }
    }
    const found = await failures(t, 'Cdc');
    expect(found).toEqual([
      expect.stringMatching(/^connector mysql-cdc: .*\(nor a connector whose name merely starts/),
      expect.stringMatching(/^connector cdc-clickhouse-sink: .*\(nor a connector whose name merely starts/),
    ]);
  });

  test('a sink allowed to write to the topics it reads', async () => {
    const t = fresh();
    const read = statements(t).find((s) => s.Sid === 'ReadTopics' && JSON.stringify(s.Resource).includes('/cdc.shop.*'))!;
    read.Action = [...read.Action, 'kafka-cluster:WriteData'];
    expect(await failures(t, 'Cdc')).toEqual([
      expect.stringMatching(/^connector cdc-clickhouse-sink: kafka-cluster:WriteData on .*\/cdc\.shop\.orders should be denied but is Allowed/),
    ]);
  });

  test('a second role that may read the master secret, and a setup handler that may no longer read it', async () => {
    const t = fresh();
    const setupPolicy = policies(t).find((p) => JSON.stringify(p.Properties.PolicyDocument).includes('SourceClusterSecretAttachment'))!;
    const read = setupPolicy.Properties.PolicyDocument.Statement.find((s: any) => s.Action === 'secretsmanager:GetSecretValue');
    const sinkPolicy = policies(t).find((p) => JSON.stringify(p.Properties.PolicyDocument).includes('ReadSecrets'))!;
    sinkPolicy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: read.Resource[0] });
    read.Resource = [read.Resource[1]];
    const found = await failures(t, 'Cdc');
    expect(found).toEqual([
      expect.stringMatching(/^function SourceSetupHandler\w+ \(Custom::MySqlCdcSetup \w+\): secretsmanager:GetSecretValue on .*SourceClusterSecret.* should be allowed but is ImplicitlyDenied/),
      expect.stringMatching(/^role \w+: secretsmanager:GetSecretValue on .*SourceClusterSecret.* should be denied but is Allowed \(only the setup handler reads the master secret/),
    ]);
  });

  test('a custom resource without a service timeout', () => {
    const t = fresh();
    const setup = Object.values(t.Resources).find((r) => r.Type === 'Custom::MySqlCdcSetup')!;
    delete setup.Properties.ServiceTimeout;
    expect(customResourceTimeoutProblems(t)).toEqual([expect.stringMatching(/^SourceSetup\w+ \(Custom::MySqlCdcSetup\) has no ServiceTimeout/)]);
  });
});
