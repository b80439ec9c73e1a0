import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CfnTemplate } from './cfn-resolver';
import { changeProblems, Impact, resourceChanges, ResourceChange, STATEFUL } from './change-safety';
import { testApp } from './compliance';
import {
  AuroraMySqlCdcSource, AuroraMySqlCdcSourceProps, ClickHouseEndpoint, ClickHouseSinkConnector, ClickHouseSinkConnectorProps, ConnectorCapacity,
  ConnectorPlugin, MskClickHousePipelineStack, MskClickHousePipelineStackProps, MskConnector, PluginSource, WorkerConfiguration,
  DebeziumMySqlSourceConnector, DebeziumMySqlSourceConnectorProps, DebeziumVersion, KafkaVersion, MskCluster, MskClusterProps, PrivateSubnetWithNat,
  PrivateSubnetWithNatProps,
} from '../../lib';

/**
 * The change-safety cases: for each public construct, a user-facing prop changed between two deployments. Each case
 * synthesizes the stack before and after and runs the change-safety oracle; docs/CHANGE-SAFETY.md is generated from
 * the same runs.
 */

const RELEASE = { sha256: 'a'.repeat(64), configProvider: { url: 'https://example.com/msk-config-providers.zip', sha256: 'b'.repeat(64) } };

function base() {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  return { stack, network, cluster };
}

function sink(props: Partial<ClickHouseSinkConnectorProps> & { secretName?: string; version?: string } = {}): CfnTemplate {
  const { stack, network, cluster } = base();
  const { secretName, version, ...rest } = props;
  new ClickHouseSinkConnector(stack, 'Sink', {
    cluster,
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
    connectorName: 'events-sink',
    endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc.eu-west-1.aws.clickhouse.cloud' }),
    credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', secretName ?? 'clickhouse/ingest'),
    topics: ['events'],
    release: { version: version ?? '1.3.5', ...RELEASE },
    ...rest,
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function cdc(props: Partial<DebeziumMySqlSourceConnectorProps> = {}, sourceProps: Partial<AuroraMySqlCdcSourceProps> = {}): CfnTemplate {
  const { stack, network, cluster } = base();
  const source = new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, ...sourceProps });
  new DebeziumMySqlSourceConnector(stack, 'Cdc', {
    cluster,
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
    connectorName: 'orders-cdc',
    source,
    serverId: 184054,
    topicPrefix: 'orders',
    databaseIncludeList: ['shop'],
    release: RELEASE,
    ...props,
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function clusterStack(props: Partial<MskClusterProps> = {}): CfnTemplate {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, ...props });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function topicStack(props: { partitions?: number; replicationFactor?: number; configs?: { [key: string]: string } }): CfnTemplate {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  const c = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  c.addTopic('Orders', { topicName: 'orders', ...props });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** A generic connector with its own worker configuration, plugin and a least-privilege role built from `permissions`. */
interface GenericProps {
  readonly config?: { [key: string]: string };
  readonly workerProperties?: { [key: string]: string };
  readonly sha?: string;
  readonly readTopics?: string[];
}

function genericStack(props: GenericProps = {}): CfnTemplate {
  const { stack, network, cluster } = base();
  const plugin = new ConnectorPlugin(stack, 'Plugin', { source: PluginSource.fromUrl({ url: 'https://example.com/connector-1.0.0.zip', sha256: props.sha ?? 'a'.repeat(64) }) });
  const workerConfiguration = new WorkerConfiguration(stack, 'Workers', { properties: props.workerProperties });
  new MskConnector(stack, 'Connector', {
    cluster,
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
    connectorName: 'generic',
    plugin,
    workerConfiguration,
    connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'a', ...props.config },
    permissions: { readTopics: props.readTopics ?? ['a'] },
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function exampleStack(props: MskClickHousePipelineStackProps = {}): CfnTemplate {
  return Template.fromStack(new MskClickHousePipelineStack(testApp(), 'S', props)).toJSON() as CfnTemplate;
}

function networkStack(props: PrivateSubnetWithNatProps = {}): CfnTemplate {
  const stack = new Stack(testApp(), 'S');
  new PrivateSubnetWithNat(stack, 'Net', props);
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

export interface ChangeCase {
  readonly construct: string;
  readonly change: string;
  readonly before: () => CfnTemplate;
  readonly after: () => CfnTemplate;
  /** Resource types (with their impact) the case must show, e.g. `AWS::KafkaConnect::Connector: update`. */
  readonly expect: string[];
  /**
   * Problems the change is known to have, which the library cannot prevent (the docs table states them).
   * @default - none: the change must be safe
   */
  readonly knownProblems?: RegExp[];
}

export const CASES: ChangeCase[] = [
  {
    construct: 'ClickHouseSinkConnector',
    change: 'ClickHouse host name',
    before: () => sink(),
    after: () => sink({ endpoint: ClickHouseEndpoint.cloud({ hostname: 'xyz.eu-west-1.aws.clickhouse.cloud' }) }),
    expect: ['AWS::KafkaConnect::Connector: update'],
  },
  {
    construct: 'ClickHouseSinkConnector',
    change: 'topics',
    before: () => sink(),
    after: () => sink({ topics: ['events', 'orders'] }),
    expect: ['AWS::KafkaConnect::Connector: update', 'AWS::IAM::ManagedPolicy: update'],
  },
  {
    construct: 'ClickHouseSinkConnector',
    change: 'capacity',
    before: () => sink(),
    after: () => sink({ capacity: ConnectorCapacity.autoScaled({ maxWorkers: 4 }) }),
    expect: ['AWS::KafkaConnect::Connector: update'],
  },
  {
    construct: 'ClickHouseSinkConnector',
    change: 'credentials secret',
    before: () => sink(),
    after: () => sink({ secretName: 'clickhouse/ingest-v2' }),
    expect: ['AWS::KafkaConnect::Connector: update', 'AWS::IAM::ManagedPolicy: update'],
  },
  {
    construct: 'ClickHouseSinkConnector',
    change: 'maxPollRecords (worker configuration)',
    before: () => sink(),
    after: () => sink({ maxPollRecords: 5000 }),
    expect: ['AWS::KafkaConnect::WorkerConfiguration: replace', 'AWS::KafkaConnect::Connector: replace'],
  },
  {
    construct: 'ClickHouseSinkConnector',
    change: 'release version (plugin)',
    before: () => sink(),
    after: () => sink({ version: '1.3.6' }),
    expect: ['AWS::KafkaConnect::CustomPlugin: replace', 'AWS::KafkaConnect::Connector: replace'],
  },
  {
    construct: 'ClickHouseSinkConnector',
    change: 'connectorName',
    before: () => sink(),
    after: () => sink({ connectorName: 'events-sink-2' }),
    expect: ['AWS::KafkaConnect::Connector: replace', 'AWS::KafkaConnect::WorkerConfiguration: replace'],
  },
  {
    construct: 'DebeziumMySqlSourceConnector',
    change: 'tableIncludeList',
    before: () => cdc(),
    after: () => cdc({ tableIncludeList: ['shop.orders'] }),
    expect: ['AWS::KafkaConnect::Connector: update'],
  },
  {
    construct: 'DebeziumMySqlSourceConnector',
    change: 'heartbeatIntervalMs',
    before: () => cdc(),
    after: () => cdc({ heartbeatIntervalMs: 30000 }),
    expect: ['AWS::KafkaConnect::Connector: update'],
  },
  {
    construct: 'DebeziumMySqlSourceConnector',
    change: 'debeziumVersion 2.7 → 3.0 (plugin)',
    before: () => cdc(),
    after: () => cdc({ debeziumVersion: DebeziumVersion.V3_0 }),
    expect: ['AWS::KafkaConnect::CustomPlugin: replace', 'AWS::KafkaConnect::Connector: replace'],
  },
  {
    construct: 'AuroraMySqlCdcSource',
    change: 'binlogRetentionHours',
    before: () => cdc(),
    after: () => cdc({}, { binlogRetentionHours: 168 }),
    expect: ['Custom::MySqlCdcSetup: update'],
  },
  {
    construct: 'AuroraMySqlCdcSource',
    change: 'instanceType',
    before: () => cdc(),
    after: () => cdc({}, { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.XLARGE) }),
    expect: ['AWS::RDS::DBInstance: update'],
  },
  {
    construct: 'MskCluster',
    change: 'kafkaVersion 3.8.x.kraft → 3.9.x.kraft',
    before: () => clusterStack({ kafkaVersion: KafkaVersion.V3_8_X_KRAFT }),
    after: () => clusterStack({ kafkaVersion: KafkaVersion.V3_9_X_KRAFT }),
    expect: ['AWS::MSK::Configuration: replace', 'AWS::MSK::Cluster: update'],
  },
  {
    construct: 'MskCluster',
    change: 'serverProperties',
    before: () => clusterStack(),
    after: () => clusterStack({ serverProperties: { 'log.retention.hours': '72' } }),
    expect: ['AWS::MSK::Configuration: update', 'AWS::MSK::Cluster: update'],
  },
  {
    construct: 'MskCluster',
    change: 'instanceType',
    before: () => clusterStack(),
    after: () => clusterStack({ instanceType: 'kafka.m7g.xlarge' }),
    expect: ['AWS::MSK::Cluster: update'],
  },
  {
    construct: 'MskCluster',
    change: 'volumeSize',
    before: () => clusterStack(),
    after: () => clusterStack({ volumeSize: 2000 }),
    expect: ['AWS::MSK::Cluster: update'],
  },
  {
    construct: 'MskConnector',
    change: 'connectorConfiguration',
    before: () => genericStack(),
    after: () => genericStack({ config: { 'tasks.max': '4' } }),
    expect: ['AWS::KafkaConnect::Connector: update'],
  },
  {
    construct: 'WorkerConfiguration',
    change: 'properties',
    before: () => genericStack(),
    after: () => genericStack({ workerProperties: { 'consumer.max.poll.records': '1000' } }),
    expect: ['AWS::KafkaConnect::WorkerConfiguration: replace', 'AWS::KafkaConnect::Connector: replace'],
  },
  {
    construct: 'ConnectorPlugin',
    change: 'source checksum (new release)',
    before: () => genericStack(),
    after: () => genericStack({ sha: 'c'.repeat(64) }),
    expect: ['AWS::KafkaConnect::CustomPlugin: replace', 'AWS::KafkaConnect::Connector: replace'],
  },
  {
    construct: 'LeastPrivilegeConnectorRole',
    change: 'readTopics',
    before: () => genericStack(),
    after: () => genericStack({ readTopics: ['a', 'b'] }),
    expect: ['AWS::IAM::ManagedPolicy: update'],
  },
  {
    construct: 'MskClickHousePipelineStack',
    change: 'clickHouseHostname',
    before: () => exampleStack(),
    after: () => exampleStack({ clickHouseHostname: 'xyz.eu-west-1.aws.clickhouse.cloud' }),
    expect: ['AWS::KafkaConnect::Connector: update'],
  },
  {
    construct: 'MskClickHousePipelineStack',
    change: 'topics',
    before: () => exampleStack(),
    after: () => exampleStack({ topics: ['events', 'orders'] }),
    expect: ['AWS::KafkaConnect::Connector: update', 'AWS::IAM::ManagedPolicy: update'],
  },
  {
    construct: 'MskTopic',
    change: 'partitions 3 → 6',
    before: () => topicStack({ partitions: 3 }),
    after: () => topicStack({ partitions: 6 }),
    expect: ['AWS::MSK::Topic: update'],
  },
  // ReplicationFactor is create-only on AWS::MSK::Topic and the name is the topic's identity: CloudFormation would
  // create the new topic first under the same name and fail ("already exists"); the deploy rolls back, nothing is lost.
  {
    construct: 'MskTopic',
    change: 'replicationFactor 2 → 3',
    before: () => topicStack({ replicationFactor: 2, configs: { 'min.insync.replicas': '1' } }),
    after: () => topicStack({ replicationFactor: 3, configs: { 'min.insync.replicas': '1' } }),
    expect: ['AWS::MSK::Topic: replace'],
    knownProblems: [
      /^ClusterOrders\w+ \(AWS::MSK::Topic\) is replaced create-then-delete under the same name/,
      /^ClusterOrders\w+ \(AWS::MSK::Topic\) is replaced \(ReplicationFactor\): loses the topic's messages$/,
    ],
  },
  {
    construct: 'PrivateSubnetWithNat',
    change: 'flowLogRetention',
    before: () => networkStack(),
    after: () => networkStack({ flowLogRetention: logs.RetentionDays.TWO_YEARS }),
    expect: ['AWS::Logs::LogGroup: update'],
  },
];

export interface CaseResult {
  readonly c: ChangeCase;
  readonly changes: ResourceChange[];
  readonly problems: string[];
  /** `<type>: <impact>` for every changed resource. */
  readonly summary: string[];
}

export function runCase(c: ChangeCase): CaseResult {
  const changes = resourceChanges(c.before(), c.after());
  const summary = [...new Set(changes.map((x) => `${x.type}: ${x.impact}`))].sort();
  const problems = changeProblems(changes).filter((p) => !(c.knownProblems ?? []).some((k) => k.test(p)));
  return { c, changes, problems, summary };
}

/** What a replacement of this type costs, for the docs table. */
function replacementCost(type: string, construct: string): string {
  if (type === 'AWS::KafkaConnect::Connector') {
    return construct === 'DebeziumMySqlSourceConnector'
      ? 'connector down while it is deleted and created again (same name); Debezium resumes from its offset storage topic'
      : 'connector down while it is deleted and created again (same name); the sink resumes from its consumer group';
  }
  return STATEFUL[type] ? `loses ${STATEFUL[type]}` : 'nothing: the new one is created first, under a new name';
}

const IMPACT_WORDS: Record<Impact, string> = { update: 'updated in place', replace: 'replaced', create: 'created', destroy: 'deleted', orphan: 'left in the account' };

/** docs/CHANGE-SAFETY.md, from the cases' runs. */
export function renderChangeSafetyDoc(results: CaseResult[]): string {
  const lines = [
    '# What a second deploy does',
    '',
    'Generated by `npm run change-safety-doc` from the change-safety tests (`test/change-safety.test.ts`), which',
    'synthesize each construct before and after a change and run the engine behind `cdk diff`',
    '(`@aws-cdk/cloudformation-diff`) with the resource schemas\' update behaviour, corrected where the schemas moved on',
    '(`AWS::KafkaConnect::Connector` updates its configuration, capacity and tags in place and is replaced',
    'delete-then-create). A test fails when this page is stale, when a named resource would be replaced under the same',
    'name, or when a stateful resource would be replaced.',
    '',
    '| construct | change | what CloudFormation does | what a replacement costs |',
    '|---|---|---|---|',
  ];
  for (const r of results) {
    const byType = new Map<string, Impact>();
    r.changes.forEach((x) => byType.set(x.type, byType.get(x.type) === 'replace' ? 'replace' : x.impact));
    const what = [...byType].map(([type, impact]) => `${type.replace(/^AWS::/, '')} ${IMPACT_WORDS[impact]}`).join('; ');
    const costs = [...byType].filter(([, impact]) => impact === 'replace').map(([type]) => `${type.replace(/^AWS::/, '')}: ${replacementCost(type, r.c.construct)}`);
    const known = r.c.knownProblems ? ' **Refused by CloudFormation (same name): the deploy fails and rolls back; change it by hand (new topic, move the data).**' : '';
    lines.push(`| ${r.c.construct} | ${r.c.change} | ${what || 'nothing'}${known} | ${costs.join('; ') || '—'} |`);
  }
  return lines.join('\n') + '\n';
}
