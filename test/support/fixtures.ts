import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { testApp } from './compliance';
import {
  CapturedTable, ClickHouseEndpoint, ClickHouseSinkConnector, ClickHouseSinkConnectorProps, ClickHouseSinkRelease, ConnectorPlugin, IMskCluster,
  MskClickHousePipelineStackProps, MskCluster, MySqlCdcToClickHouseStackProps, PluginSource, PrivateSubnetWithNat,
} from '../../lib';

/** Example checksum for plugin sources in tests (the handler, not the construct, checks it against real bytes). */
export const EXAMPLE_SHA256 = 'a'.repeat(64);

/** A stack with the network and cluster every connector test needs. */
export function pipelineBase(options: { flowLogs?: boolean } = {}) {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: options.flowLogs ?? false });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  const plugin = new ConnectorPlugin(stack, 'Plugin', {
    source: PluginSource.fromUrl({ url: 'https://example.com/releases/connector-1.0.0.zip', sha256: EXAMPLE_SHA256 }),
    vpc: network.vpc,
    vpcSubnets: network.privateSubnetSelection,
  });
  return { stack, network, cluster, plugin };
}

/**
 * A customer-managed key as a careful user would make one for a secret: rotation on, and grants limited to AWS
 * services (Control Tower CT.KMS.PR.3).
 */
export function userKey(scope: Construct, id: string): kms.Key {
  const key = new kms.Key(scope, id, { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/** shop.orders of the example database, as in test/fixtures/debezium-2.7-mysql-orders.json and the README. */
export const ORDERS: CapturedTable = {
  database: 'shop',
  table: 'orders',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'BIGINT UNSIGNED' },
    { name: 'customer_id', type: 'INT UNSIGNED' },
    { name: 'amount', type: 'DECIMAL(12,2)' },
    { name: 'status', type: 'VARCHAR(16)' },
    { name: 'note', type: 'TEXT', nullable: true },
    { name: 'placed_on', type: 'DATE' },
    { name: 'updated_at', type: 'DATETIME(3)' },
    { name: 'paid_at', type: 'TIMESTAMP', nullable: true },
  ],
};

/** The ClickHouse sink release the tests use (placeholder checksums). */
export const SINK_RELEASE = {
  version: '1.3.5',
  sha256: EXAMPLE_SHA256,
  configProvider: { url: 'https://example.com/msk-config-providers-0.3.1-with-dependencies.jar', sha256: 'b'.repeat(64) },
};

/** A minimal Cloud sink named 'sink' in `stack`, reading `events` with an imported credentials secret. */
export function minimalSink(stack: Stack, cluster: IMskCluster, vpc: ec2.IVpc, props: Partial<ClickHouseSinkConnectorProps> = {}) {
  return new ClickHouseSinkConnector(stack, 'Sink', {
    cluster,
    vpc,
    connectorName: 'sink',
    endpoint: ClickHouseEndpoint.cloud({ hostname: 'h.clickhouse.cloud' }),
    credentials: props.credentials ?? secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'clickhouse/ingest'),
    topics: ['events'],
    release: SINK_RELEASE,
    ...props,
  });
}

/**
 * The example app's values (bin/app.ts without context), which the example stacks require: the tests' templates are
 * the app's (docs/SECURITY-REVIEW.md, generated from the app's cdk.out, is checked against them). Zero checksums: a
 * deployment would fail at the plugin fetch's checksum check.
 */
const EXAMPLE_CONFIG_PROVIDER = {
  url: 'https://github.com/aws-samples/msk-config-providers/releases/download/r0.1.0/msk-config-providers-0.1.0-with-dependencies.zip',
  sha256: '0'.repeat(64),
};

/** The example app's ClickHouse sink release (zero checksums). */
export const EXAMPLE_SINK_RELEASE: ClickHouseSinkRelease = { version: '1.3.5', sha256: '0'.repeat(64), configProvider: EXAMPLE_CONFIG_PROVIDER };

/** The example app's required props of `MskClickHousePipelineStack`. */
export const PIPELINE_EXAMPLE: MskClickHousePipelineStackProps = {
  clickHouseHostname: 'example-service.eu-west-1.aws.clickhouse.cloud',
  credentialsSecretName: 'example/clickhouse-credentials',
  topics: ['example-events'],
  sinkRelease: EXAMPLE_SINK_RELEASE,
};

/** The example app's required props of `MySqlCdcToClickHouseStack`. */
export const CDC_EXAMPLE: MySqlCdcToClickHouseStackProps = {
  clickHouseHostname: PIPELINE_EXAMPLE.clickHouseHostname,
  credentialsSecretName: PIPELINE_EXAMPLE.credentialsSecretName,
  databaseName: 'shop',
  debeziumRelease: { sha256: '0'.repeat(64), configProvider: EXAMPLE_CONFIG_PROVIDER },
  sinkRelease: EXAMPLE_SINK_RELEASE,
};
