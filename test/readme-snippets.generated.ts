// Generated from the TypeScript snippets of README.md by `npm run readme-snippets`: do not edit.
/* eslint-disable */
import { AuroraMySqlCdcSource, ClickHouseEndpoint, ClickHouseSinkConnector, DebeziumMySqlSourceConnector, ErrorTolerance, KafkaVersion, MskCluster, PrivateSubnetWithNat } from '../lib';
import { App, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** The README's snippets, in order, as one app. */
export function readmeApp(outdir?: string): App {
  const app = new App({ outdir });
  const stack = new Stack(app, 'ReadmeExample');
  const existingVpc = ec2.Vpc.fromVpcAttributes(stack, 'ExistingVpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.1.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    publicSubnetIds: ['subnet-0a1b2c3d4e5f60700', 'subnet-0a1b2c3d4e5f60701', 'subnet-0a1b2c3d4e5f60702'],
    publicSubnetIpv4CidrBlocks: ['10.1.0.0/24', '10.1.1.0/24', '10.1.2.0/24'],
    publicSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60700', 'rtb-0a1b2c3d4e5f60701', 'rtb-0a1b2c3d4e5f60702'],
  });
  const appSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'AppSecurityGroup', 'sg-0a1b2c3d4e5f60718');
  const appRole = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const sinkSha256 = 'a'.repeat(64);
  const debeziumSha256 = 'b'.repeat(64);
  const configProviderUrl = 'https://github.com/aws-samples/msk-config-providers/releases/download/r0.1.0/msk-config-providers-0.1.0-with-dependencies.zip';
  const configProviderSha256 = 'c'.repeat(64);

  // README snippet 1
  // A new VPC: 3 AZs, one NAT gateway per AZ, flow logs kept for a year.
  const network = new PrivateSubnetWithNat(stack, 'Network');

  // ClickHouse Cloud's IP access list must contain the NAT gateways' addresses.
  new CfnOutput(stack, 'NatGatewayPublicIps', { value: Fn.join(',', network.natGatewayPublicIps) });

  // Or: add private subnets and NAT gateways to a VPC your platform team owns (it must have public subnets).
  const shared = new PrivateSubnetWithNat(stack, 'SharedNetwork', {
    vpc: existingVpc,
    privateSubnetCidrs: ['10.1.16.0/20', '10.1.32.0/20', '10.1.48.0/20'],
    natGateways: 1, // cheaper, but one AZ becomes a single point of failure for egress
  });

  // README snippet 2
  const cluster = new MskCluster(stack, 'Cluster', {
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection, // 3 AZs -> 3 brokers by default
    kafkaVersion: KafkaVersion.V3_9_X_KRAFT,    // the default
    storageAutoScaling: { maxVolumeSize: 4000 },
  });
  cluster.addTopic('Orders', { topicName: 'orders', partitions: 12, configs: { 'retention.ms': '604800000' } });

  // Let an application in and give it exactly what producing needs, on ARNs that include the cluster UUID.
  cluster.connections.allowDefaultPortFrom(appSecurityGroup);   // TCP 9098 only
  cluster.grantProduce(appRole, ['orders']);
  new CfnOutput(stack, 'Brokers', { value: cluster.bootstrapBrokersSaslIam }); // read at deploy time

  // README snippet 3
  new ClickHouseSinkConnector(stack, 'Sink', {
    cluster,
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
    connectorName: 'events-to-clickhouse',
    endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' }), // HTTPS 8443
    credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Ch', 'clickhouse/ingest'),
    topics: ['events'],
    errorTolerance: ErrorTolerance.ALL,
    deadLetterQueue: { topicName: 'events-dlq' },
    maxPollRecords: 5000, recordSizeBytes: 1024,               // the guide's tuning, in the worker configuration
    release: {                                                 // the official release, checksum-pinned
      version: '1.3.5',
      sha256: sinkSha256,                                      // SHA-256 of clickhouse-kafka-connect-v1.3.5.zip
      configProvider: { url: configProviderUrl, sha256: configProviderSha256 }, // the MSK config provider ZIP
    },
  });

  // README snippet 4
  const source = new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, defaultDatabaseName: 'shop' });
  const cdc = new DebeziumMySqlSourceConnector(stack, 'Debezium', {
    cluster, vpc: network.vpc, vpcSubnets: network.privateSubnetSelection,
    connectorName: 'mysql-cdc', source, serverId: 184054, topicPrefix: 'cdc', databaseIncludeList: ['shop'],
    release: {                                                 // SHA-256 of debezium-connector-mysql-2.7.4.Final-plugin.tar.gz
      sha256: debeziumSha256, configProvider: { url: configProviderUrl, sha256: configProviderSha256 },
    },
  });
  new ClickHouseSinkConnector(stack, 'CdcSink', {
    cluster, vpc: network.vpc, vpcSubnets: network.privateSubnetSelection,
    connectorName: 'cdc-to-clickhouse',
    endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' }),
    credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'CdcCh', 'clickhouse/ingest'),
    changeEvents: cdc,                                         // change rows of cdc.shop.*, versioned by Kafka offset
    release: { version: '1.3.5', sha256: sinkSha256, configProvider: { url: configProviderUrl, sha256: configProviderSha256 } },
  });

  void [network, shared, cluster, source, cdc];
  return app;
}
