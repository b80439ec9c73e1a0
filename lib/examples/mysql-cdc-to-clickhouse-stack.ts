import { CfnOutput, Fn, RemovalPolicy, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AuroraMySqlCdcSource } from '../cdc/aurora-mysql-cdc-source';
import { DebeziumMySqlSourceConnector, DebeziumRelease, DebeziumVersion } from '../cdc/debezium-mysql-source-connector';
import { ClickHouseEndpoint, ClickHouseSinkConnector, ClickHouseSinkRelease } from '../clickhouse/clickhouse-sink-connector';
import { MskCluster } from '../msk/msk-cluster';
import { PrivateSubnetWithNat } from '../network/private-subnet-with-nat';
import { createAlarmTopic } from '../private/alarm-topic';
import { checkNotSystemDatabase } from '../private/checks-cdc';
import { checkKmsKeyArn, checkRequired, namingUserProps, show } from '../private/validation';

/** Properties of {@link MySqlCdcToClickHouseStack}. */
export interface MySqlCdcToClickHouseStackProps extends StackProps {
  /** ClickHouse Cloud host name, without scheme or port (e.g. `abc123.eu-west-1.aws.clickhouse.cloud`). */
  readonly clickHouseHostname: string;

  /** Name of the Secrets Manager secret with the ClickHouse credentials (`{"username": ..., "password": ...}`). */
  readonly credentialsSecretName: string;

  /**
   * ARN of the key of the ClickHouse credentials secret.
   * @default - no key permission
   */
  readonly credentialsKeyArn?: string;

  /**
   * Database of the Aurora source to capture (created as the cluster's initial database): 1-64 letters, digits or
   * underscores, starting with a letter.
   */
  readonly databaseName: string;

  /**
   * Topic prefix of the change events (`<prefix>.<database>.<table>`).
   * @default 'cdc'
   */
  readonly topicPrefix?: string;

  /**
   * Debezium replication client id.
   * @default 184054
   */
  readonly serverId?: number;

  /**
   * Debezium release.
   * @default DebeziumVersion.V2_7
   */
  readonly debeziumVersion?: DebeziumVersion;

  /**
   * The Debezium plugin of `debeziumVersion` and the MSK config provider to fetch, pinned by the SHA-256 checksums of
   * the files you verified: the deploy-time fetch refuses bytes that do not match.
   */
  readonly debeziumRelease: DebeziumRelease;

  /** The ClickHouse sink release and MSK config provider, pinned by the SHA-256 checksums of the files you verified. */
  readonly sinkRelease: ClickHouseSinkRelease;

  /**
   * What happens to the stateful resources when removed.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The change-data-capture example: Aurora MySQL (binlog ready) → Debezium on MSK Connect → MSK → ClickHouse sink.
 * Debezium writes change rows (`ChangeEventFormat.ROW`) and the sink applies them to `ReplacingMergeTree` tables
 * (`sink.createTableStatement(...)` gives each table's `CREATE TABLE`). See the README's change-data-capture section.
 */
export class MySqlCdcToClickHouseStack extends Stack {
  /** The network. */
  public readonly network: PrivateSubnetWithNat;
  /** The MSK cluster. */
  public readonly cluster: MskCluster;
  /** The Aurora source. */
  public readonly source: AuroraMySqlCdcSource;
  /** The Debezium source connector. */
  public readonly cdc: DebeziumMySqlSourceConnector;
  /** The ClickHouse sink. */
  public readonly sink: ClickHouseSinkConnector;
  /** The shared alarm topic. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: MySqlCdcToClickHouseStackProps) {
    super(scope, id, {
      description: 'Aurora MySQL -> Debezium on MSK Connect -> MSK -> ClickHouse (msk-clickhouse-pipeline CDC example)',
      ...props,
    });
    checkRequired('clickHouseHostname', props.clickHouseHostname, 'the ClickHouse Cloud host name');
    checkRequired('credentialsSecretName', props.credentialsSecretName, 'the name of the Secrets Manager secret with the ClickHouse credentials');
    checkRequired('databaseName', props.databaseName, 'the database of the Aurora source to capture');
    checkRequired('debeziumRelease', props.debeziumRelease, 'the Debezium plugin and MSK config provider, pinned by SHA-256');
    checkRequired('sinkRelease', props.sinkRelease, 'the ClickHouse sink release and MSK config provider, pinned by SHA-256');
    const prefix = props.topicPrefix ?? 'cdc';
    const database = props.databaseName;
    // The name becomes the cluster's initial database (RDS DatabaseName: 1-64 letters, digits or underscores, starting
    // with a letter) and the connector's `databaseIncludeList`: checked here so the message names this stack's prop.
    if (!Token.isUnresolved(database) && !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(database)) {
      throw new Error(`\`databaseName\` must be 1-64 letters, digits or underscores starting with a letter (RDS DatabaseName), got ${show(database)}`);
    }
    checkNotSystemDatabase('databaseName', database, 'the cluster already has it and Debezium does not capture it');
    checkKmsKeyArn('credentialsKeyArn', props.credentialsKeyArn, this.region);
    this.alarmTopic = createAlarmTopic(this, 'AlarmTopic', 'Alarms of the MySQL CDC to ClickHouse pipeline', props.removalPolicy);
    // The connectors' config providers read their secrets through AWS PrivateLink, not the internet.
    this.network = new PrivateSubnetWithNat(this, 'Network', { removalPolicy: props.removalPolicy, secretsManagerEndpoint: true });
    this.cluster = new MskCluster(this, 'Cluster', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnetSelection,
      alarms: { topic: this.alarmTopic },
      removalPolicy: props.removalPolicy,
    });
    this.source = new AuroraMySqlCdcSource(this, 'Source', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnetSelection,
      defaultDatabaseName: database,
      removalPolicy: props.removalPolicy,
    });
    this.cdc = namingUserProps({ release: 'debeziumRelease', databaseIncludeList: 'databaseName' }, () => new DebeziumMySqlSourceConnector(this, 'Debezium', {
      cluster: this.cluster,
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnetSelection,
      connectorName: 'mysql-cdc',
      source: this.source,
      serverId: props.serverId ?? 184054,
      topicPrefix: prefix,
      databaseIncludeList: [database],
      debeziumVersion: props.debeziumVersion,
      release: props.debeziumRelease,
      alarms: { topic: this.alarmTopic },
    }));
    const endpoint = namingUserProps({ hostname: 'clickHouseHostname' }, () => ClickHouseEndpoint.cloud({ hostname: props.clickHouseHostname }));
    this.sink = namingUserProps({ release: 'sinkRelease' }, () => new ClickHouseSinkConnector(this, 'ClickHouseSink', {
      cluster: this.cluster,
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnetSelection,
      connectorName: 'cdc-clickhouse-sink',
      endpoint,
      credentials: secretsmanager.Secret.fromSecretNameV2(this, 'ClickHouseCredentials', props.credentialsSecretName),
      credentialsKey: props.credentialsKeyArn ? kms.Key.fromKeyArn(this, 'ClickHouseCredentialsKey', props.credentialsKeyArn) : undefined,
      // Change rows of the captured database's tables, versioned by Kafka offset: see `sink.createTableStatement`.
      changeEvents: this.cdc,
      release: props.sinkRelease,
      alarms: { topic: this.alarmTopic },
    }));

    new CfnOutput(this, 'NatGatewayPublicIps', {
      description: 'Source addresses of the pipeline: add them to the ClickHouse Cloud IP access list',
      value: Fn.join(',', this.network.natGatewayPublicIps),
    });
    new CfnOutput(this, 'SourceEndpoint', { description: 'Writer endpoint of the Aurora CDC source', value: this.source.hostname });
    new CfnOutput(this, 'CdcConnectorArn', { value: this.cdc.connector.connectorArn });
    new CfnOutput(this, 'SinkConnectorArn', { value: this.sink.connector.connectorArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
