#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ClickHouseSinkRelease, DebeziumVersion, MskClickHousePipelineStack, MySqlCdcToClickHouseStack } from '../lib';

/**
 * The example app: two stacks, deployed one at a time by name. Every value comes from CDK context (`-c key=value` or
 * cdk.context.json; the README lists every key); a key not given falls back to the EXAMPLE values below, so
 * `npx cdk synth` works with no arguments and no AWS account.
 *
 *   npx cdk deploy MskClickHousePipeline \
 *     -c clickhouse:hostname=abc123.eu-west-1.aws.clickhouse.cloud \
 *     -c clickhouse:credentialsSecretName=clickhouse/ingest \
 *     -c clickhouse:topics=events,orders \
 *     -c clickhouse:sinkVersion=1.3.5 -c clickhouse:sinkSha256=<sha256> \
 *     -c clickhouse:configProviderUrl=<url> -c clickhouse:configProviderSha256=<sha256>
 */

/**
 * EXAMPLE VALUES, clearly not real, so that nothing is deployed by accident. The checksums are zeros: the stacks
 * synthesize, but a deployment fails at the deploy-time plugin fetch's checksum check (rather than install something
 * unverified) until the real SHA-256 of each file you verified is given.
 */
const ZERO_SHA256 = '0'.repeat(64);
/** Example MSK config provider (Secrets Manager), bundled into each plugin: a real release URL, a placeholder checksum. */
const EXAMPLE_CONFIG_PROVIDER = {
  url: 'https://github.com/aws-samples/msk-config-providers/releases/download/r0.1.0/msk-config-providers-0.1.0-with-dependencies.zip',
  sha256: ZERO_SHA256,
};
/** Example ClickHouse sink release: placeholder checksum. */
const EXAMPLE_SINK_RELEASE: ClickHouseSinkRelease = { version: '1.3.5', sha256: ZERO_SHA256, configProvider: EXAMPLE_CONFIG_PROVIDER };

/** Example values of MskClickHousePipeline. */
const EXAMPLE = {
  clickHouseHostname: 'example-service.eu-west-1.aws.clickhouse.cloud',
  credentialsSecretName: 'example/clickhouse-credentials',
  topics: ['example-events'],
  sinkRelease: EXAMPLE_SINK_RELEASE,
};

/** Example values of MySqlCdcToClickHouse. */
const CDC_EXAMPLE = {
  clickHouseHostname: EXAMPLE.clickHouseHostname,
  credentialsSecretName: EXAMPLE.credentialsSecretName,
  databaseName: 'shop',
  /** Debezium plugin of the stack's default `debeziumVersion` (2.7): placeholder checksum. */
  debeziumRelease: { sha256: ZERO_SHA256, configProvider: EXAMPLE_CONFIG_PROVIDER },
  sinkRelease: EXAMPLE_SINK_RELEASE,
};

const app = new App();
const ctx = (key: string): string | undefined => app.node.tryGetContext(key);
const list = (key: string) => ctx(key)?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

const sinkVersion = ctx('clickhouse:sinkVersion');
const configProvider = () => ({ url: ctx('clickhouse:configProviderUrl') ?? '', sha256: ctx('clickhouse:configProviderSha256') ?? '' });
const sinkRelease = (example: ClickHouseSinkRelease): ClickHouseSinkRelease => (sinkVersion === undefined ? example : {
  version: sinkVersion,
  sha256: ctx('clickhouse:sinkSha256') ?? '',
  configProvider: configProvider(),
});

new MskClickHousePipelineStack(app, 'MskClickHousePipeline', {
  clickHouseHostname: ctx('clickhouse:hostname') ?? EXAMPLE.clickHouseHostname,
  credentialsSecretName: ctx('clickhouse:credentialsSecretName') ?? EXAMPLE.credentialsSecretName,
  credentialsKeyArn: ctx('clickhouse:credentialsKeyArn'),
  topics: list('clickhouse:topics') ?? EXAMPLE.topics,
  sinkRelease: sinkRelease(EXAMPLE.sinkRelease),
  alarmEmail: ctx('alarmEmail'),
});

// The change-data-capture example: Aurora MySQL -> Debezium -> MSK -> ClickHouse.
const debeziumVersion = ctx('debezium:version');
const debeziumSha256 = ctx('debezium:sha256');
new MySqlCdcToClickHouseStack(app, 'MySqlCdcToClickHouse', {
  clickHouseHostname: ctx('clickhouse:hostname') ?? CDC_EXAMPLE.clickHouseHostname,
  credentialsSecretName: ctx('clickhouse:credentialsSecretName') ?? CDC_EXAMPLE.credentialsSecretName,
  credentialsKeyArn: ctx('clickhouse:credentialsKeyArn'),
  databaseName: CDC_EXAMPLE.databaseName,
  debeziumVersion: debeziumVersion === undefined ? undefined : DebeziumVersion.of(debeziumVersion),
  debeziumRelease: debeziumSha256 === undefined ? CDC_EXAMPLE.debeziumRelease : { sha256: debeziumSha256, configProvider: configProvider() },
  sinkRelease: sinkRelease(CDC_EXAMPLE.sinkRelease),
});
app.synth();
