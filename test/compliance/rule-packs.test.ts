import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AuroraMySqlCdcSource, ClickHouseEndpoint, ClickHouseSinkConnector, ConnectorCapacity, MskClickHousePipelineStack, MskCluster, MskConnector,
  MySqlCdcToClickHouseStack, PrivateSubnetWithNat, WorkerConfiguration,
} from '../../lib';
import { describeFindings, Finding, nagFindings, testApp, validatorFindings } from '../support/compliance';
import { CDC_EXAMPLE, EXAMPLE_SHA256, pipelineBase, PIPELINE_EXAMPLE, userKey } from '../support/fixtures';

/**
 * The compliance suite of the constructs and example stacks: each stack is built once and every pack runs on it (the
 * four cdk-nag 3 packs on the construct tree, then one synthesis with the Control Tower Guard rules and CloudFormation
 * Validate). One describe per construct, named after its unit test file (test/<name>.test.ts).
 */
function expectNoFindings(stack: Stack, ours: (f: Finding) => boolean = () => true): void {
  expect(describeFindings(nagFindings(stack).filter(ours))).toEqual([]);
  expect(describeFindings(validatorFindings(stack).filter(ours))).toEqual([]);
}

describe('msk-clickhouse-pipeline-stack', () => {
  test('four cdk-nag packs, Control Tower Guard rules and CloudFormation Validate: zero unacknowledged findings', () => {
    expectNoFindings(new MskClickHousePipelineStack(testApp(), 'Pipeline', PIPELINE_EXAMPLE));
  });
});

describe('mysql-cdc-to-clickhouse-stack', () => {
  test('zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    expectNoFindings(new MySqlCdcToClickHouseStack(testApp(), 'Cdc', CDC_EXAMPLE));
  });
});

describe('msk-cluster', () => {
  test('zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: true });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    cluster.addTopic('Orders', { topicName: 'orders' });
    new CfnOutput(stack, 'Brokers', { value: cluster.bootstrapBrokersSaslIam });
    expectNoFindings(stack);
  });
});

describe('msk-cluster with SASL/SCRAM users', () => {
  test('zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: true });
    const cluster = new MskCluster(stack, 'Cluster', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      clientAuthentication: { iam: true, scram: true },
    });
    cluster.addScramUser('alice');
    cluster.addScramUser('bob', { encryptionKey: userKey(stack, 'BobKey') });
    expectNoFindings(stack);
  });
});

describe('msk-connector', () => {
  test('zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    const base = pipelineBase({ flowLogs: true });
    const workers = new WorkerConfiguration(base.stack, 'Workers', { secretsManagerConfigProvider: true, maxPollRecords: 1000 });
    const secret = new secretsmanager.Secret(base.stack, 'ClickHouse', { encryptionKey: userKey(base.stack, 'SecretKey') });
    new MskConnector(base.stack, 'Connector', {
      cluster: base.cluster,
      vpc: base.network.vpc,
      vpcSubnets: base.network.privateSubnetSelection,
      connectorName: 'orders-sink',
      plugin: base.plugin,
      workerConfiguration: workers,
      capacity: ConnectorCapacity.autoScaled(),
      connectorConfiguration: { 'connector.class': 'com.example.Sink', 'password': '${secretsmanager:clickhouse:password}' },
      permissions: { readTopics: ['orders'], writeTopics: ['orders-dlq'], secrets: [secret] },
    });
    // The secret is the test's stand-in for the user's own (rotation is the user's to set up).
    expectNoFindings(base.stack, (f) => !f.path.startsWith('S/ClickHouse'));
  });
});

describe('clickhouse-sink-connector', () => {
  test.each([
    ['ClickHouse Cloud over the internet', () => ClickHouseEndpoint.cloud({ hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' })],
    ['ClickHouse Cloud over AWS PrivateLink', () => ClickHouseEndpoint.privateLink({
      vpcEndpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a0218fa75c646d81', hostname: 'abc123.eu-west-1.vpce.aws.clickhouse.cloud',
    })],
  ])('%s: zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', (_name, endpoint) => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: true });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const credentials = new secretsmanager.Secret(stack, 'ClickHouseCredentials', {
      secretName: 'clickhouse/ingest',
      encryptionKey: userKey(stack, 'CredentialsKey'),
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'ingest' }), generateStringKey: 'password' },
    });
    new ClickHouseSinkConnector(stack, 'Sink', {
      cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      connectorName: 'events-to-clickhouse',
      endpoint: endpoint(),
      credentials,
      topics: ['events'],
      release: {
        version: '1.3.5',
        sha256: EXAMPLE_SHA256,
        configProvider: { url: 'https://example.com/msk-config-providers-0.3.1-with-dependencies.jar', sha256: 'b'.repeat(64) },
      },
    });
    // The credentials secret is the test's stand-in for the user's own secret (rotation is the user's to set up).
    expectNoFindings(stack, (f) => !f.path.startsWith('S/ClickHouseCredentials/'));
  });
});

describe('private-subnet-with-nat', () => {
  test('new VPC: zero unacknowledged findings from the four cdk-nag packs, Control Tower Guard rules and CloudFormation Validate', () => {
    const stack = new Stack(testApp(), 'S');
    new PrivateSubnetWithNat(stack, 'Net');
    expectNoFindings(stack);
  });

  test('existing VPC: zero unacknowledged findings', () => {
    const stack = new Stack(testApp(), 'S');
    const publicAzs = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcCidrBlock: '10.1.0.0/16',
      availabilityZones: publicAzs,
      publicSubnetIds: publicAzs.map((_, i) => `subnet-0a1b2c3d4e5f6070${i}`),
      publicSubnetIpv4CidrBlocks: publicAzs.map((_, i) => `10.1.${i}.0/24`),
    });
    new PrivateSubnetWithNat(stack, 'Net', { vpc, privateSubnetCidrs: ['10.1.16.0/20', '10.1.32.0/20', '10.1.48.0/20'] });
    expectNoFindings(stack);
  });
});

describe('aurora-mysql-cdc-source', () => {
  test('with master password rotation: zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    new AuroraMySqlCdcSource(stack, 'Source', {
      vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, masterPasswordRotation: Duration.days(30),
    });
    // The test network has no flow logs (`flowLogs: false`); those findings belong to it, not to the source.
    expectNoFindings(stack, (f) => !/VPC7|VPCFlowLogsEnabled|vpc_flow_logs_enabled/.test(describeFindings([f])[0]));
  });
});
