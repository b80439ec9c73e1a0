#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { DebeziumVersion, MskClickHousePipelineStack, MySqlCdcToClickHouseStack } from '../lib';

/**
 * The example app: two stacks, deployed one at a time by name. Every value comes from CDK context (`-c key=value` or
 * cdk.context.json; the README lists every key); without context the stacks synthesize with clearly named example
 * values (see PipelineExampleValues).
 *
 *   npx cdk deploy MskClickHousePipeline \
 *     -c clickhouse:hostname=abc123.eu-west-1.aws.clickhouse.cloud \
 *     -c clickhouse:credentialsSecretName=clickhouse/ingest \
 *     -c clickhouse:topics=events,orders \
 *     -c clickhouse:sinkVersion=1.3.5 -c clickhouse:sinkSha256=<sha256> \
 *     -c clickhouse:configProviderUrl=<url> -c clickhouse:configProviderSha256=<sha256>
 */
const app = new App();
const ctx = (key: string): string | undefined => app.node.tryGetContext(key);
const list = (key: string) => ctx(key)?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

const sinkVersion = ctx('clickhouse:sinkVersion');
new MskClickHousePipelineStack(app, 'MskClickHousePipeline', {
  clickHouseHostname: ctx('clickhouse:hostname'),
  credentialsSecretName: ctx('clickhouse:credentialsSecretName'),
  credentialsKeyArn: ctx('clickhouse:credentialsKeyArn'),
  topics: list('clickhouse:topics'),
  sinkRelease: sinkVersion === undefined ? undefined : {
    version: sinkVersion,
    sha256: ctx('clickhouse:sinkSha256') ?? '',
    configProvider: { url: ctx('clickhouse:configProviderUrl') ?? '', sha256: ctx('clickhouse:configProviderSha256') ?? '' },
  },
  alarmEmail: ctx('alarmEmail'),
});

// The change-data-capture example: Aurora MySQL -> Debezium -> MSK -> ClickHouse.
const debeziumVersion = ctx('debezium:version');
new MySqlCdcToClickHouseStack(app, 'MySqlCdcToClickHouse', {
  clickHouseHostname: ctx('clickhouse:hostname'),
  credentialsSecretName: ctx('clickhouse:credentialsSecretName'),
  credentialsKeyArn: ctx('clickhouse:credentialsKeyArn'),
  debeziumVersion: debeziumVersion === undefined ? undefined : DebeziumVersion.of(debeziumVersion),
  debeziumRelease: ctx('debezium:sha256') === undefined ? undefined : {
    sha256: ctx('debezium:sha256')!,
    configProvider: { url: ctx('clickhouse:configProviderUrl') ?? '', sha256: ctx('clickhouse:configProviderSha256') ?? '' },
  },
  sinkRelease: sinkVersion === undefined ? undefined : {
    version: sinkVersion,
    sha256: ctx('clickhouse:sinkSha256') ?? '',
    configProvider: { url: ctx('clickhouse:configProviderUrl') ?? '', sha256: ctx('clickhouse:configProviderSha256') ?? '' },
  },
});
app.synth();
