import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AuroraMySqlCdcSource, IMySqlCdcSource } from './aurora-mysql-cdc-source';
import { ChangeEventFormat, IChangeEventSource } from '../connect/change-events';
import { ConnectorCapacity, KafkaConnectVersion } from '../connect/connector-capacity';
import { ConnectorPlugin, IConnectorPlugin, PluginArtifact, PluginSource } from '../connect/connector-plugin';
import { ConnectorPermissions, LeastPrivilegeConnectorRole } from '../connect/connector-role';
import { ConnectorAlarms, MskConnector } from '../connect/msk-connector';
import { WorkerConfiguration } from '../connect/worker-configuration';
import { IMskCluster } from '../msk/cluster-ref';
import { LogDelivery } from '../msk/log-delivery';
import { MskPorts } from '../msk/msk-cluster';
import { acknowledgeChecklistItem } from '../private/acknowledge';
import {
  checkDebeziumRegexList, checkDebeziumValues, checkNoSecretsInValues, checkNotSystemDatabase, claimUnique, debeziumMatches,
  isLiteralName, literalDatabaseOf,
} from '../private/checks-cdc';
import { checkNoLiteralSecrets, checkNoSecretInText, checkRoleFits, connectorAlarms } from '../private/checks-connect';
import { describeVpc, differentVpcs, fetchHandlerPlacement, recordedVpc } from '../private/connectivity';
import { DEBEZIUM_MYSQL_KEYS, EXTRACT_NEW_RECORD_STATE_OPTIONS } from '../private/debezium-mysql-keys';
import { checkReleaseAccepts, compareVersions, SOURCE_FRAMEWORK, WrittenKey } from '../private/release-properties';
import { selectPrivateSubnets } from '../private/subnets';
import { checkIntegerRange, checkNoRepeats, checkNotEmpty, checkOneOf, checkTopicName, namingUserProps, show } from '../private/validation';

/** A Debezium release line, which decides property names and the Java version. */
export class DebeziumVersion {
  /** Debezium 1.9 (1.x property names: `database.server.name`, `database.history.*`), Java 11. */
  public static readonly V1_9 = DebeziumVersion.of('1.9.7.Final');
  /** Debezium 2.7 (`topic.prefix`, `schema.history.internal.*`), Java 11. */
  public static readonly V2_7 = DebeziumVersion.of('2.7.4.Final');
  /** Debezium 3.0 (2.x property names), Java 17: needs Kafka Connect 3.7.x. */
  public static readonly V3_0 = DebeziumVersion.of('3.0.8.Final');

  /** Any release, as Maven spells it (`2.7.4.Final`). */
  public static of(version: string): DebeziumVersion {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(Final|CR\d+|Beta\d+|Alpha\d+)$/.exec(version);
    if (!m) {
      throw new Error(`\`debeziumVersion\` must be a Debezium release such as '2.7.4.Final', got ${show(version)}`);
    }
    const major = Number(m[1]);
    return new DebeziumVersion(version, major, major >= 3 ? 17 : 11);
  }

  private constructor(
    /** The release. */
    public readonly version: string,
    /** Its major version. */
    public readonly major: number,
    /** The Java version it needs. */
    public readonly javaVersion: number,
  ) {}

  /** The release number without its qualifier (`2.7.4`). */
  public get number(): string {
    return this.version.replace(/\.(Final|CR\d+|Beta\d+|Alpha\d+)$/, '');
  }

  /** Whether this release is `other` or later (`'2.5.0'`). */
  public isAtLeast(other: string): boolean {
    return compareVersions(this.number, other) >= 0;
  }

  /** The plugin archive of this release on Maven Central. */
  public get pluginUrl(): string {
    return `https://repo1.maven.org/maven2/io/debezium/debezium-connector-mysql/${this.version}/debezium-connector-mysql-${this.version}-plugin.tar.gz`;
  }
}

/** How Debezium verifies the database's TLS. Plain connections are not offered. */
export enum MySqlSslMode {
  /** TLS, without verifying the server certificate. */
  REQUIRED = 'required',
  /** TLS, verifying the certificate's CA. */
  VERIFY_CA = 'verify_ca',
  /** TLS, verifying the CA and the host name. */
  VERIFY_IDENTITY = 'verify_identity',
}

/** The Debezium release to fetch at deploy time as the plugin. */
export interface DebeziumRelease {
  /** SHA-256 of `debezium-connector-mysql-<version>-plugin.tar.gz`. */
  readonly sha256: string;

  /** The MSK config provider (Secrets Manager), bundled into the same ZIP. */
  readonly configProvider: PluginArtifact;

  /**
   * More JARs to bundle.
   * @default - none
   */
  readonly extraArtifacts?: PluginArtifact[];
}

/** Properties of {@link DebeziumMySqlSourceConnector}. */
export interface DebeziumMySqlSourceConnectorProps {
  /** The MSK cluster to write change events to. */
  readonly cluster: IMskCluster;

  /** The VPC of the workers. */
  readonly vpc: ec2.IVpc;

  /**
   * Private subnets of the workers.
   * @default - the VPC's private subnets with egress; required when the VPC has none (e.g. an existing VPC extended by `PrivateSubnetWithNat`: pass its `privateSubnetSelection`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Name of the connector (1–100 letters, digits and hyphens). Changing it replaces the connector, which then
   * starts over (Kafka Connect keys a source's offsets by the connector's name), see `MskConnector`.
   */
  readonly connectorName: string;

  /** The database to capture (e.g. an `AuroraMySqlCdcSource`). */
  readonly source: IMySqlCdcSource;

  /** Replication client id, unique among every client of the source's binlog (1–4294967295). */
  readonly serverId: number;

  /**
   * Logical name of the source: topics are `<prefix>.<database>.<table>` and `<prefix>` for schema changes.
   * Letters, digits, `.`, `_` and `-`.
   */
  readonly topicPrefix: string;

  /**
   * Databases to capture.
   * @default - all
   */
  readonly databaseIncludeList?: string[];

  /**
   * Tables to capture (`db.table`).
   * @default - all tables of the included databases
   */
  readonly tableIncludeList?: string[];

  /**
   * Debezium release.
   * @default DebeziumVersion.V2_7
   */
  readonly debeziumVersion?: DebeziumVersion;

  /**
   * The plugin (Debezium plus the MSK config provider). Give this or `release`.
   * @default - built from `release`
   */
  readonly plugin?: IConnectorPlugin;

  /**
   * The Debezium release of `debeziumVersion` to fetch (checksum-verified) as the plugin. Give this or `plugin`.
   * @default - `plugin` is used
   */
  readonly release?: DebeziumRelease;

  /**
   * TLS mode towards the database. `REQUIRED` encrypts but does not verify the server certificate: an attacker able to
   * redirect the connector's traffic inside the VPC could impersonate the database and learn the Debezium password.
   * `VERIFY_CA` and `VERIFY_IDENTITY` need a truststore with the RDS CA on the worker (`database.ssl.truststore`),
   * which this construct does not provide yet: without one the JVM's default trust store, which lacks the RDS CAs,
   * fails the connection. See the README's CDC section for the residual risk and the planned fix.
   * @default MySqlSslMode.REQUIRED
   */
  readonly sslMode?: MySqlSslMode;

  /**
   * The shape of the change events on the data topics. `ROW` (Debezium's `ExtractNewRecordState`, deletes rewritten as
   * rows with `__deleted`, plus `__op` and `__source_ts_ms`, decimals as strings) is what
   * `ClickHouseSinkConnector`'s `changeEvents` applies to `ReplacingMergeTree` tables.
   * @default ChangeEventFormat.ROW
   */
  readonly changeEventFormat?: ChangeEventFormat;

  /**
   * Publish schema changes to the `<prefix>` topic.
   * @default true
   */
  readonly includeSchemaChanges?: boolean;

  /**
   * Topic of the schema history.
   * @default `schema-history.<topicPrefix>`
   */
  readonly schemaHistoryTopic?: string;

  /**
   * Bootstrap servers of the schema-history clients: must be the cluster's IAM brokers (port 9098).
   * @default - the cluster's IAM bootstrap brokers
   */
  readonly schemaHistoryBootstrapServers?: string;

  /**
   * Heartbeat interval in milliseconds (keeps offsets moving on quiet tables so binlog is not purged under the
   * connector).
   * @default 10000
   */
  readonly heartbeatIntervalMs?: number;

  /**
   * Partitions of the topics Kafka Connect creates (one keeps per-table order).
   * @default 1
   */
  readonly topicPartitions?: number;

  /**
   * Capacity: MSK Connect runs the Debezium MySQL connector on provisioned capacity with one worker only.
   * @default ConnectorCapacity.provisioned({ mcuCount: 1, workerCount: 1 })
   */
  readonly capacity?: ConnectorCapacity;

  /**
   * Kafka Connect version; 3.7.x for Debezium 3 (Java 17).
   * @default KafkaConnectVersion.V3_7_X
   */
  readonly kafkaConnectVersion?: KafkaConnectVersion;

  /**
   * Properties a newer Debezium adds, passed through. Cannot override what the props set.
   * @default - none
   */
  readonly additionalProperties?: { [key: string]: string };

  /**
   * Worker log delivery.
   * @default - a new log group kept one year, encrypted with the stack's shared logs key (one customer-managed key for the library's log groups of a stack)
   */
  readonly logging?: LogDelivery;

  /**
   * A service execution role to use instead of the least-privilege role the construct builds from what the connector
   * does — e.g. a role your platform team manages, or a `LeastPrivilegeConnectorRole` you configure yourself. It must
   * allow everything the connector does at run time ({@link DebeziumMySqlSourceConnector.permissions} lists it) and trust
   * `kafkaconnect.amazonaws.com`.
   * @default - a `LeastPrivilegeConnectorRole` with exactly `permissions`
   */
  readonly role?: iam.IRole;

  /**
   * The topic that keeps the connector's source offsets (binlog position). It outlives the connector: when
   * CloudFormation replaces the connector (a new plugin, worker configuration, network or role; the connector keeps
   * its name), the new one resumes from the binlog position instead of taking a new snapshot. The role may
   * create, read and write it. To adopt the offsets of a connector created
   * without it, give that connector's topic (`__amazon_msk_connect_offsets_<name>_<id>`) and keep its name.
   * @default `__amazon_msk_connect_offsets_<connectorName>`
   */
  readonly offsetStorageTopic?: string;

  /**
   * Alarm settings of the connector (its errored tasks, workers, CPU) and where they notify.
   * @default - errored tasks, too few workers, CPU above 80 %; to the stack's shared alarm topic (one per stack, encrypted with a customer-managed key, created on first use)
   */
  readonly alarms?: ConnectorAlarms;

  /**
   * Where alarms go.
   * @deprecated use `alarms.topic` (the shape of `MskCluster` and `MskConnector`); giving both is an error.
   * @default - as `alarms.topic`
   */
  readonly alarmTopic?: sns.ITopic;
}

const SERVER_IDS = new WeakMap<IConstruct, Map<number, string>>();
/** Per cluster: the topic prefixes, schema-history topics and offset topics Debezium connectors of the app use. */
const TOPIC_PREFIXES = new WeakMap<object, Map<string, string>>();
const HISTORY_TOPICS = new WeakMap<object, Map<string, string>>();
const OFFSET_TOPICS = new WeakMap<object, Map<string, string>>();
/**
 * Debezium settings that change the values of the change rows away from what `ChangeTable.columnTypeOf` maps to
 * ClickHouse columns (Debezium MySQL connector docs, "Data type mappings").
 */
const ROW_VALUE_SETTINGS = ['time.precision.mode', 'bigint.unsigned.handling.mode', 'binary.handling.mode', 'event.converting.failure.handling.mode'];
const IAM_CLIENT: { [key: string]: string } = {
  'security.protocol': 'SASL_SSL',
  'sasl.mechanism': 'AWS_MSK_IAM',
  'sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
  'sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
};

/**
 * The Debezium MySQL source on MSK Connect, as the MSK Connect launch blog runs it but without its manual steps:
 * the plugin fetched from Maven and repackaged at deploy time, schema-history clients configured for IAM against the
 * IAM brokers, the database password through the config provider, TLS to the database, one provisioned worker and
 * `tasks.max=1`, a unique server id, and a role that may write exactly its topics.
 *
 * @example
 * new DebeziumMySqlSourceConnector(this, 'Cdc', {
 *   cluster, vpc: network.vpc, connectorName: 'orders-cdc', source, serverId: 184054, topicPrefix: 'orders',
 *   databaseIncludeList: ['shop'],
 *   release: { sha256: '<sha256>', configProvider: { url: '<jar url>', sha256: '<sha256>' } },
 * });
 */
export class DebeziumMySqlSourceConnector extends Construct implements IChangeEventSource, iam.IGrantable {
  /** The connector. */
  public readonly connector: MskConnector;
  /** The connector's service execution role, to which `grant*(source, ...)` adds permissions. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The worker configuration (Secrets Manager config provider). */
  public readonly workerConfiguration: WorkerConfiguration;
  /** The plugin. */
  public readonly plugin: IConnectorPlugin;
  /** The connector configuration as deployed. */
  public readonly connectorConfiguration: { [key: string]: string };
  /** The schema-history topic. */
  public readonly schemaHistoryTopic: string;
  /** The topic prefix. */
  public readonly topicPrefix: string;
  /** The shape of the change events on the data topics. */
  public readonly changeEventFormat: ChangeEventFormat;
  /** The databases captured (`databaseIncludeList`: names or Debezium's regexes), when given. */
  public readonly capturedDatabases?: string[];
  /** The topic that keeps the connector's offsets across replacements. */
  public readonly offsetStorageTopic: string;
  /** What the connector does at run time, from which its role is built (or which a given `role` must allow). */
  public readonly permissions: ConnectorPermissions;

  constructor(scope: Construct, id: string, props: DebeziumMySqlSourceConnectorProps) {
    super(scope, id);
    const version = props.debeziumVersion ?? DebeziumVersion.V2_7;
    const v1 = version.major < 2;
    this.topicPrefix = props.topicPrefix;
    this.changeEventFormat = props.changeEventFormat ?? ChangeEventFormat.ROW;
    this.capturedDatabases = props.databaseIncludeList;
    if (!/^[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,199}$/.test(props.topicPrefix)) {
      throw new Error(`\`topicPrefix\` must be letters, digits, '.', '_' and '-' (not starting with '.'), got ${show(props.topicPrefix)}`);
    }
    checkIntegerRange('serverId', props.serverId, 1, 4294967295);
    this.claimServerId(props.serverId);
    checkIntegerRange('heartbeatIntervalMs', props.heartbeatIntervalMs, 0, 3_600_000);
    checkIntegerRange('topicPartitions', props.topicPartitions, 1, 1000);
    checkNotEmpty('databaseIncludeList', props.databaseIncludeList);
    checkNotEmpty('tableIncludeList', props.tableIncludeList);
    checkOneOf('sslMode', props.sslMode, Object.values(MySqlSslMode));
    this.checkIncludeLists(props);

    const capacity = props.capacity ?? ConnectorCapacity.provisioned({ mcuCount: 1, workerCount: 1 });
    if (capacity.isAutoScaled || capacity.maxWorkers !== 1) {
      throw new Error(`\`capacity\` must be provisioned with one worker: MSK Connect runs the Debezium MySQL connector on a single provisioned worker, got ${capacity.isAutoScaled ? 'autoscaled' : `${capacity.maxWorkers} workers`}`);
    }
    const connectVersion = props.kafkaConnectVersion ?? KafkaConnectVersion.V3_7_X;
    if (connectVersion.javaVersion < version.javaVersion) {
      throw new Error(`\`kafkaConnectVersion\` ${connectVersion.version} runs Java ${connectVersion.javaVersion}, but Debezium ${version.version} needs Java ${version.javaVersion}: use KafkaConnectVersion.V3_7_X`);
    }

    this.schemaHistoryTopic = props.schemaHistoryTopic ?? `schema-history.${props.topicPrefix}`;
    checkTopicName('schemaHistoryTopic', this.schemaHistoryTopic);
    // Debezium writes schema changes to `<prefix>` and data to `<prefix>.<db>.<table>`: a history topic among them
    // would mix other records into the history (which Debezium must read back whole) and into the sink's topics.
    if (isConnectorTopic(this.schemaHistoryTopic, props.topicPrefix, props.databaseIncludeList)) {
      throw new Error(`\`schemaHistoryTopic\` must not be \`topicPrefix\` or a data topic of \`databaseIncludeList\` ('<topicPrefix>.<database>.<table>'), got ${show(this.schemaHistoryTopic)}`);
    }
    const bootstrap = props.schemaHistoryBootstrapServers ?? props.cluster.bootstrapBrokersSaslIam;
    if (props.schemaHistoryBootstrapServers !== undefined && Token.isUnresolved(bootstrap)) {
      // A token of this app can still be told apart: another cluster's brokers, or this cluster's brokers of another
      // listener, resolve to another bootstrap attribute. The role may only connect to this cluster, over IAM.
      const stack = Stack.of(this);
      const given = JSON.stringify(stack.resolve(bootstrap));
      const expected = JSON.stringify(stack.resolve(props.cluster.bootstrapBrokersSaslIam));
      const attribute = /"Fn::GetAtt":\["([^"]+)","(BootstrapBrokerString\w*)"\]/.exec(given);
      if (attribute && given !== expected) {
        throw new Error(`\`schemaHistoryBootstrapServers\` must be the IAM bootstrap brokers of \`cluster\` (${show(props.cluster.node.path)}), got the ${attribute[2]} of ${attribute[1]}: the history clients authenticate with the connector's role, which may only connect to that cluster over IAM`);
      }
    }
    if (!Token.isUnresolved(bootstrap)) {
      const wrong = bootstrap.split(',').filter((hostPort) => !hostPort.trim().endsWith(`:${MskPorts.SASL_IAM}`));
      if (wrong.length > 0 || bootstrap.trim() === '') {
        throw new Error(`\`schemaHistoryBootstrapServers\` must be the cluster's IAM bootstrap brokers (port ${MskPorts.SASL_IAM}), got ${show(bootstrap)}`);
      }
    }

    const sourceVpc = recordedVpc(props.source);
    if (sourceVpc && differentVpcs(sourceVpc, props.vpc)) {
      throw new Error(`\`vpc\` ${describeVpc(props.vpc)} is not the VPC of \`source\` ${show(props.source.node.path)}, ${describeVpc(sourceVpc)}: Debezium reaches the database through security-group rules, which this library writes within one VPC; give the database's VPC`);
    }

    const secretName = props.source.cdcCredentials.secretName;
    const history = v1 ? 'database.history' : 'schema.history.internal';
    const config: { [key: string]: string } = {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'tasks.max': '1',
      'database.hostname': props.source.hostname,
      'database.port': String(props.source.port),
      'database.user': `\${secretsmanager:${secretName}:username}`,
      'database.password': `\${secretsmanager:${secretName}:password}`,
      'database.server.id': String(props.serverId),
      [v1 ? 'database.server.name' : 'topic.prefix']: props.topicPrefix,
      'database.ssl.mode': props.sslMode ?? MySqlSslMode.REQUIRED,
      'include.schema.changes': String(props.includeSchemaChanges ?? true),
      'heartbeat.interval.ms': String(props.heartbeatIntervalMs ?? 10000),
      [`${history}.kafka.topic`]: this.schemaHistoryTopic,
      [`${history}.kafka.bootstrap.servers`]: bootstrap,
      ...prefixed(`${history}.producer.`, IAM_CLIENT),
      ...prefixed(`${history}.consumer.`, IAM_CLIENT),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      // The topics Kafka Connect creates get the cluster's replication factor: known for an MskCluster (2 on a
      // 2-broker cluster), else -1, the broker's default.replication.factor (KIP-158; brokers 2.4 and later).
      'topic.creation.default.replication.factor': props.cluster.replication?.defaultReplicationFactor !== undefined ? String(props.cluster.replication.defaultReplicationFactor) : '-1',
      'topic.creation.default.partitions': String(props.topicPartitions ?? 1),
    };
    if (props.databaseIncludeList) {
      config['database.include.list'] = props.databaseIncludeList.join(',');
    }
    if (props.tableIncludeList) {
      config['table.include.list'] = props.tableIncludeList.join(',');
    }
    if (this.changeEventFormat === ChangeEventFormat.ROW) {
      Object.assign(config, rowFormat(version));
    } else if (this.changeEventFormat !== ChangeEventFormat.ENVELOPE) {
      throw new Error(`\`changeEventFormat\` must be one of ${Object.values(ChangeEventFormat).map(show).join(', ')}, got ${show(this.changeEventFormat)}`);
    }
    // The history clients' settings go through Debezium's pass-through prefixes (`<history>.producer.` / `.consumer.`).
    const written: WrittenKey[] = Object.keys(config).map((key) => ({ key, prop: propOfKey(key), passThrough: /\.(producer|consumer)\./.test(key) }));
    for (const [key, value] of Object.entries(props.additionalProperties ?? {})) {
      if (key in config) {
        throw new Error(`\`additionalProperties\` cannot set ${show(key)}: a typed prop of DebeziumMySqlSourceConnector sets it`);
      }
      config[key] = value;
      written.push({ key, prop: 'additionalProperties', passThrough: true });
    }
    checkDebeziumKeys(version, written, config['transforms.unwrap.type']);
    checkNoLiteralSecrets('additionalProperties', props.additionalProperties ?? {});
    checkNoSecretsInValues('additionalProperties', props.additionalProperties ?? {});
    // A user name too (the connector's own check would name `connectorConfiguration`, which the user did not write).
    for (const [key, value] of Object.entries(props.additionalProperties ?? {})) {
      checkNoSecretInText(`\`additionalProperties\` ${show(key)}`, value);
    }
    checkDebeziumValues('additionalProperties', props.additionalProperties ?? {});
    if (this.changeEventFormat === ChangeEventFormat.ROW) {
      for (const key of Object.keys(props.additionalProperties ?? {})) {
        if (key.startsWith('transforms.unwrap.') || ROW_VALUE_SETTINGS.includes(key)) {
          throw new Error(`\`additionalProperties\` cannot set ${show(key)} with \`changeEventFormat\` ChangeEventFormat.ROW: it changes the change rows that the sink applies and createTableStatement types (use ChangeEventFormat.ENVELOPE to shape events yourself)`);
        }
      }
    }
    this.connectorConfiguration = config;

    if ((props.plugin === undefined) === (props.release === undefined)) {
      throw new Error(`give exactly one of \`plugin\` and \`release\`, got ${props.plugin ? 'both' : 'neither'}`);
    }
    this.plugin = props.plugin ?? new ConnectorPlugin(this, 'Plugin', {
      description: `Debezium MySQL ${version.version} with the MSK config provider`,
      source: namingUserProps({
        'sha256': 'release.sha256',
        'extraArtifacts[0]': 'release.configProvider',
        ...Object.fromEntries((props.release!.extraArtifacts ?? []).map((_a, i) => [`extraArtifacts[${i + 1}]`, `release.extraArtifacts[${i}]`])),
      }, () => PluginSource.fromUrl({
        url: version.pluginUrl,
        sha256: props.release!.sha256,
        extraArtifacts: [props.release!.configProvider, ...props.release!.extraArtifacts ?? []],
      })),
      // The fetch handler runs beside the workers: in their private subnets, out through the NAT gateways (when the
      // subnets have them).
      ...fetchHandlerPlacement(props.vpc, selectPrivateSubnets(props.vpc, props.vpcSubnets).subnets, props.vpcSubnets),
    });
    this.offsetStorageTopic = props.offsetStorageTopic ?? `__amazon_msk_connect_offsets_${props.connectorName}`;
    const offsetsAmongOwnTopics = isConnectorTopic(this.offsetStorageTopic, props.topicPrefix, props.databaseIncludeList);
    if (this.offsetStorageTopic === this.schemaHistoryTopic || offsetsAmongOwnTopics) {
      throw new Error(`\`offsetStorageTopic\` must not be the schema-history topic, \`topicPrefix\` or a data topic of \`databaseIncludeList\` ('<topicPrefix>.<database>.<table>'), got ${show(this.offsetStorageTopic)}`);
    }
    // Debezium docs: the history topic is for one connector only; Kafka Connect: one offset topic per source; two
    // connectors with one topic prefix write the same topics and consumer group (`<prefix>-schemahistory`).
    const owner = this.node.path;
    claimUnique(TOPIC_PREFIXES, props.cluster, 'topicPrefix', props.topicPrefix, owner,
      'their change events and schema-history consumer groups would mix; give each connector its own prefix');
    claimUnique(HISTORY_TOPICS, props.cluster, 'schemaHistoryTopic', this.schemaHistoryTopic, owner,
      'Debezium\'s schema history topic belongs to one connector (each would recover the other\'s DDL)');
    claimUnique(OFFSET_TOPICS, props.cluster, 'offsetStorageTopic', this.offsetStorageTopic, owner,
      'each source connector needs its own offset topic, or one resumes from the other\'s binlog position');
    this.workerConfiguration = new WorkerConfiguration(this, 'WorkerConfiguration', {
      description: `Workers of Debezium source ${props.connectorName}`,
      secretsManagerConfigProvider: true,
      offsetStorageTopic: this.offsetStorageTopic,
    });

    const dataTopics = [props.topicPrefix, `${props.topicPrefix}.*`];
    // With heartbeats on, Debezium also writes <heartbeat prefix>.<topic prefix> (Debezium's topic naming strategy;
    // the prefix is `topic.heartbeat.prefix` in 2.x and 3.x, `heartbeat.topics.prefix` in 1.x).
    const heartbeatPrefix = config[v1 ? 'heartbeat.topics.prefix' : 'topic.heartbeat.prefix'] ?? '__debezium-heartbeat';
    const heartbeatTopics = Number(config['heartbeat.interval.ms']) > 0 ? [`${heartbeatPrefix}.${props.topicPrefix}`] : [];
    heartbeatTopics.forEach((t) => checkTopicName('additionalProperties', t));
    // MSK Connect's own topics (__amazon_msk_connect_*) are granted to every connector; another name is granted here.
    const offsetTopics = this.offsetStorageTopic.startsWith('__amazon_msk_connect_') ? [] : [this.offsetStorageTopic];
    this.permissions = {
      writeTopics: [...dataTopics, ...heartbeatTopics, this.schemaHistoryTopic, ...offsetTopics],
      readTopics: [this.schemaHistoryTopic, ...offsetTopics],
      createTopics: [...dataTopics, ...heartbeatTopics, this.schemaHistoryTopic, ...offsetTopics],
      // The schema history checks its topic's retention and cleanup policy at start.
      describeTopicConfigurations: [this.schemaHistoryTopic],
      consumerGroups: [v1 ? `${props.topicPrefix}-dbhistory` : `${props.topicPrefix}-schemahistory`],
      // Debezium reads broker settings to pick the history topic's replication factor (as the MSK Connect blog grants).
      describeClusterDynamicConfiguration: true,
      // Kafka 3.x producers are idempotent by default; granted deliberately rather than turned off.
      idempotentWrites: true,
      secrets: [props.source.cdcCredentials],
      secretKeys: props.source.cdcCredentialsKey && !props.source.cdcCredentials.encryptionKey ? [props.source.cdcCredentialsKey] : undefined,
    };
    const roleOwner = props.role?.node.scope;
    if (roleOwner instanceof LeastPrivilegeConnectorRole) {
      checkRoleFits(roleOwner, props.connectorName, props.cluster, this.permissions);
    }
    this.connector = new MskConnector(this, 'Connector', {
      cluster: props.cluster,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      connectorName: props.connectorName,
      plugin: this.plugin,
      connectorConfiguration: config,
      capacity,
      kafkaConnectVersion: connectVersion,
      workerConfiguration: this.workerConfiguration,
      permissions: props.role ? undefined : this.permissions,
      role: props.role,
      logging: props.logging,
      alarms: connectorAlarms(props),
      description: 'Debezium MySQL source (msk-clickhouse-pipeline)',
    });
    this.grantPrincipal = this.connector.grantPrincipal;
    this.connector.allowToResource(props.source, props.source.port,
      `MSK Connect workers of ${props.connectorName} to the CDC source database (MySQL over TLS)`, `database ${show(props.source.node.path)}`);
    if ((props.sslMode ?? MySqlSslMode.REQUIRED) === MySqlSslMode.REQUIRED) {
      acknowledgeChecklistItem(this.connector, 57, 'database.ssl.mode=required encrypts the connection to MySQL but does not verify the server: verify_ca and verify_identity need a truststore with the RDS CA on the workers, which this construct does not provide yet. Residual risk: whoever can redirect the workers\' traffic inside the VPC could impersonate the database and learn the Debezium password, whose user may only read the captured databases and the binlog.');
    }
  }

  /**
   * Include lists: Debezium regexes that must compile; a table entry must name a database, and one that the
   * database list includes (Debezium applies both lists: a table outside the included databases is never captured);
   * the databases must be ones the source's Debezium user may read (else the snapshot fails on SELECT).
   */
  private checkIncludeLists(props: DebeziumMySqlSourceConnectorProps): void {
    const dbs = props.databaseIncludeList;
    const tables = props.tableIncludeList;
    checkDebeziumRegexList('databaseIncludeList', dbs);
    checkDebeziumRegexList('tableIncludeList', tables);
    checkNoRepeats('`databaseIncludeList`', dbs);
    checkNoRepeats('`tableIncludeList`', tables);
    for (const db of dbs ?? []) {
      checkNotSystemDatabase('databaseIncludeList', db, 'Debezium skips MySQL\'s own databases (table.ignore.builtin), so it would capture nothing');
    }
    for (const table of tables ?? []) {
      if (Token.isUnresolved(table)) {
        continue;
      }
      if (isLiteralName(table) && literalDatabaseOf(table) === undefined) {
        throw new Error(`\`tableIncludeList\` entries must be '<database>.<table>' (Debezium matches the fully-qualified name), got ${show(table)}`);
      }
      const db = literalDatabaseOf(table);
      const resolvedDbs = (dbs ?? []).filter((d) => !Token.isUnresolved(d));
      if (db !== undefined && dbs && resolvedDbs.length === dbs.length && !dbs.some((d) => debeziumMatches(d, db))) {
        throw new Error(`\`tableIncludeList\` entry ${show(table)} is in database ${show(db)}, which \`databaseIncludeList\` (${dbs.map(show).join(', ')}) does not include: Debezium would capture nothing of it`);
      }
      // Kafka topic names are at most 249 characters: `<prefix>.<db>.<table>`.
      if (isLiteralName(table) && db !== undefined) {
        const topic = `${props.topicPrefix}.${table.replace(/\\\./g, '.')}`;
        if (topic.length > 249) {
          throw new Error(`\`topicPrefix\` and \`tableIncludeList\` entry ${show(table)} make the topic ${show(topic)} of ${topic.length} characters: Kafka topic names are at most 249`);
        }
      }
    }
    if (props.source instanceof AuroraMySqlCdcSource) {
      const readable = props.source.capturedDatabases;
      if (readable && !readable.some((d) => Token.isUnresolved(d))) {
        if (!dbs) {
          throw new Error(`\`databaseIncludeList\` must be given when \`source\` limits its Debezium user to \`capturedDatabases\` (${readable.map(show).join(', ')}): Debezium would snapshot every database and fail on the others`);
        }
        for (const db of dbs.filter((d) => !Token.isUnresolved(d))) {
          if (!readable.some((r) => debeziumMatches(db, r))) {
            throw new Error(`\`databaseIncludeList\` entry ${show(db)} matches none of the source's \`capturedDatabases\` (${readable.map(show).join(', ')}): the Debezium user may not read it, so the snapshot would fail`);
          }
        }
      }
      const heartbeat = props.heartbeatIntervalMs;
      const hours = props.source.binlogRetentionHours;
      if (heartbeat !== undefined && !Token.isUnresolved(heartbeat) && !Token.isUnresolved(hours) && heartbeat >= hours * 3_600_000) {
        throw new Error(`\`heartbeatIntervalMs\` must be shorter than the source's \`binlogRetentionHours\` (${hours} hours): a quiet connector's offset would fall behind the purged binlog, got ${heartbeat}`);
      }
    }
  }

  private claimServerId(serverId: number): void {
    const root = this.node.root;
    const ids = SERVER_IDS.get(root) ?? new Map<number, string>();
    SERVER_IDS.set(root, ids);
    const owner = ids.get(serverId);
    if (owner !== undefined) {
      throw new Error(`\`serverId\` ${serverId} is already used by connector ${show(owner)}: every binlog client of a source needs its own id`);
    }
    ids.set(serverId, this.node.path);
  }
}

/**
 * Whether `topic` is the schema-change topic (`<prefix>`) or a data topic (`<prefix>.<db>.<table>`) of a database
 * `databaseIncludeList` includes (when it is not given, any database may be captured).
 */
function isConnectorTopic(topic: string, prefix: string, databases: string[] | undefined): boolean {
  if (Token.isUnresolved(topic) || Token.isUnresolved(prefix)) {
    return false;
  }
  if (topic === prefix) {
    return true;
  }
  if (!topic.startsWith(`${prefix}.`)) {
    return false;
  }
  const m = /^([^.]+)\.[^.]+/.exec(topic.slice(prefix.length + 1));
  return m !== null && (databases === undefined || databases.some((d) => !Token.isUnresolved(d) && debeziumMatches(d, m[1])));
}

/** Debezium's release whose property set stands for `version`: the one of the same release line (`2.7.x` → 2.7.4). */
function keyRelease(version: DebeziumVersion): string {
  const line = version.number.split('.').slice(0, 2).join('.');
  const known = DEBEZIUM_MYSQL_KEYS.releases.find((r) => r.startsWith(`${line}.`));
  if (!known) {
    throw new Error(`\`debeziumVersion\` ${show(version.version)} is not of a release line this library knows the properties of (${DEBEZIUM_MYSQL_KEYS.releases.map((r) => r.split('.').slice(0, 2).join('.') + '.x').join(', ')})`);
  }
  return known;
}

/**
 * Every key the connector would write is one the Debezium release accepts, and so is every option of the `unwrap`
 * transform while it is ExtractNewRecordState (with ChangeEventFormat.ENVELOPE the user may name another SMT `unwrap`).
 */
function checkDebeziumKeys(version: DebeziumVersion, written: WrittenKey[], unwrapType: string | undefined): void {
  const release = keyRelease(version);
  const options = EXTRACT_NEW_RECORD_STATE_OPTIONS[release];
  const extractNewRecordState = unwrapType === undefined || unwrapType === 'io.debezium.transforms.ExtractNewRecordState';
  for (const { key, prop } of written) {
    const m = /^transforms\.unwrap\.(.+)$/.exec(key);
    if (extractNewRecordState && m && m[1] !== 'type' && !options.includes(m[1])) {
      throw new Error(`\`${prop}\` (property ${show(key)}) is not an option of ExtractNewRecordState in Debezium ${release}`);
    }
  }
  checkReleaseAccepts(DEBEZIUM_MYSQL_KEYS, SOURCE_FRAMEWORK, release, written);
}

/** The prop a key the construct writes comes from, for messages. */
function propOfKey(key: string): string {
  const props: { [key: string]: string } = {
    'database.server.name': 'topicPrefix',
    'topic.prefix': 'topicPrefix',
    'database.server.id': 'serverId',
    'database.ssl.mode': 'sslMode',
    'include.schema.changes': 'includeSchemaChanges',
    'heartbeat.interval.ms': 'heartbeatIntervalMs',
    'database.include.list': 'databaseIncludeList',
    'table.include.list': 'tableIncludeList',
    'decimal.handling.mode': 'changeEventFormat',
  };
  if (key.startsWith('transforms')) {
    return 'changeEventFormat';
  }
  return props[key] ?? (key.includes('history') ? 'schemaHistoryTopic' : key.startsWith('database.') ? 'source' : 'debeziumVersion');
}

/**
 * The row format: Debezium's ExtractNewRecordState keeps the row after the change (the row before it for a delete,
 * marked `__deleted: 'true'`), adds `__op` and `__source_ts_ms`, and drops Debezium's tombstones. Debezium 2.5
 * replaced `delete.handling.mode` + `drop.tombstones` by `delete.tombstone.handling.mode` (`rewrite` also drops
 * tombstones). Decimals become strings, so no JSON reader sees Debezium's base64 of the unscaled bytes.
 */
function rowFormat(version: DebeziumVersion): { [key: string]: string } {
  const unwrap = 'transforms.unwrap.';
  return {
    'transforms': 'unwrap',
    [`${unwrap}type`]: 'io.debezium.transforms.ExtractNewRecordState',
    ...(version.isAtLeast('2.5.0')
      ? { [`${unwrap}delete.tombstone.handling.mode`]: 'rewrite' }
      : { [`${unwrap}delete.handling.mode`]: 'rewrite', [`${unwrap}drop.tombstones`]: 'true' }),
    [`${unwrap}add.fields`]: 'op,source.ts_ms',
    'decimal.handling.mode': 'string',
  };
}

function prefixed(prefix: string, values: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}
