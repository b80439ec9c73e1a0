import { Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CfnTemplate } from './cfn-resolver';
import { changeProblems, Impact, resourceChanges, ResourceChange, STATEFUL } from './change-safety';
import { testApp } from './compliance';
import { CDC_EXAMPLE, PIPELINE_EXAMPLE } from './fixtures';
import {
  AuroraMySqlCdcSource, AuroraMySqlCdcSourceProps, ClickHouseClientVersion, ClickHouseEndpoint, ClickHouseSinkConnector,
  ClickHouseSinkConnectorProps, ConnectorCapacity, ConnectorPermissions, ConnectorPlugin, ConnectorPluginProps, DebeziumMySqlSourceConnector,
  DebeziumMySqlSourceConnectorProps, DebeziumVersion, ErrorTolerance, KafkaConnectVersion, KafkaVersion, MonitoringLevel, MskClickHousePipelineStack,
  MskClickHousePipelineStackProps, MskCluster, MskClusterProps, MskConnector, MskConnectorProps, MskPublicAccess, MskTopicOptions,
  MySqlCdcToClickHouseStack, MySqlCdcToClickHouseStackProps, MySqlSslMode, PluginSource, PrivateSubnetWithNat, PrivateSubnetWithNatProps,
  SinkValueFormat, WorkerConfiguration, WorkerConfigurationProps,
} from '../../lib';

/**
 * The change-safety cases: for each public construct, each user-facing prop changed between two deployments. Each case
 * synthesizes the stack before and after and runs the change-safety oracle; docs/CHANGE-SAFETY.md is generated from
 * the same runs.
 */

const RELEASE = { sha256: 'a'.repeat(64), configProvider: { url: 'https://example.com/msk-config-providers.zip', sha256: 'b'.repeat(64) } };
const AVRO = SinkValueFormat.avro('https://registry.example.com');

/** The stack, network and cluster every connector case builds on. */
interface Base {
  readonly stack: Stack;
  readonly network: PrivateSubnetWithNat;
  readonly cluster: MskCluster;
}

/** Props of a builder: plain, or made in the case's stack (props that take constructs). */
type Given<P, B = Base> = Partial<P> | ((b: B) => Partial<P>);

function given<P, B>(b: B, props: Given<P, B> | undefined): Partial<P> {
  return typeof props === 'function' ? props(b) : props ?? {};
}

/** The stack's synthesized template, as Template.fromStack gives it but without its cycle check (about 190 synths here). */
function template(stack: Stack): CfnTemplate {
  return (stack.node.root as Stage).synth({ force: true }).getStackArtifact(stack.artifactId).template as CfnTemplate;
}

function base(clusterProps?: Given<MskClusterProps, Omit<Base, 'cluster'>>, networkProps: Partial<PrivateSubnetWithNatProps> = {}): Base {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, ...networkProps });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, ...given({ stack, network }, clusterProps) });
  return { stack, network, cluster };
}

/** A sink whose private paths change: the VPC's Secrets Manager endpoint, ClickHouse Cloud over PrivateLink. */
function privatePathSink(p?: { secretsManagerEndpoint?: boolean; privateLink?: boolean }): CfnTemplate {
  const b = base(undefined, { secretsManagerEndpoint: p?.secretsManagerEndpoint });
  new ClickHouseSinkConnector(b.stack, 'Sink', {
    cluster: b.cluster,
    vpc: b.network.vpc,
    vpcSubnets: b.network.privateSubnetSelection,
    connectorName: 'events-sink',
    endpoint: p?.privateLink
      ? ClickHouseEndpoint.privateLink({ vpcEndpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a0218fa75c646d81', hostname: 'abc.eu-west-1.vpce.aws.clickhouse.cloud' })
      : ClickHouseEndpoint.cloud({ hostname: 'abc.eu-west-1.aws.clickhouse.cloud' }),
    credentials: secretsmanager.Secret.fromSecretNameV2(b.stack, 'Creds', 'clickhouse/ingest'),
    topics: ['events'],
    release: { version: '1.3.5', ...RELEASE },
  });
  return template(b.stack);
}

/** Two of the three private subnets: workers (or brokers) moved to other subnets. */
const twoSubnets = (b: Omit<Base, 'cluster'>): ec2.SubnetSelection => ({ subnets: b.network.privateSubnets.slice(0, 2) });

type SinkProps = ClickHouseSinkConnectorProps & { secretName?: string; version?: string };

function sink(props?: Given<SinkProps>): CfnTemplate {
  const b = base();
  const { secretName, version, ...rest } = given(b, props);
  new ClickHouseSinkConnector(b.stack, 'Sink', {
    cluster: b.cluster,
    vpc: b.network.vpc,
    vpcSubnets: b.network.privateSubnetSelection,
    connectorName: 'events-sink',
    endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc.eu-west-1.aws.clickhouse.cloud' }),
    credentials: secretsmanager.Secret.fromSecretNameV2(b.stack, 'Creds', secretName ?? 'clickhouse/ingest'),
    topics: ['events'],
    release: { version: version ?? '1.3.5', ...RELEASE },
    ...rest,
  });
  return template(b.stack);
}

function cdc(props?: Given<DebeziumMySqlSourceConnectorProps>, sourceProps?: Given<AuroraMySqlCdcSourceProps>): CfnTemplate {
  const b = base();
  const source = new AuroraMySqlCdcSource(b.stack, 'Source', { vpc: b.network.vpc, vpcSubnets: b.network.privateSubnetSelection, ...given(b, sourceProps) });
  new DebeziumMySqlSourceConnector(b.stack, 'Cdc', {
    cluster: b.cluster,
    vpc: b.network.vpc,
    vpcSubnets: b.network.privateSubnetSelection,
    connectorName: 'orders-cdc',
    source,
    serverId: 184054,
    topicPrefix: 'orders',
    databaseIncludeList: ['shop'],
    release: RELEASE,
    ...given(b, props),
  });
  return template(b.stack);
}

const aurora = (sourceProps?: Given<AuroraMySqlCdcSourceProps>) => cdc({}, sourceProps);

const clusterStack = (props?: Given<MskClusterProps, Omit<Base, 'cluster'>>) => template(base(props).stack);

function topicStack(props: Partial<MskTopicOptions> = {}): CfnTemplate {
  const b = base();
  b.cluster.addTopic('Orders', { topicName: 'orders', ...props });
  return template(b.stack);
}

/** A generic connector with its own worker configuration, plugin and a least-privilege role built from `permissions`. */
interface GenericProps {
  readonly config?: { [key: string]: string };
  readonly sha?: string;
  readonly plugin?: Given<ConnectorPluginProps>;
  readonly workers?: Partial<WorkerConfigurationProps>;
  readonly permissions?: Given<ConnectorPermissions>;
  /** Connector props; a `role` replaces `permissions`. */
  readonly connector?: Given<MskConnectorProps>;
}

function genericStack(props: GenericProps = {}): CfnTemplate {
  const b = base();
  const plugin = new ConnectorPlugin(b.stack, 'Plugin', {
    source: PluginSource.fromUrl({ url: 'https://example.com/connector-1.0.0.zip', sha256: props.sha ?? 'a'.repeat(64) }),
    ...given(b, props.plugin),
  });
  const workerConfiguration = new WorkerConfiguration(b.stack, 'Workers', props.workers);
  const connector = given(b, props.connector);
  new MskConnector(b.stack, 'Connector', {
    cluster: b.cluster,
    vpc: b.network.vpc,
    vpcSubnets: b.network.privateSubnetSelection,
    connectorName: 'generic',
    plugin,
    workerConfiguration,
    connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'a', ...props.config },
    permissions: connector.role ? undefined : { readTopics: ['a'], ...given(b, props.permissions) },
    ...connector,
  });
  return template(b.stack);
}

const exampleStack = (props: Partial<MskClickHousePipelineStackProps> = {}) => template(new MskClickHousePipelineStack(testApp(), 'S', { ...PIPELINE_EXAMPLE, ...props }));
const cdcStack = (props: Partial<MySqlCdcToClickHouseStackProps> = {}) => template(new MySqlCdcToClickHouseStack(testApp(), 'S', { ...CDC_EXAMPLE, ...props }));
function networkStack(props?: Given<PrivateSubnetWithNatProps, { stack: Stack }>): CfnTemplate {
  const stack = new Stack(testApp(), 'S');
  new PrivateSubnetWithNat(stack, 'Net', given({ stack }, props));
  return template(stack);
}

export interface ChangeCase {
  readonly construct: string;
  readonly change: string;
  readonly before: () => CfnTemplate;
  readonly after: () => CfnTemplate;
  /** Resource types (with their impact) the case must show, e.g. `AWS::KafkaConnect::Connector: update`. */
  readonly expect: string[];
  /**
   * Problems the change is known to have, which the library cannot prevent (the docs table states them, with `hazard`).
   * @default - none: the change must be safe
   */
  readonly knownProblems?: RegExp[];
  /**
   * What the user must know about the change that the oracle cannot see, or what a known problem means; in the docs table.
   * @default - nothing to say (required with `knownProblems`)
   */
  readonly hazard?: string;
}

/** Each builder's template with its defaults, synthesized once (a copy per use: the negative controls edit them). */
const DEFAULTS = new Map<unknown, string>();

function defaults(build: () => CfnTemplate): CfnTemplate {
  if (!DEFAULTS.has(build)) {
    DEFAULTS.set(build, JSON.stringify(build()));
  }
  return JSON.parse(DEFAULTS.get(build)!);
}

interface CaseOptions<P> {
  /** @default - the builder's defaults */
  readonly from?: P;
  readonly knownProblems?: RegExp[];
  readonly hazard?: string;
}

/** A case: `build` with its defaults (or `from`), then with `to`. */
function when<P>(construct: string, change: string, build: (p?: P) => CfnTemplate, to: P, expect: string[],
  options: CaseOptions<P> = {}): ChangeCase {
  const { from, ...known } = options;
  return { construct, change, before: () => (from === undefined ? defaults(build) : build(from)), after: () => build(to), expect, ...known };
}

/** `<type>: <impact>` entries of `expect`; types without a namespace are `AWS::`. */
const withImpact = (i: Impact) => (...types: string[]) => types.map((t) => `${t.startsWith('Custom::') ? t : `AWS::${t}`}: ${i}`);
const updates = withImpact('update');
const replaces = withImpact('replace');
const creates = withImpact('create');
const CONNECTOR = updates('KafkaConnect::Connector');
const POLICY = updates('IAM::ManagedPolicy');
const OWN_KEY = (b: { stack: Stack }) => new kms.Key(b.stack, 'OwnKey', { enableKeyRotation: true });
const OWN_BUCKET = (b: { stack: Stack }) => s3.Bucket.fromBucketName(b.stack, 'LogBucket', 'my-log-bucket');
const OWN_TOPIC = (b: { stack: Stack }) => sns.Topic.fromTopicArn(b.stack, 'OwnTopic', 'arn:aws:sns:eu-west-1:111111111111:ops');
const OWN_SG = (b: Base) => [new ec2.SecurityGroup(b.stack, 'OwnSg', { vpc: b.network.vpc, allowAllOutbound: false })];
const OWN_ROLE = (b: Base) => iam.Role.fromRoleArn(b.stack, 'OwnRole', 'arn:aws:iam::111111111111:role/connector');
const OWN_PLUGIN = (b: Base) => ConnectorPlugin.fromConnectorPluginAttributes(b.stack, 'OwnPlugin', { customPluginArn: 'arn:aws:kafkaconnect:eu-west-1:111111111111:custom-plugin/own/1', revision: 1 });
const OWN_WORKERS = (b: Base) => new WorkerConfiguration(b.stack, 'OwnWorkers', { secretsManagerConfigProvider: true });
const TOKEN = (b: Base) => secretsmanager.Secret.fromSecretNameV2(b.stack, 'Token', 'generic/token');
const DATABASE_NAME_PROBLEMS = [
  /^SourceCluster\w+ \(AWS::RDS::DBCluster\) is replaced create-then-delete under the same name \(because DatabaseName\)/,
  /^SourceCluster\w+ \(AWS::RDS::DBCluster\) is replaced \(DatabaseName\): loses the database$/,
  /^SourceCluster(Writer|Reader\d+)\w+ \(AWS::RDS::DBInstance\) is replaced \(DBClusterIdentifier\)/,
];
const DATABASE_NAME_HAZARD = 'Refused by CloudFormation (same cluster identifier): the deploy fails and rolls back; create the new database by hand and list it in `capturedDatabases`.';
/** Fewer NAT gateways release their Elastic IPs: the ClickHouse Cloud IP access list needs only the remaining ones. */
const FEWER_NATS = ['AWS::EC2::NatGateway: destroy', 'AWS::EC2::EIP: destroy'];
const CA_ARN = 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
const PUBLIC_BROKERS: Partial<MskClusterProps> = { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } };
const NEW_RELEASE = { ...RELEASE, sha256: 'c'.repeat(64) };

/*
 * Props without a case, and why:
 * - every `vpc` and `cluster`, `AuroraMySqlCdcSource.vpc`, `DebeziumMySqlSourceConnector.source`: another network,
 *   cluster or database is a new pipeline (nothing of the old one carries over, Debezium's offsets name the old binlog);
 *   moving within the VPC (`vpcSubnets`) has its cases.
 * - `PrivateSubnetWithNat.vpcCidr`, `availabilityZones`, `privateSubnetCidrMask`, `publicSubnetCidrMask`,
 *   `privateSubnetCidrs`: a subnet's CIDR and AZ are create-only, and CloudFormation creates the new subnet before it
 *   deletes the old one, whose CIDR it overlaps: the create fails. Re-addressing a network is a cut-over, not a deploy.
 *   (`availabilityZoneCount` and `natGateways` have cases.)
 * - `MskCluster.clusterName`, `MskTopic.topicName`: the name is the resource's identity; a rename is a new cluster or
 *   topic (the props' docs say so).
 * - `ClickHouseEndpoint` ports: a ClickHouse Cloud endpoint has one port (8443); a self-hosted one has the
 *   "self-hosted endpoint" case.
 * - `MskClickHousePipelineStack` / `MySqlCdcToClickHouseStack` `StackProps` (env, stackName, ...): CDK's, not ours.
 */
export const CASES: ChangeCase[] = [
  // PrivateSubnetWithNat
  when('PrivateSubnetWithNat', 'flowLogRetention', networkStack, { flowLogRetention: logs.RetentionDays.TWO_YEARS }, updates('Logs::LogGroup')),
  when('PrivateSubnetWithNat', 'flowLogs true → false', networkStack, { flowLogs: false }, ['AWS::EC2::FlowLog: destroy', 'AWS::Logs::LogGroup: orphan']),
  when('PrivateSubnetWithNat', 'flowLogs false → true', networkStack, {}, creates('Logs::LogGroup'), { from: { flowLogs: false } }),
  when('PrivateSubnetWithNat', 'flowLogEncryptionKey', networkStack, (b) => ({ flowLogEncryptionKey: OWN_KEY(b) }), updates('Logs::LogGroup')),
  when('PrivateSubnetWithNat', 'removalPolicy', networkStack, { removalPolicy: RemovalPolicy.DESTROY }, updates('Logs::LogGroup')),
  when('PrivateSubnetWithNat', 'natGateways 3 → 1', networkStack, { natGateways: 1 }, FEWER_NATS),
  when('PrivateSubnetWithNat', 'natGateways 1 → 3', networkStack, {}, creates('EC2::NatGateway'), { from: { natGateways: 1 } }),
  when('PrivateSubnetWithNat', 'availabilityZoneCount 2 → 3', networkStack, {}, creates('EC2::Subnet'), { from: { availabilityZoneCount: 2 } }),

  // MskCluster
  when('MskCluster', 'kafkaVersion 3.8.x.kraft → 3.9.x.kraft', clusterStack, { kafkaVersion: KafkaVersion.V3_9_X_KRAFT },
    [...replaces('MSK::Configuration'), ...updates('MSK::Cluster')], { from: { kafkaVersion: KafkaVersion.V3_8_X_KRAFT } }),
  when('MskCluster', 'serverProperties', clusterStack, { serverProperties: { 'log.retention.hours': '72' } }, updates('MSK::Configuration', 'MSK::Cluster')),
  when('MskCluster', 'instanceType', clusterStack, { instanceType: new ec2.InstanceType('m7g.xlarge') }, updates('MSK::Cluster')),
  when('MskCluster', 'volumeSize', clusterStack, { volumeSize: 2000 }, updates('MSK::Cluster')),
  when('MskCluster', 'brokerCount 3 → 6', clusterStack, { brokerCount: 6 }, updates('MSK::Cluster')),
  when('MskCluster', 'storageAutoScaling', clusterStack, { storageAutoScaling: { maxVolumeSize: 4000 } }, creates('ApplicationAutoScaling::ScalableTarget')),
  when('MskCluster', 'provisionedThroughput', clusterStack, { instanceType: new ec2.InstanceType('m7g.2xlarge'), provisionedThroughput: 500 }, updates('MSK::Cluster'),
    { from: { instanceType: new ec2.InstanceType('m7g.2xlarge') } }),
  when('MskCluster', 'clientAuthentication: SASL/SCRAM added', clusterStack, { clientAuthentication: { iam: true, scram: true } }, updates('MSK::Cluster')),
  when('MskCluster', 'clientAuthentication: mutual TLS added', clusterStack, (b) => ({
    clientAuthentication: { iam: true, tlsCertificateAuthorities: [acmpca.CertificateAuthority.fromCertificateAuthorityArn(b.stack, 'Ca', CA_ARN)] },
  }), updates('MSK::Cluster')),
  // MSK refuses public access at creation: the brokers are created in public subnets without it, and it is turned on later.
  when('MskCluster', 'publicAccess → ON_DEPLOYED_CLUSTER', clusterStack, { ...PUBLIC_BROKERS, publicAccess: MskPublicAccess.ON_DEPLOYED_CLUSTER }, updates('MSK::Cluster'),
    { from: PUBLIC_BROKERS }),
  when('MskCluster', 'monitoringLevel', clusterStack, { monitoringLevel: MonitoringLevel.PER_TOPIC_PER_BROKER }, updates('MSK::Cluster')),
  when('MskCluster', 'prometheus', clusterStack, { prometheus: { jmxExporter: true, nodeExporter: true } }, updates('MSK::Cluster')),
  when('MskCluster', 'logging to S3', clusterStack, (b) => ({ logging: { s3Bucket: OWN_BUCKET(b) } }), updates('MSK::Cluster')),
  when('MskCluster', 'logging.logRetention', clusterStack, { logging: { logRetention: logs.RetentionDays.THREE_MONTHS } }, updates('Logs::LogGroup')),
  when('MskCluster', 'alarms thresholds', clusterStack, { alarms: { diskUsedPercent: 75, cpuPercent: 70 } }, updates('CloudWatch::Alarm')),
  when('MskCluster', 'alarms.topic', clusterStack, (b) => ({ alarms: { topic: OWN_TOPIC(b) } }), updates('CloudWatch::Alarm')),
  when('MskCluster', 'removalPolicy', clusterStack, { removalPolicy: RemovalPolicy.DESTROY }, updates('MSK::Cluster')),
  // The brokers' subnets, security groups and encryption key are create-only on AWS::MSK::Cluster (MSK cannot move
  // brokers or re-encrypt their volumes): CloudFormation would create a second cluster under the same name, which it
  // refuses. The library cannot avoid it; a new cluster and a data migration (MirrorMaker, replicator) are the way.
  when('MskCluster', 'vpcSubnets (brokers moved)', clusterStack, (b) => ({ vpcSubnets: twoSubnets(b), brokerCount: 2 }), replaces('MSK::Cluster'), {
    knownProblems: [/^Cluster\w+ \(AWS::MSK::Cluster\) is replaced create-then-delete under the same name/, /^Cluster\w+ \(AWS::MSK::Cluster\) is replaced \(BrokerNodeGroupInfo/],
    hazard: 'Refused by CloudFormation (same name): the deploy fails and rolls back; move to a new cluster and migrate the topics.',
  }),
  when('MskCluster', 'securityGroups', clusterStack, (b) => ({ securityGroups: [new ec2.SecurityGroup(b.stack, 'OwnSg', { vpc: b.network.vpc })] }), replaces('MSK::Cluster'), {
    knownProblems: [/^Cluster\w+ \(AWS::MSK::Cluster\) is replaced create-then-delete under the same name/, /^Cluster\w+ \(AWS::MSK::Cluster\) is replaced \(BrokerNodeGroupInfo/],
    hazard: 'Refused by CloudFormation (same name): the deploy fails and rolls back; add rules to the cluster\'s security group instead.',
  }),
  when('MskCluster', 'encryptionKey', clusterStack, (b) => ({ encryptionKey: OWN_KEY(b) }), replaces('MSK::Cluster'), {
    knownProblems: [/^Cluster\w+ \(AWS::MSK::Cluster\) is replaced create-then-delete under the same name/, /^Cluster\w+ \(AWS::MSK::Cluster\) is replaced \(EncryptionInfo/],
    hazard: 'Refused by CloudFormation (same name): the deploy fails and rolls back; MSK cannot re-encrypt a cluster: move to a new one.',
  }),

  // MskTopic
  when('MskTopic', 'partitions 3 → 6', topicStack, { partitions: 6 }, updates('MSK::Topic'), { from: { partitions: 3 } }),
  // ReplicationFactor is create-only on AWS::MSK::Topic and the name is the topic's identity: CloudFormation would
  // create the new topic first under the same name and fail ("already exists"); the deploy rolls back, nothing is lost.
  when('MskTopic', 'replicationFactor 2 → 3', topicStack, { replicationFactor: 3, configs: { 'min.insync.replicas': '1' } }, replaces('MSK::Topic'), {
    from: { replicationFactor: 2, configs: { 'min.insync.replicas': '1' } },
    knownProblems: [
      /^ClusterOrders\w+ \(AWS::MSK::Topic\) is replaced create-then-delete under the same name/,
      /^ClusterOrders\w+ \(AWS::MSK::Topic\) is replaced \(ReplicationFactor\): loses the topic's messages$/,
    ],
    hazard: 'Refused by CloudFormation (same name): the deploy fails and rolls back; change it by hand (new topic, move the data).',
  }),
  when('MskTopic', 'configs', topicStack, { configs: { 'retention.ms': '259200000' } }, updates('MSK::Topic')),
  when('MskTopic', 'removalPolicy', topicStack, { removalPolicy: RemovalPolicy.DESTROY }, updates('MSK::Topic')),

  // ConnectorPlugin
  when('ConnectorPlugin', 'source checksum (new release)', genericStack, { sha: 'c'.repeat(64) }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('ConnectorPlugin', 'source from a URL → an S3 object', genericStack,
    { plugin: (b) => ({ source: PluginSource.fromS3Object(s3.Bucket.fromBucketName(b.stack, 'Plugins', 'my-plugins'), 'connector-1.0.0.zip') }) },
    replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('ConnectorPlugin', 'namePrefix', genericStack, { plugin: { namePrefix: 'example-connector' } }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('ConnectorPlugin', 'description', genericStack, { plugin: { description: 'Example connector 1.0.0' } }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),

  // WorkerConfiguration
  when('WorkerConfiguration', 'properties', genericStack, { workers: { properties: { 'consumer.max.poll.records': '1000' } } },
    replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('WorkerConfiguration', 'maxPollRecords', genericStack, { workers: { maxPollRecords: 2000 } }, replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('WorkerConfiguration', 'maxPartitionFetchBytes', genericStack, { workers: { maxPartitionFetchBytes: 4194304 } },
    replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('WorkerConfiguration', 'secretsManagerConfigProvider', genericStack, { workers: { secretsManagerConfigProvider: true } },
    replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('WorkerConfiguration', 'offsetStorageTopic', genericStack, { workers: { offsetStorageTopic: '__generic_offsets' } },
    replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('WorkerConfiguration', 'namePrefix', genericStack, { workers: { namePrefix: 'generic-workers' } }, replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('WorkerConfiguration', 'description', genericStack, { workers: { description: 'Workers of the generic connector' } },
    replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),

  // LeastPrivilegeConnectorRole
  when('LeastPrivilegeConnectorRole', 'readTopics', genericStack, { permissions: { readTopics: ['a', 'b'] } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'writeTopics', genericStack, { permissions: { writeTopics: ['out'] } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'createTopics', genericStack, { permissions: { writeTopics: ['out'], createTopics: ['out'] } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'describeTopicConfigurations', genericStack, { permissions: { describeTopicConfigurations: ['a'] } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'consumerGroups', genericStack, { permissions: { consumerGroups: ['history'] } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'describeClusterDynamicConfiguration', genericStack, { permissions: { describeClusterDynamicConfiguration: true } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'idempotentWrites', genericStack, { permissions: { writeTopics: ['out'], idempotentWrites: true } }, POLICY),
  when('LeastPrivilegeConnectorRole', 'secrets', genericStack,
    { permissions: (b) => ({ secrets: [TOKEN(b)] }) }, POLICY),
  when('LeastPrivilegeConnectorRole', 'secretKeys', genericStack, { permissions: (b) => ({ secrets: [TOKEN(b)], secretKeys: [OWN_KEY(b)] }) }, POLICY,
    { from: { permissions: (b) => ({ secrets: [TOKEN(b)] }) } }),
  when('LeastPrivilegeConnectorRole', 'glueSchemaRegistryName', genericStack, { permissions: { glueSchemaRegistryName: 'events' } }, POLICY),
  when('LeastPrivilegeConnectorRole', 's3Reads', genericStack, { permissions: (b) => ({ s3Reads: [{ bucket: OWN_BUCKET(b), prefix: 'lookup/' }] }) }, POLICY),

  // MskConnector
  when('MskConnector', 'connectorConfiguration', genericStack, { config: { 'tasks.max': '4' } }, CONNECTOR),
  when('MskConnector', 'capacity', genericStack, { connector: { capacity: ConnectorCapacity.provisioned({ workerCount: 2 }) } }, CONNECTOR),
  when('MskConnector', 'connectorName', genericStack, { connector: { connectorName: 'generic-2' } }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'vpcSubnets (workers moved)', genericStack, { connector: (b) => ({ vpcSubnets: twoSubnets(b) }) }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'kafkaConnectVersion 3.7.x → 2.7.1', genericStack, { connector: { kafkaConnectVersion: KafkaConnectVersion.V2_7_1 } }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'workerConfiguration removed', genericStack, { connector: { workerConfiguration: undefined } }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'role (own role)', genericStack, { connector: (b) => ({ role: OWN_ROLE(b) }) }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'securityGroups', genericStack, { connector: (b) => ({ securityGroups: OWN_SG(b) }) }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'logging to S3', genericStack, { connector: (b) => ({ logging: { s3Bucket: OWN_BUCKET(b), s3Prefix: 'generic/' } }) }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'logging.cloudWatch → false (logs to S3 only)', genericStack, { connector: (b) => ({ logging: { cloudWatch: false, s3Bucket: OWN_BUCKET(b) } }) },
    [...replaces('KafkaConnect::Connector'), 'AWS::Logs::LogGroup: orphan']),
  when('MskConnector', 'logging.logRetention', genericStack, { connector: { logging: { logRetention: logs.RetentionDays.THREE_MONTHS } } }, updates('Logs::LogGroup')),
  when('MskConnector', 'alarms.cpuPercent', genericStack, { connector: { alarms: { cpuPercent: 90 } } }, updates('CloudWatch::Alarm')),
  when('MskConnector', 'alarms.topic', genericStack, { connector: (b) => ({ alarms: { topic: OWN_TOPIC(b) } }) }, updates('CloudWatch::Alarm')),
  when('MskConnector', 'description', genericStack, { connector: { description: 'Generic example connector' } }, replaces('KafkaConnect::Connector')),
  when('MskConnector', 'removalPolicy', genericStack, { connector: { removalPolicy: RemovalPolicy.DESTROY } }, updates('Logs::LogGroup')),

  // ClickHouseSinkConnector
  when('ClickHouseSinkConnector', 'ClickHouse host name', sink, { endpoint: ClickHouseEndpoint.cloud({ hostname: 'xyz.eu-west-1.aws.clickhouse.cloud' }) }, CONNECTOR),
  // Moving traffic off the internet changes security-group rules only: the connector keeps its groups, so it is not
  // replaced (with PrivateLink its configuration names the new host).
  when('ClickHouseSinkConnector', 'Secrets Manager endpoint turned on in the VPC', privatePathSink, { secretsManagerEndpoint: true },
    [...creates('EC2::VPCEndpoint', 'EC2::SecurityGroupEgress'), ...updates('EC2::SecurityGroup')]),
  when('ClickHouseSinkConnector', 'endpoint: ClickHouse Cloud → PrivateLink', privatePathSink, { privateLink: true },
    [...creates('EC2::VPCEndpoint', 'EC2::SecurityGroupEgress'), ...updates('EC2::SecurityGroup'), ...CONNECTOR]),
  when('ClickHouseSinkConnector', 'self-hosted endpoint', sink,
    { endpoint: ClickHouseEndpoint.selfHosted({ hostname: '10.0.200.10', ssl: true, port: 8443, peer: ec2.Peer.ipv4('10.0.200.10/32') }) }, CONNECTOR),
  when('ClickHouseSinkConnector', 'topics', sink, { topics: ['events', 'orders'] }, [...CONNECTOR, ...POLICY]),
  when('ClickHouseSinkConnector', 'topicsRegex', sink, { topics: undefined, topicsRegex: { regex: 'events\\..*', permissionPattern: 'events.*' } }, [...CONNECTOR, ...POLICY]),
  when('ClickHouseSinkConnector', 'capacity', sink, { capacity: ConnectorCapacity.autoScaled({ maxWorkers: 4 }) }, CONNECTOR),
  when('ClickHouseSinkConnector', 'credentials secret', sink, { secretName: 'clickhouse/ingest-v2' }, [...CONNECTOR, ...POLICY]),
  when('ClickHouseSinkConnector', 'credentialsKey', sink, (b) => ({ credentialsKey: OWN_KEY(b) }), POLICY),
  when('ClickHouseSinkConnector', 'usernameField / passwordField', sink, { usernameField: 'user', passwordField: 'secret' }, CONNECTOR),
  when('ClickHouseSinkConnector', 'maxPollRecords (worker configuration)', sink, { maxPollRecords: 5000 }, replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'recordSizeBytes (worker configuration)', sink, { recordSizeBytes: 4096 }, replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'release version (plugin)', sink, { version: '1.3.6' }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'plugin (own plugin instead of release)', sink, (b) => ({ release: undefined, plugin: OWN_PLUGIN(b) }), replaces('KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'connectorName', sink, { connectorName: 'events-sink-2' }, replaces('KafkaConnect::Connector', 'KafkaConnect::WorkerConfiguration')),
  when('ClickHouseSinkConnector', 'database', sink, { database: 'analytics' }, CONNECTOR),
  when('ClickHouseSinkConnector', 'exactlyOnce (on by default with ClickHouse Cloud) → off', sink, { exactlyOnce: false }, CONNECTOR),
  when('ClickHouseSinkConnector', 'keeperMapPath / keeperMapTable / keeperOnCluster', sink,
    { keeperMapPath: '/events-sink', keeperMapTable: 'events_state', keeperOnCluster: 'default' }, CONNECTOR),
  when('ClickHouseSinkConnector', 'topicToTableMap', sink, { topicToTableMap: { events: 'events_v2' } }, CONNECTOR),
  when('ClickHouseSinkConnector', 'clickhouseSettings', sink, { clickhouseSettings: { async_insert: '1' } }, CONNECTOR),
  when('ClickHouseSinkConnector', 'jdbcConnectionProperties', sink, { jdbcConnectionProperties: '?socket_timeout=300000' }, CONNECTOR),
  when('ClickHouseSinkConnector', 'clientVersion', sink, { clientVersion: ClickHouseClientVersion.V2 }, CONNECTOR),
  when('ClickHouseSinkConnector', 'errorTolerance', sink, { errorTolerance: ErrorTolerance.ALL }, CONNECTOR),
  when('ClickHouseSinkConnector', 'deadLetterQueue', sink, { errorTolerance: ErrorTolerance.ALL, deadLetterQueue: { topicName: 'events-dlq' } }, [...CONNECTOR, ...POLICY]),
  when('ClickHouseSinkConnector', 'errorsRetryTimeoutMs / retryCount / timeoutSeconds', sink, { errorsRetryTimeoutMs: 60000, retryCount: 5, timeoutSeconds: 60 }, CONNECTOR),
  when('ClickHouseSinkConnector', 'tableRefreshIntervalSeconds', sink, { tableRefreshIntervalSeconds: 60 }, CONNECTOR),
  when('ClickHouseSinkConnector', 'clickhouseClientInsertTimeoutMs', sink, { version: '1.3.10', clickhouseClientInsertTimeoutMs: 120000 }, CONNECTOR, { from: { version: '1.3.10' } }),
  when('ClickHouseSinkConnector', 'bufferCount / bufferFlushTimeMs', sink, { version: '1.3.6', exactlyOnce: false, bufferCount: 10000, bufferFlushTimeMs: 1000 }, CONNECTOR, { from: { version: '1.3.6', exactlyOnce: false } }),
  when('ClickHouseSinkConnector', 'ignorePartitionsWhenBatching', sink, { exactlyOnce: false, ignorePartitionsWhenBatching: true }, CONNECTOR, { from: { exactlyOnce: false } }),
  when('ClickHouseSinkConnector', 'dbTopicSplitChar', sink, { dbTopicSplitChar: '.' }, CONNECTOR),
  when('ClickHouseSinkConnector', 'dateTimeFormats', sink, { dateTimeFormats: { created: 'yyyy-MM-dd HH:mm:ss' } }, CONNECTOR),
  when('ClickHouseSinkConnector', 'autoEvolve', sink, { version: '1.3.8', autoEvolve: true }, CONNECTOR, { from: { version: '1.3.8' } }),
  when('ClickHouseSinkConnector', 'debeziumCdcEnabled', sink, { version: '1.4.0', valueFormat: AVRO, debeziumCdcEnabled: true }, CONNECTOR, { from: { version: '1.4.0', valueFormat: AVRO } }),
  when('ClickHouseSinkConnector', 'valueFormat', sink, { valueFormat: SinkValueFormat.string() }, CONNECTOR),
  when('ClickHouseSinkConnector', 'transforms', sink,
    { transforms: [{ name: 'topic', type: 'com.clickhouse.kafka.connect.transforms.ExtractTopic$Value', properties: { field: 'table' } }] }, CONNECTOR),
  when('ClickHouseSinkConnector', 'tasksMax', sink, { tasksMax: 4 }, CONNECTOR),
  when('ClickHouseSinkConnector', 'additionalProperties', sink, { additionalProperties: { 'consumer.override.max.poll.interval.ms': '600000' } }, CONNECTOR),
  when('ClickHouseSinkConnector', 'workerConfiguration (shared)', sink, (b) => ({ workerConfiguration: OWN_WORKERS(b) }), replaces('KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'role (own role)', sink, (b) => ({ role: OWN_ROLE(b) }), replaces('KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'securityGroups', sink, (b) => ({ securityGroups: OWN_SG(b) }), replaces('KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'kafkaConnectVersion 3.7.x → 2.7.1', sink, { kafkaConnectVersion: KafkaConnectVersion.V2_7_1 }, replaces('KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'logging to S3', sink, (b) => ({ logging: { s3Bucket: OWN_BUCKET(b) } }), replaces('KafkaConnect::Connector')),
  when('ClickHouseSinkConnector', 'alarms.topic', sink, (b) => ({ alarms: { topic: OWN_TOPIC(b) } }), updates('CloudWatch::Alarm')),
  when('ClickHouseSinkConnector', 'vpcSubnets (workers moved)', sink, (b) => ({ vpcSubnets: twoSubnets(b) }), replaces('KafkaConnect::Connector')),

  // DebeziumMySqlSourceConnector
  when('DebeziumMySqlSourceConnector', 'tableIncludeList', cdc, { tableIncludeList: ['shop.orders'] }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'heartbeatIntervalMs', cdc, { heartbeatIntervalMs: 30000 }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'debeziumVersion 2.7 → 3.0 (plugin)', cdc, { debeziumVersion: DebeziumVersion.V3_0 }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'release checksum (plugin)', cdc, { release: NEW_RELEASE }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'plugin (own plugin instead of release)', cdc, (b) => ({ release: undefined, plugin: OWN_PLUGIN(b) }), replaces('KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'connectorName', cdc, { connectorName: 'orders-cdc-2' }, replaces('KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'serverId', cdc, { serverId: 184055 }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'topicPrefix', cdc, { topicPrefix: 'shop' }, [...CONNECTOR, ...POLICY]),
  when('DebeziumMySqlSourceConnector', 'databaseIncludeList', cdc, { databaseIncludeList: ['shop', 'billing'] }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'sslMode', cdc, { sslMode: MySqlSslMode.VERIFY_IDENTITY }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'includeSchemaChanges', cdc, { includeSchemaChanges: false }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'schemaHistoryTopic', cdc, { schemaHistoryTopic: 'schema-history.orders.v2' }, [...CONNECTOR, ...POLICY]),
  when('DebeziumMySqlSourceConnector', 'schemaHistoryBootstrapServers', cdc, { schemaHistoryBootstrapServers: 'b-1.example:9098' }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'topicPartitions', cdc, { topicPartitions: 6 }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'capacity (MCUs)', cdc, { capacity: ConnectorCapacity.provisioned({ mcuCount: 2 }) }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'kafkaConnectVersion 3.7.x → 2.7.1', cdc, { debeziumVersion: DebeziumVersion.V1_9, kafkaConnectVersion: KafkaConnectVersion.V2_7_1 },
    replaces('KafkaConnect::Connector'), { from: { debeziumVersion: DebeziumVersion.V1_9 } }),
  when('DebeziumMySqlSourceConnector', 'additionalProperties', cdc, { additionalProperties: { 'snapshot.mode': 'when_needed' } }, CONNECTOR),
  when('DebeziumMySqlSourceConnector', 'logging to S3', cdc, (b) => ({ logging: { s3Bucket: OWN_BUCKET(b) } }), replaces('KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'role (own role)', cdc, (b) => ({ role: OWN_ROLE(b) }), replaces('KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'offsetStorageTopic', cdc, { offsetStorageTopic: '__orders_cdc_offsets_v2' },
    replaces('KafkaConnect::WorkerConfiguration', 'KafkaConnect::Connector')),
  when('DebeziumMySqlSourceConnector', 'alarms.topic', cdc, (b) => ({ alarms: { topic: OWN_TOPIC(b) } }), updates('CloudWatch::Alarm')),
  when('DebeziumMySqlSourceConnector', 'vpcSubnets (workers moved)', cdc, (b) => ({ vpcSubnets: twoSubnets(b) }), replaces('KafkaConnect::Connector')),

  // AuroraMySqlCdcSource
  when('AuroraMySqlCdcSource', 'binlogRetentionHours', aurora, { binlogRetentionHours: 168 }, updates('Custom::MySqlCdcSetup')),
  when('AuroraMySqlCdcSource', 'instanceType', aurora, { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.XLARGE) }, updates('RDS::DBInstance')),
  when('AuroraMySqlCdcSource', 'engineVersion (minor upgrade)', aurora, { engineVersion: rds.AuroraMysqlEngineVersion.VER_3_08_0 }, updates('RDS::DBCluster'),
    { from: { engineVersion: rds.AuroraMysqlEngineVersion.VER_3_07_1 } }),
  when('AuroraMySqlCdcSource', 'readers 1 → 2', aurora, { readers: 2 }, creates('RDS::DBInstance')),
  when('AuroraMySqlCdcSource', 'port', aurora, { port: 3308 }, updates('RDS::DBCluster')),
  // DatabaseName is create-only on AWS::RDS::DBCluster (Aurora creates that database with the cluster), and the
  // cluster identifier is fixed (the log groups are named after it): CloudFormation would create a second cluster under
  // the same identifier and fail; nothing is lost. Leaving DatabaseName out of the cluster (creating databases in the
  // setup handler) would itself replace every deployed cluster, so the prop stays create-only.
  when('AuroraMySqlCdcSource', 'defaultDatabaseName', aurora, { defaultDatabaseName: 'store', capturedDatabases: ['shop'] }, replaces('RDS::DBCluster'), {
    from: { capturedDatabases: ['shop'] },
    knownProblems: DATABASE_NAME_PROBLEMS,
    hazard: DATABASE_NAME_HAZARD,
  }),
  when('AuroraMySqlCdcSource', 'capturedDatabases', aurora, { capturedDatabases: ['shop', 'billing'] }, updates('Custom::MySqlCdcSetup')),
  when('AuroraMySqlCdcSource', 'cdcUsername', aurora, { cdcUsername: 'debezium2' }, updates('SecretsManager::Secret', 'Custom::MySqlCdcSetup')),
  when('AuroraMySqlCdcSource', 'generalLog', aurora, { generalLog: false }, updates('RDS::DBClusterParameterGroup', 'RDS::DBCluster')),
  when('AuroraMySqlCdcSource', 'backupRetention', aurora, { backupRetention: Duration.days(21) }, updates('RDS::DBCluster')),
  when('AuroraMySqlCdcSource', 'removalPolicy', aurora, { removalPolicy: RemovalPolicy.SNAPSHOT }, updates('RDS::DBCluster')),
  // The subnet group updates in place, but RDS refuses to remove a subnet that an instance of the cluster is in.
  when('AuroraMySqlCdcSource', 'vpcSubnets (database moved)', aurora, (b) => ({ vpcSubnets: twoSubnets(b) }), updates('RDS::DBSubnetGroup'), {
    hazard: 'RDS refuses to remove a subnet that an instance of the cluster is in: move those instances first (fail over, or replace the reader).',
  }),

  // MskClickHousePipelineStack
  when('MskClickHousePipelineStack', 'clickHouseHostname', exampleStack, { clickHouseHostname: 'xyz.eu-west-1.aws.clickhouse.cloud' }, CONNECTOR),
  when('MskClickHousePipelineStack', 'topics', exampleStack, { topics: ['example-events', 'orders'] }, [...CONNECTOR, ...POLICY, ...creates('MSK::Topic')]),
  when('MskClickHousePipelineStack', 'credentialsSecretName', exampleStack, { credentialsSecretName: 'example/clickhouse-v2' }, [...CONNECTOR, ...POLICY]),
  when('MskClickHousePipelineStack', 'credentialsKeyArn', exampleStack, { credentialsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, POLICY),
  when('MskClickHousePipelineStack', 'partitions', exampleStack, { partitions: 12 }, updates('MSK::Topic')),
  when('MskClickHousePipelineStack', 'sinkRelease', exampleStack, { sinkRelease: { version: '1.3.6', ...RELEASE } }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('MskClickHousePipelineStack', 'natGateways 3 → 1', exampleStack, { natGateways: 1 }, FEWER_NATS),
  when('MskClickHousePipelineStack', 'brokerInstanceType', exampleStack, { brokerInstanceType: new ec2.InstanceType('m7g.xlarge') }, updates('MSK::Cluster')),
  when('MskClickHousePipelineStack', 'sinkCapacity', exampleStack, { sinkCapacity: ConnectorCapacity.provisioned({ workerCount: 2 }) }, CONNECTOR),
  when('MskClickHousePipelineStack', 'alarmEmail', exampleStack, { alarmEmail: 'ops@example.com' }, creates('SNS::Subscription')),
  when('MskClickHousePipelineStack', 'removalPolicy', exampleStack, { removalPolicy: RemovalPolicy.DESTROY }, updates('MSK::Cluster')),
  // The brokers follow the network's private subnets: another AZ count moves them, which MSK cannot do (see MskCluster
  // vpcSubnets); the topics' replication factor follows the broker count, and is create-only too (see MskTopic).
  when('MskClickHousePipelineStack', 'availabilityZoneCount 3 → 2', exampleStack, { availabilityZoneCount: 2 }, replaces('MSK::Cluster', 'MSK::Topic'), {
    knownProblems: [
      /^Cluster\w+ \(AWS::MSK::Cluster\) is replaced create-then-delete under the same name/, /^Cluster\w+ \(AWS::MSK::Cluster\) is replaced \(BrokerNodeGroupInfo/,
      /^ClusterTopic\w+ \(AWS::MSK::Topic\) is replaced create-then-delete under the same name/, /^ClusterTopic\w+ \(AWS::MSK::Topic\) is replaced \(ReplicationFactor\)/,
    ],
    hazard: 'Refused by CloudFormation (same name): the deploy fails and rolls back; the brokers cannot move to other subnets.',
  }),

  // MySqlCdcToClickHouseStack
  when('MySqlCdcToClickHouseStack', 'clickHouseHostname', cdcStack, { clickHouseHostname: 'xyz.eu-west-1.aws.clickhouse.cloud' }, CONNECTOR),
  when('MySqlCdcToClickHouseStack', 'credentialsSecretName', cdcStack, { credentialsSecretName: 'example/clickhouse-v2' }, [...CONNECTOR, ...POLICY]),
  when('MySqlCdcToClickHouseStack', 'credentialsKeyArn', cdcStack, { credentialsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, POLICY),
  // The Aurora source's defaultDatabaseName (see AuroraMySqlCdcSource).
  when('MySqlCdcToClickHouseStack', 'databaseName', cdcStack, { databaseName: 'store' }, [...CONNECTOR, ...POLICY, ...replaces('RDS::DBCluster')], {
    knownProblems: DATABASE_NAME_PROBLEMS,
    hazard: DATABASE_NAME_HAZARD,
  }),
  when('MySqlCdcToClickHouseStack', 'topicPrefix', cdcStack, { topicPrefix: 'shop' }, [...CONNECTOR, ...POLICY]),
  when('MySqlCdcToClickHouseStack', 'serverId', cdcStack, { serverId: 184055 }, CONNECTOR),
  when('MySqlCdcToClickHouseStack', 'debeziumVersion 2.7 → 3.0', cdcStack, { debeziumVersion: DebeziumVersion.V3_0 }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('MySqlCdcToClickHouseStack', 'debeziumRelease', cdcStack, { debeziumRelease: NEW_RELEASE }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('MySqlCdcToClickHouseStack', 'sinkRelease', cdcStack, { sinkRelease: { version: '1.5.0', ...RELEASE } }, replaces('KafkaConnect::CustomPlugin', 'KafkaConnect::Connector')),
  when('MySqlCdcToClickHouseStack', 'removalPolicy', cdcStack, { removalPolicy: RemovalPolicy.DESTROY }, updates('MSK::Cluster', 'RDS::DBCluster')),
];

export interface CaseResult {
  readonly c: ChangeCase;
  readonly changes: ResourceChange[];
  readonly problems: string[];
  /** `<type>: <impact>` for every changed resource. */
  readonly summary: string[];
}

/** Runs a case; also returns the two templates it compared. */
export function runCase(c: ChangeCase): CaseResult & { readonly before: CfnTemplate; readonly after: CfnTemplate } {
  const before = c.before();
  const after = c.after();
  const changes = resourceChanges(before, after);
  const summary = [...new Set(changes.map((x) => `${x.type}: ${x.impact}`))].sort();
  const problems = changeProblems(changes).filter((p) => !(c.knownProblems ?? []).some((k) => k.test(p)));
  return { c, changes, problems, summary, before, after };
}

/** A case's run as plain data, with the error it threw, if any (what {@link runAllCases} returns for each case). */
export interface CaseOutcome {
  readonly changes: ResourceChange[];
  readonly problems: string[];
  readonly summary: string[];
  readonly error?: string;
  /** For the cases in `wholeTemplates`: the diff of the whole templates, to compare with `changes`. */
  readonly wholeTemplateChanges?: ResourceChange[];
  /** For the cases in `templates`: the template before the change. */
  readonly before?: CfnTemplate;
  /** For the cases in `templates`: the template after the change. */
  readonly after?: CfnTemplate;
}

/** What else {@link runAllCases} returns, for some cases (indices into {@link CASES}). */
export interface RunAllCasesOptions {
  /** @default - none */
  readonly wholeTemplates?: number[];
  /** @default - none */
  readonly templates?: number[];
}

/**
 * Runs every case, in the order of {@link CASES}; for a worker thread (test/support/plain-node.ts). The extras reuse the
 * case's own two syntheses, which in the worker cost a fraction of what they cost again inside jest's sandbox.
 */
export function runAllCases(options: RunAllCasesOptions = {}): CaseOutcome[] {
  return CASES.map((c, i) => {
    try {
      const { changes, problems, summary, before, after } = runCase(c);
      return {
        changes,
        problems,
        summary,
        ...options.wholeTemplates?.includes(i) ? { wholeTemplateChanges: resourceChanges(before, after, { wholeTemplates: true }) } : {},
        ...options.templates?.includes(i) ? { before, after } : {},
      };
    } catch (e) {
      return { changes: [], problems: [], summary: [], error: e instanceof Error ? e.stack ?? e.message : String(e) };
    }
  });
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
    'Generated by `npm run change-safety-doc` from the change-safety tests (`test/compliance/change-safety.test.ts`), which',
    'synthesize each construct before and after a change and run the engine behind `cdk diff`',
    '(`@aws-cdk/cloudformation-diff`) with the resource schemas\' update behaviour, corrected where the schemas moved on',
    '(`AWS::KafkaConnect::Connector` updates its configuration, capacity and tags in place and is replaced',
    'delete-then-create), and with nested create-only properties (a cluster\'s subnets, security groups and key), which',
    '`cdk diff` reports as updates. A test fails when this page is stale, when a named resource would be replaced under',
    'the same name, or when a stateful resource would be replaced. Bold text is a hazard the table cannot show.',
    '',
    '| construct | change | what CloudFormation does | what a replacement costs |',
    '|---|---|---|---|',
  ];
  for (const r of results) {
    const byType = new Map<string, Impact>();
    r.changes.forEach((x) => byType.set(x.type, byType.get(x.type) === 'replace' ? 'replace' : x.impact));
    const what = [...byType].map(([type, impact]) => `${type.replace(/^AWS::/, '')} ${IMPACT_WORDS[impact]}`).join('; ');
    const costs = [...byType].filter(([, impact]) => impact === 'replace').map(([type]) => `${type.replace(/^AWS::/, '')}: ${replacementCost(type, r.c.construct)}`);
    const known = r.c.hazard ? ` **${r.c.hazard}**` : '';
    lines.push(`| ${r.c.construct} | ${r.c.change} | ${what || 'nothing'}${known} | ${costs.join('; ') || '—'} |`);
  }
  return lines.join('\n') + '\n';
}
