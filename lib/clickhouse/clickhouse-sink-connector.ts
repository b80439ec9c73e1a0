import { Annotations, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CapturedTable, ChangeEventFormat, ChangeTable, IChangeEventSource } from '../connect/change-events';
import { ConnectorCapacity, KafkaConnectVersion } from '../connect/connector-capacity';
import { ConnectorPlugin, IConnectorPlugin, PluginArtifact, PluginSource } from '../connect/connector-plugin';
import { ConnectorPermissions, LeastPrivilegeConnectorRole } from '../connect/connector-role';
import { ConnectorAlarms, MskConnector } from '../connect/msk-connector';
import { IWorkerConfiguration, WorkerConfiguration } from '../connect/worker-configuration';
import { IMskCluster } from '../msk/cluster-ref';
import { LogDelivery } from '../msk/log-delivery';
import { debeziumMatches } from '../private/checks-cdc';
import {
  checkClickHouseName, checkJavaClass, checkJavaRegex, checkNoLiteralSecrets, checkNoSecretInText, checkNoUrlCredentials, checkRoleFits, coveredBy,
  connectorAlarms, literalPrefixes,
} from '../private/checks-connect';
import { cidrContains, parseCidr } from '../private/cidr';
import { CLICKHOUSE_SINK_KEYS } from '../private/clickhouse-sink-keys';
import { fetchHandlerPlacement } from '../private/connectivity';
import { checkReleaseAccepts, knownRelease, SINK_FRAMEWORK, WrittenKey } from '../private/release-properties';
import { egressRestrictedSecurityGroup } from '../private/secure-defaults';
import { selectPrivateSubnets } from '../private/subnets';
import { checkIntegerAtLeast, checkIntegerRange, checkNoRepeats, checkNotEmpty, checkOneOf, checkTopicName, escapeRegExp, namingUserProps, show } from '../private/validation';

const CLICKHOUSE_SINK_CONNECTOR_CLASS = 'com.clickhouse.kafka.connect.ClickHouseSinkConnector';

/** Options of a ClickHouse Cloud endpoint. */
export interface ClickHouseCloudEndpointOptions {
  /** Host name of the service, without scheme or port (`abc123.eu-west-1.aws.clickhouse.cloud`). */
  readonly hostname: string;

  /**
   * HTTPS port.
   * @default 8443
   */
  readonly port?: number;
}

/** Options of a ClickHouse Cloud endpoint reached over AWS PrivateLink. */
export interface ClickHousePrivateLinkEndpointOptions {
  /**
   * The ClickHouse Cloud VPC endpoint service of the service's region, as ClickHouse Cloud's private endpoint config
   * names it (`endpointServiceId`, `com.amazonaws.vpce.<region>.vpce-svc-<id>`). It must be in the stack's region.
   */
  readonly vpcEndpointServiceName: string;

  /**
   * The service's private DNS host name (ClickHouse Cloud's `privateDnsHostname`,
   * `<id>.<region>.vpce.aws.clickhouse.cloud`). The interface endpoint is created with private DNS, so this name
   * resolves to it inside the VPC; the public host name would go out through the NAT gateway, where the sink's
   * security group lets nothing through.
   */
  readonly hostname: string;

  /**
   * HTTPS port.
   * @default 8443
   */
  readonly port?: number;
}

/** Options of a self-hosted ClickHouse endpoint. */
export interface SelfHostedClickHouseEndpointOptions {
  /** Host name or IP of the server, without scheme or port. */
  readonly hostname: string;

  /**
   * Whether to speak HTTPS. Plain HTTP (`false`) sends the credentials and the data unencrypted: it is an explicit
   * opt-in, and only towards a `peer` inside your network (never the internet).
   * @default true
   */
  readonly ssl?: boolean;

  /**
   * Port of the server's HTTP(S) interface.
   * @default 8443 with `ssl`, 8123 without
   */
  readonly port?: number;

  /**
   * Where the server is, for the connector's egress rule (a security group, a CIDR or a prefix list). Required with
   * `ssl: false`.
   * @default - anywhere (`0.0.0.0/0`) on that port, through the NAT gateway (HTTPS only)
   */
  readonly peer?: ec2.IPeer;
}

/**
 * Where the sink writes: ClickHouse Cloud over HTTPS, or a self-hosted server over HTTP or HTTPS. The sink speaks
 * HTTP(S) only (never the native protocol on 9440).
 */
export class ClickHouseEndpoint {
  /** A ClickHouse Cloud service: HTTPS on 8443, reached through the NAT gateway. */
  public static cloud(options: ClickHouseCloudEndpointOptions): ClickHouseEndpoint {
    checkHostname(options.hostname);
    const port = options.port ?? 8443;
    checkIntegerRange('port', port, 1, 65535);
    if (!Token.isUnresolved(port) && port !== 8443) {
      throw new Error(`\`port\` of a ClickHouse Cloud endpoint must be 8443 (HTTPS), got ${port}`);
    }
    return new ClickHouseEndpoint(options.hostname, port, true, ec2.Peer.anyIpv4(), true);
  }

  /**
   * A ClickHouse Cloud service reached over AWS PrivateLink: the sink creates an interface VPC endpoint to the service's
   * endpoint service in the workers' subnets, with private DNS and a security group of its own that admits only the
   * workers, and the workers' HTTPS egress goes to that group, not to the internet. Register the endpoint's id
   * (`ClickHouseSinkConnector.clickHouseVpcEndpoint`) in the service's private endpoint allow list in ClickHouse Cloud.
   *
   * MSK Connect resolves host names with the VPC's DHCP option set (the VPC resolver by default) for connectors created
   * since it supports private DNS host names (MSK developer guide, msk-connect-dns-config-dhcp); the VPC needs DNS
   * support and DNS host names on (`PrivateSubnetWithNat` turns both on).
   */
  public static privateLink(options: ClickHousePrivateLinkEndpointOptions): ClickHouseEndpoint {
    checkHostname(options.hostname);
    if (!Token.isUnresolved(options.hostname) && !options.hostname.toLowerCase().endsWith('.vpce.aws.clickhouse.cloud')) {
      throw new Error(`\`hostname\` of a PrivateLink endpoint must be the service's private DNS host name ('<id>.<region>.vpce.aws.clickhouse.cloud'); its public name resolves to the internet, got ${show(options.hostname)}`);
    }
    const name = options.vpcEndpointServiceName;
    if (!Token.isUnresolved(name) && !/^com\.amazonaws\.vpce\.[a-z]{2}(-[a-z]+)+-\d\.vpce-svc-[0-9a-f]{8,17}$/.test(name)) {
      throw new Error(`\`vpcEndpointServiceName\` must be a VPC endpoint service name ('com.amazonaws.vpce.<region>.vpce-svc-<id>'), got ${show(name)}`);
    }
    const port = options.port ?? 8443;
    checkIntegerRange('port', port, 1, 65535);
    if (!Token.isUnresolved(port) && port !== 8443) {
      throw new Error(`\`port\` of a ClickHouse Cloud endpoint must be 8443 (HTTPS), got ${port}`);
    }
    // The peer is the interface endpoint's security group, known only once the sink creates it.
    return new ClickHouseEndpoint(options.hostname, port, true, ec2.Peer.anyIpv4(), true, name);
  }

  /**
   * A self-hosted server: HTTPS (8443 by default), or — as an explicit opt-in with `ssl: false` and a `peer` inside
   * your network — plain HTTP (8123 by default).
   */
  public static selfHosted(options: SelfHostedClickHouseEndpointOptions): ClickHouseEndpoint {
    checkHostname(options.hostname);
    const ssl = options.ssl ?? true;
    const anywhere = [ec2.Peer.anyIpv4().uniqueId, ec2.Peer.anyIpv6().uniqueId];
    if (!ssl && (options.peer === undefined || anywhere.includes(options.peer.uniqueId))) {
      throw new Error(`\`ssl: false\` sends the ClickHouse credentials and rows in plain text, so \`peer\` must be the server inside your network (a security group, a private CIDR or a prefix list), not the internet, got ${options.peer === undefined ? 'no `peer` (anywhere)' : show(options.peer.uniqueId)}`);
    }
    // A CIDR peer must be private (RFC 1918, or RFC 6598's shared space that VPCs may use): a public one is a server
    // reached across the internet, where plain HTTP exposes the credentials on the way.
    const cidr = !ssl && options.peer && !Token.isUnresolved(options.peer.uniqueId) ? parseCidr(options.peer.uniqueId) : undefined;
    const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((r) => parseCidr(r)!);
    if (cidr && !privateRanges.some((r) => cidrContains(r, cidr))) {
      throw new Error(`\`ssl: false\` sends the ClickHouse credentials and rows in plain text, so \`peer\` must be a private address range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10), not a public one, got ${show(cidr.text)}`);
    }
    const port = options.port ?? (ssl ? 8443 : 8123);
    checkIntegerRange('port', port, 1, 65535);
    if (!Token.isUnresolved(port) && ssl && port === 8123) {
      throw new Error('`port` 8123 is ClickHouse\'s plain HTTP port, but `ssl` is true; give the HTTPS port, got 8123');
    }
    if (!Token.isUnresolved(port) && !ssl && port === 8443) {
      throw new Error('`port` 8443 is ClickHouse\'s HTTPS port, but `ssl` is false; set `ssl: true` or give the HTTP port, got 8443');
    }
    return new ClickHouseEndpoint(options.hostname, port, ssl, options.peer ?? ec2.Peer.anyIpv4(), false);
  }

  private constructor(
    /** Host name. */
    public readonly hostname: string,
    /** Port. */
    public readonly port: number,
    /** Whether the sink uses HTTPS. */
    public readonly ssl: boolean,
    /** Egress peer. */
    public readonly peer: ec2.IPeer,
    /** Whether this is ClickHouse Cloud. */
    public readonly isCloud: boolean,
    /** The VPC endpoint service, when the service is reached over AWS PrivateLink. */
    public readonly vpcEndpointServiceName?: string,
  ) {}
}

function checkHostname(hostname: string): void {
  if (Token.isUnresolved(hostname)) {
    return;
  }
  if (hostname.includes('://')) {
    throw new Error(`\`hostname\` must not contain a scheme (the sink builds the URL from \`ssl\`), got ${show(hostname)}`);
  }
  if (hostname.includes('@')) {
    throw new Error(`\`hostname\` must not carry credentials ('user:password@'): it is stored in plain text; give them in \`credentials\`, got ${show(hostname.replace(/^.*@/, '***@'))}`);
  }
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$/.test(hostname)) {
    throw new Error(`\`hostname\` must be a host name or IPv4 address without port or path, got ${show(hostname)}`);
  }
}

/** Converter settings of the record values. */
export class SinkValueFormat {
  /** JSON without schemas (the ClickHouse guide's choice): `JsonConverter`, `schemas.enable=false`. */
  public static jsonSchemaless(): SinkValueFormat {
    return new SinkValueFormat({
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    });
  }

  /** Plain strings (`StringConverter`), for `insertFormat` CSV/TSV/JSON. */
  public static string(): SinkValueFormat {
    return new SinkValueFormat({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' });
  }

  /** Avro with a Confluent-compatible schema registry (the converter JARs must be in the plugin). */
  public static avro(schemaRegistryUrl: string): SinkValueFormat {
    return SinkValueFormat.withRegistry('io.confluent.connect.avro.AvroConverter', schemaRegistryUrl);
  }

  /** Protobuf with a Confluent-compatible schema registry (the converter JARs must be in the plugin). */
  public static protobuf(schemaRegistryUrl: string): SinkValueFormat {
    return SinkValueFormat.withRegistry('io.confluent.connect.protobuf.ProtobufConverter', schemaRegistryUrl);
  }

  /** JSON Schema with a Confluent-compatible schema registry (the converter JARs must be in the plugin). */
  public static jsonSchema(schemaRegistryUrl: string): SinkValueFormat {
    return SinkValueFormat.withRegistry('io.confluent.connect.json.JsonSchemaConverter', schemaRegistryUrl);
  }

  /** Any converter and its `value.converter.*` settings. */
  public static custom(converterClass: string, settings: { [key: string]: string } = {}): SinkValueFormat {
    checkJavaClass('`converterClass`', converterClass);
    // Confluent converters: basic.auth.user.info is 'user:password'; the registry URL may carry credentials too.
    checkNoLiteralSecrets('settings', settings);
    for (const [key, value] of Object.entries(settings)) {
      if (key.endsWith('url')) {
        checkNoUrlCredentials(`settings.${key}`, value);
      }
    }
    return new SinkValueFormat({
      'value.converter': converterClass,
      ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`value.converter.${k}`, v])),
    });
  }

  private static withRegistry(converter: string, url: string): SinkValueFormat {
    if (!Token.isUnresolved(url) && !/^https:\/\/\S+$/.test(url)) {
      throw new Error(`\`schemaRegistryUrl\` must be an https:// URL, got ${show(url)}`);
    }
    checkNoUrlCredentials('schemaRegistryUrl', url);
    return new SinkValueFormat({ 'value.converter': converter, 'value.converter.schema.registry.url': url });
  }

  private constructor(
    /** The converter properties. */
    public readonly properties: { [key: string]: string },
  ) {}
}

/** What the sink does with records it cannot write. */
export enum ErrorTolerance {
  /** Stop the task on the first bad record (Kafka Connect's default). */
  NONE = 'none',
  /** Skip bad records (to the dead-letter queue when one is set). */
  ALL = 'all',
}

/** ClickHouse client generation the sink uses. */
export enum ClickHouseClientVersion {
  /** The first client (the sink's default). */
  V1 = 'V1',
  /** The second-generation client. */
  V2 = 'V2',
}

/** A dead-letter queue for records the sink skips. */
export interface DeadLetterQueue {
  /** Topic name. */
  readonly topicName: string;

  /**
   * Replication factor Kafka Connect uses if it creates the topic; at most the cluster's broker count.
   * @default - the cluster's default replication factor (3, or 2 on a 2-broker `MskCluster`); 3 for an imported cluster
   */
  readonly replicationFactor?: number;

  /**
   * Add the error context (exception, original topic/partition/offset) as record headers.
   * @default true
   */
  readonly contextHeaders?: boolean;
}

/** A topic regex and the IAM topic-name pattern that covers it. */
export interface TopicsRegex {
  /** The regex of topics to consume (`topics.regex`). */
  readonly regex: string;

  /** The topic-name pattern for the role (a prefix ending in `*`, e.g. `orders-*`) that covers every match. */
  readonly permissionPattern: string;
}

/** A single message transform. */
export interface SinkTransform {
  /** Alias of the transform (`transforms=<name>`). */
  readonly name: string;

  /** Its class (e.g. `com.clickhouse.kafka.connect.transforms.KeyToValue`). */
  readonly type: string;

  /**
   * Its settings, without the `transforms.<name>.` prefix.
   * @default - none
   */
  readonly properties?: { [key: string]: string };
}

/** The official ClickHouse Kafka Connect release to install as the plugin. */
export interface ClickHouseSinkRelease {
  /** Release version, 1.1.0 or later (earlier releases lack dependencies MSK Connect needs), e.g. `1.3.5`. */
  readonly version: string;

  /** SHA-256 of the release ZIP `clickhouse-kafka-connect-v<version>.zip`. */
  readonly sha256: string;

  /**
   * The MSK config provider JAR (Secrets Manager), bundled into the plugin ZIP so `${secretsmanager:...}` works.
   */
  readonly configProvider: PluginArtifact;
}

/** Properties of {@link ClickHouseSinkConnector}. */
export interface ClickHouseSinkConnectorProps {
  /** The MSK cluster to read from. */
  readonly cluster: IMskCluster;

  /** The VPC of the workers. */
  readonly vpc: ec2.IVpc;

  /**
   * Private subnets of the workers, which route 0.0.0.0/0 to a NAT gateway.
   * @default - the VPC's private subnets with egress; required when the VPC has none (e.g. an existing VPC extended by `PrivateSubnetWithNat`: pass its `privateSubnetSelection`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Name of the connector (1–100 letters, digits and hyphens); its consumer group is `connect-<name>`. Changing it
   * replaces the connector and starts a new consumer group (see `MskConnector`).
   */
  readonly connectorName: string;

  /** Where to write. */
  readonly endpoint: ClickHouseEndpoint;

  /**
   * Secret holding the ClickHouse credentials as JSON (`{"username": "...", "password": "..."}`), read by the
   * workers through the Secrets Manager config provider. Use a secret encrypted with a customer-managed key.
   */
  readonly credentials: secretsmanager.ISecret;

  /**
   * The key of `credentials`, when the secret is imported (an imported secret does not know its key); the role gets
   * `kms:Decrypt` on it through Secrets Manager.
   * @default - `credentials.encryptionKey`
   */
  readonly credentialsKey?: kms.IKey;

  /**
   * JSON field of the user name in `credentials`.
   * @default 'username'
   */
  readonly usernameField?: string;

  /**
   * JSON field of the password in `credentials`.
   * @default 'password'
   */
  readonly passwordField?: string;

  /**
   * The plugin: any custom plugin holding the sink and the MSK config provider. Give this or `release`.
   * @default - built from `release`
   */
  readonly plugin?: IConnectorPlugin;

  /**
   * The official release to fetch at deploy time (checksum-verified) as the plugin. Give this or `plugin`.
   * @default - `plugin` is used
   */
  readonly release?: ClickHouseSinkRelease;

  /**
   * Topics to consume. Give this or `topicsRegex`.
   * @default - `topicsRegex` is used
   */
  readonly topics?: string[];

  /**
   * Topics to consume by regex. Give this or `topics`.
   * @default - `topics` is used
   */
  readonly topicsRegex?: TopicsRegex;

  /**
   * Database to write to (the KeeperMap state table of exactly-once lives there too).
   * @default 'default'
   */
  readonly database?: string;

  /**
   * Exactly-once delivery through a KeeperMap state table in ClickHouse. Self-hosted servers need
   * `keeper_map_path_prefix` configured.
   * @default true for ClickHouse Cloud (as in the ClickHouse guide), false for self-hosted servers
   */
  readonly exactlyOnce?: boolean;

  /**
   * Table per topic when they differ (`topic2TableMap`).
   * @default - table name = topic name
   */
  readonly topicToTableMap?: { [topic: string]: string };

  /**
   * ClickHouse settings sent with each insert (`clickhouseSettings`).
   * @default - none
   */
  readonly clickhouseSettings?: { [key: string]: string };

  /**
   * Extra JDBC-style URL parameters (`jdbcConnectionProperties`), starting with `?`.
   * @default - none
   */
  readonly jdbcConnectionProperties?: string;

  /**
   * ClickHouse client generation.
   * @default - the sink's default (V1)
   */
  readonly clientVersion?: ClickHouseClientVersion;

  /**
   * Behaviour on bad records. Always emitted.
   * @default ErrorTolerance.NONE
   */
  readonly errorTolerance?: ErrorTolerance;

  /**
   * Dead-letter queue for skipped records; needs `errorTolerance: ALL`. The role gets write (and create) access to it.
   * @default - no dead-letter queue
   */
  readonly deadLetterQueue?: DeadLetterQueue;

  /**
   * How long Kafka Connect retries a failed operation, in milliseconds (`errors.retry.timeout`).
   * @default - Kafka Connect's default (0: no retry)
   */
  readonly errorsRetryTimeoutMs?: number;

  /**
   * Retries of a failed insert (3–10).
   * @default - the sink's default (3)
   */
  readonly retryCount?: number;

  /**
   * Timeout of ClickHouse operations in seconds (0–600).
   * @default - the sink's default (30)
   */
  readonly timeoutSeconds?: number;

  /**
   * Seconds between table-metadata refreshes (0–600).
   * @default - the sink's default (0)
   */
  readonly tableRefreshIntervalSeconds?: number;

  /**
   * Insert timeout of the ClickHouse client in milliseconds (at least 100; keep it below `max.poll.interval.ms`).
   * @default - the sink's default (240000)
   */
  readonly clickhouseClientInsertTimeoutMs?: number;

  /**
   * Records buffered before an insert (0 disables buffering).
   * @default - the sink's default (0)
   */
  readonly bufferCount?: number;

  /**
   * Milliseconds to buffer before an insert; must be 0 with exactly-once.
   * @default - the sink's default (0)
   */
  readonly bufferFlushTimeMs?: number;

  /**
   * Batch across partitions; must be false with exactly-once.
   * @default - the sink's default (false)
   */
  readonly ignorePartitionsWhenBatching?: boolean;

  /**
   * KeeperMap root path of the exactly-once state (`zkPath`), starting with `/`.
   * @default - the sink's default (`/kafka-connect`)
   */
  readonly keeperMapPath?: string;

  /**
   * Name of the exactly-once state table (`zkDatabase`).
   * @default - the sink's default (`connect_state`)
   */
  readonly keeperMapTable?: string;

  /**
   * Cluster for `ON CLUSTER` when creating the state table on a self-hosted cluster (`keeperOnCluster`).
   * @default - none
   */
  readonly keeperOnCluster?: string;

  /**
   * Split topic names into database and table (`enableDbTopicSplit`) at this character: `_`, `-` or `.`.
   * @default - no split
   */
  readonly dbTopicSplitChar?: string;

  /**
   * Date-time parse patterns per field (`dateTimeFormats`).
   * @default - none
   */
  readonly dateTimeFormats?: { [field: string]: string };

  /**
   * Add columns for new fields (`auto.evolve`); needs ALTER on the tables.
   * @default false
   */
  readonly autoEvolve?: boolean;

  /**
   * Apply the change rows of a CDC source (e.g. a `DebeziumMySqlSourceConnector` with `ChangeEventFormat.ROW`): the
   * sink adds each record's Kafka offset as `_version` (Kafka Connect's `InsertField`; one key's changes share a
   * partition, so its offsets grow with every change), reads ISO-8601 timestamps (`date_time_input_format`), and
   * reads the source's data topics unless `topics` or `topicsRegex` is given. Create the tables with
   * {@link ClickHouseSinkConnector.createTableStatement}.
   * @default - records are written as they are
   */
  readonly changeEvents?: IChangeEventSource;

  /**
   * Read Debezium change envelopes in the sink itself (`debeziumCDCEnabled`, sink 1.4.0 and later). The sink only
   * unwraps records whose value schema is Debezium's `Envelope`, so it needs a value format with schemas (not
   * `SinkValueFormat.jsonSchemaless()`) and a source that emits envelopes; tables must be
   * `ReplacingMergeTree(_version, is_deleted)`. For schemaless JSON use `changeEvents` instead.
   * @default false
   */
  readonly debeziumCdcEnabled?: boolean;

  /**
   * Record value format.
   * @default SinkValueFormat.jsonSchemaless()
   */
  readonly valueFormat?: SinkValueFormat;

  /**
   * Single message transforms, in order.
   * @default - none
   */
  readonly transforms?: SinkTransform[];

  /**
   * `tasks.max`. With autoscaled capacity MSK Connect sets it (workers × MCUs × 2).
   * @default - 1 with provisioned capacity (as in the guide); MSK Connect's value when autoscaled
   */
  readonly tasksMax?: number;

  /**
   * Records per poll (`consumer.max.poll.records` in the worker configuration): the guide's tuning.
   * @default - Kafka's default (500)
   */
  readonly maxPollRecords?: number;

  /**
   * Average record size in bytes; with `maxPollRecords` sets `consumer.max.partition.fetch.bytes` to records × size.
   * @default - Kafka's default fetch size (1048576)
   */
  readonly recordSizeBytes?: number;

  /**
   * Properties a newer sink version adds, passed through as given. Cannot override what the props above set, and
   * secret-looking keys must be config-provider references.
   * @default - none
   */
  readonly additionalProperties?: { [key: string]: string };

  /**
   * A worker configuration to share between sinks; it must declare the Secrets Manager config provider. Not with
   * `maxPollRecords` or `recordSizeBytes`, which build a configuration of their own.
   * @default - a worker configuration of this sink (config provider and the consumer tuning)
   */
  readonly workerConfiguration?: IWorkerConfiguration;

  /**
   * A service execution role to use instead of the least-privilege role the construct builds from what the connector
   * does — e.g. a role your platform team manages, or a `LeastPrivilegeConnectorRole` you configure yourself. It must
   * allow everything the connector does at run time ({@link ClickHouseSinkConnector.permissions} lists it) and trust
   * `kafkaconnect.amazonaws.com`.
   * @default - a `LeastPrivilegeConnectorRole` with exactly `permissions`
   */
  readonly role?: iam.IRole;

  /**
   * Security groups of the workers, e.g. one group shared by many sinks of the same destination.
   * @default - a security group of this sink
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Compute capacity.
   * @default ConnectorCapacity.autoScaled() - 1 MCU workers, 1 to 2 of them
   */
  readonly capacity?: ConnectorCapacity;

  /**
   * Kafka Connect version.
   * @default KafkaConnectVersion.V3_7_X
   */
  readonly kafkaConnectVersion?: KafkaConnectVersion;

  /**
   * Worker log delivery.
   * @default - a new log group kept one year, encrypted with the stack's shared logs key (one customer-managed key for the library's log groups of a stack)
   */
  readonly logging?: LogDelivery;

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

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/**
 * The official ClickHouse Kafka Connect sink on MSK Connect, as the ClickHouse MSK guide configures it — but typed,
 * checked at synth and secret-safe: credentials only through the Secrets Manager config provider, `ssl` always
 * explicit, egress only to ClickHouse's port and HTTPS, and a role that may read exactly its topics.
 *
 * @example
 * new ClickHouseSinkConnector(this, 'Sink', {
 *   cluster, vpc: network.vpc, vpcSubnets: network.privateSubnetSelection,
 *   connectorName: 'events-to-clickhouse',
 *   endpoint: ClickHouseEndpoint.cloud({ hostname: 'abc123.eu-west-1.aws.clickhouse.cloud' }),
 *   credentials: secretsmanager.Secret.fromSecretNameV2(this, 'Ch', 'clickhouse/ingest'),
 *   topics: ['events'],
 *   release: { version: '1.3.5', sha256: '<sha256>', configProvider: { url: '<jar url>', sha256: '<sha256>' } },
 * });
 */
export class ClickHouseSinkConnector extends Construct implements iam.IGrantable {
  /** The ClickHouse Kafka Connect sink's connector class (`connector.class`). */
  public static readonly CONNECTOR_CLASS = CLICKHOUSE_SINK_CONNECTOR_CLASS;

  /** The plugin URL of an official release. */
  public static releaseUrl(version: string): string {
    return `https://github.com/ClickHouse/clickhouse-kafka-connect/releases/download/v${version}/clickhouse-kafka-connect-v${version}.zip`;
  }

  /** The connector. */
  public readonly connector: MskConnector;

  /** The connector's service execution role, to which `grant*(sink, ...)` adds permissions. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The worker configuration (Secrets Manager config provider, consumer tuning). */
  public readonly workerConfiguration: IWorkerConfiguration;

  /** The plugin. */
  public readonly plugin: IConnectorPlugin;

  /** The connector configuration as deployed. */
  public readonly connectorConfiguration: { [key: string]: string };

  /** The endpoint. */
  public readonly endpoint: ClickHouseEndpoint;

  /**
   * The interface VPC endpoint to ClickHouse Cloud, with `ClickHouseEndpoint.privateLink`: register its id in the
   * service's private endpoint allow list.
   */
  public readonly clickHouseVpcEndpoint?: ec2.InterfaceVpcEndpoint;

  /** What the connector does at run time, from which its role is built (or which a given `role` must allow). */
  public readonly permissions: ConnectorPermissions;

  /** The CDC source whose change rows the sink applies, if any. */
  public readonly changeEvents?: IChangeEventSource;

  private readonly database: string;
  private readonly topicToTableMap: { [topic: string]: string };
  private readonly topicMatches: (topic: string) => boolean;
  /** The topics the sink reads, as the user decided them (`topics`, `topicsRegex` or `changeEvents`), for messages. */
  private readonly readsLabel: string;

  constructor(scope: Construct, id: string, props: ClickHouseSinkConnectorProps) {
    super(scope, id);
    this.endpoint = props.endpoint;
    this.changeEvents = props.changeEvents;
    this.database = props.database ?? 'default';
    this.topicToTableMap = props.topicToTableMap ?? {};
    const derived = !props.topics && !props.topicsRegex && props.changeEvents !== undefined;
    props = withChangeEventTopics(props);
    // What the user wrote that decides the topics, for messages about them.
    this.readsLabel = props.topics ? `\`topics\` ${show(props.topics)}`
      : derived ? `the data topics of \`changeEvents\` (${show(props.topicsRegex?.regex)}, from its topic prefix and captured databases)`
        : `\`topicsRegex.regex\` ${show(props.topicsRegex?.regex)}`;
    this.topicMatches = props.topics ? (t) => props.topics!.includes(t) : (t) => new RegExp(`^(?:${props.topicsRegex!.regex})$`).test(t);
    const config = this.buildConfiguration(props);
    this.connectorConfiguration = config;

    if ((props.plugin === undefined) === (props.release === undefined)) {
      throw new Error(`give exactly one of \`plugin\` and \`release\`, got ${props.plugin ? 'both' : 'neither'}`);
    }
    this.plugin = props.plugin ?? this.releasePlugin(props.release!, props.vpc, props.vpcSubnets);

    if (props.workerConfiguration && (props.maxPollRecords !== undefined || props.recordSizeBytes !== undefined)) {
      throw new Error('`maxPollRecords` and `recordSizeBytes` tune a worker configuration of this sink; they cannot be combined with a shared `workerConfiguration`');
    }
    this.workerConfiguration = props.workerConfiguration ?? new WorkerConfiguration(this, 'WorkerConfiguration', {
      description: `Workers of ClickHouse sink ${props.connectorName}`,
      secretsManagerConfigProvider: true,
      maxPollRecords: props.maxPollRecords,
      maxPartitionFetchBytes: props.recordSizeBytes === undefined
        ? undefined
        : WorkerConfiguration.fetchBytesFor(props.maxPollRecords ?? 500, props.recordSizeBytes),
    });

    const capacity = props.capacity ?? ConnectorCapacity.autoScaled();
    if (!capacity.isAutoScaled || props.tasksMax !== undefined) {
      checkIntegerRange('tasksMax', props.tasksMax, 1, 1000);
      config['tasks.max'] = Tokenization.stringifyNumber(props.tasksMax ?? 1);
    }

    const readTopics = props.topics ?? [props.topicsRegex!.permissionPattern];
    const dlq = props.deadLetterQueue?.topicName;
    this.permissions = {
      readTopics,
      writeTopics: dlq ? [dlq] : undefined,
      createTopics: dlq ? [dlq] : undefined,
      secrets: [props.credentials],
      secretKeys: props.credentialsKey && !props.credentials.encryptionKey ? [props.credentialsKey] : undefined,
    };
    const roleOwner = props.role?.node.scope;
    if (roleOwner instanceof LeastPrivilegeConnectorRole) {
      this.checkRoleCovers(roleOwner, props);
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
      kafkaConnectVersion: props.kafkaConnectVersion,
      workerConfiguration: this.workerConfiguration,
      securityGroups: props.securityGroups,
      permissions: props.role ? undefined : this.permissions,
      role: props.role,
      logging: props.logging,
      alarms: connectorAlarms(props),
      description: 'ClickHouse Kafka Connect sink (msk-clickhouse-pipeline)',
    });
    this.grantPrincipal = this.connector.grantPrincipal;
    const description = `MSK Connect workers of ${props.connectorName} to ClickHouse ${props.endpoint.isCloud ? 'Cloud ' : ''}(${props.endpoint.ssl ? 'HTTPS' : 'HTTP'})`;
    if (props.endpoint.vpcEndpointServiceName !== undefined) {
      this.clickHouseVpcEndpoint = this.addPrivateLink(props, props.endpoint.vpcEndpointServiceName);
      this.connector.allowToResource(this.clickHouseVpcEndpoint, props.endpoint.port, `${description} over AWS PrivateLink`,
        `ClickHouse ${show(props.endpoint.hostname)} (PrivateLink endpoint)`);
    } else if (props.endpoint.peer.uniqueId === ec2.Peer.anyIpv4().uniqueId) {
      this.connector.allowInternetEgress(props.endpoint.port, `${description} through the NAT gateway`, `ClickHouse ${show(props.endpoint.hostname)}`,
        props.endpoint.isCloud
          ? 'a ClickHouse Cloud service\'s public endpoint has no fixed address range a security group can name; the connection is TLS to its host name, verified by the JVM, and leaves through the NAT gateways\' Elastic IPs, the addresses to put in the service\'s IP access list. ClickHouseEndpoint.privateLink replaces this rule with one to an interface endpoint.'
          : undefined);
    } else {
      this.connector.connections.allowTo(props.endpoint.peer, ec2.Port.tcp(props.endpoint.port), description);
    }
  }

  /**
   * The interface VPC endpoint to ClickHouse Cloud's endpoint service (one network interface in each AZ of the
   * workers), with private DNS and its own security group that admits only the workers on the HTTPS port.
   */
  private addPrivateLink(props: ClickHouseSinkConnectorProps, serviceName: string): ec2.InterfaceVpcEndpoint {
    const region = Stack.of(this).region;
    const serviceRegion = /^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-/.exec(serviceName)?.[1];
    if (!Token.isUnresolved(region) && serviceRegion !== undefined && serviceRegion !== region) {
      throw new Error(`\`vpcEndpointServiceName\` must be an endpoint service of the stack's region ${show(region)} (an interface endpoint cannot reach another region's service), got ${show(serviceName)}`);
    }
    const securityGroup = egressRestrictedSecurityGroup(this, 'ClickHouseEndpointSecurityGroup', {
      vpc: props.vpc,
      description: `ClickHouse Cloud PrivateLink endpoint of ${props.connectorName}: HTTPS from its MSK Connect workers only`,
    });
    return new ec2.InterfaceVpcEndpoint(this, 'ClickHouseEndpoint', {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(serviceName, props.endpoint.port),
      subnets: { subnets: this.connector.subnets },
      privateDnsEnabled: true,
      securityGroups: [securityGroup],
      // No ingress from the VPC's CIDR: the workers are let in by security group below.
      open: false,
    });
  }

  /**
   * The `CREATE TABLE` of the ClickHouse table that a captured MySQL table's change rows land in (the sink's
   * `database`; the table is named like the topic, `<prefix>.<database>.<table>`, unless `topicToTableMap` maps it):
   * a `ReplacingMergeTree(_version, is_deleted)` ordered by the primary key, with a column for every source column in
   * the type Debezium's values fit, and the change columns. Needs `changeEvents`.
   *
   * @example
   * sink.createTableStatement({ database: 'shop', table: 'orders', primaryKey: ['id'], columns: [
   *   { name: 'id', type: 'BIGINT UNSIGNED' }, { name: 'amount', type: 'DECIMAL(12,2)' },
   * ] });
   */
  public createTableStatement(captured: CapturedTable): string {
    const source = this.changeEvents;
    if (!source) {
      throw new Error('`createTableStatement` needs `changeEvents`: without it the sink writes records as they are, not change rows');
    }
    const captures = (p: string) => debeziumMatches(p, captured.database);
    if (source.capturedDatabases && !Token.isUnresolved(captured.database) && !source.capturedDatabases.some(captures)) {
      throw new Error(`\`database\` ${show(captured.database)} is not captured by the source (databaseIncludeList: ${source.capturedDatabases.map(show).join(', ')})`);
    }
    const topic = `${source.topicPrefix}.${captured.database}.${captured.table}`;
    if (!this.topicMatches(topic)) {
      throw new Error(`the topic of ${show(`${captured.database}.${captured.table}`)}, ${show(topic)}, is not among the sink's \`topics\`/\`topicsRegex\`: its rows would never arrive`);
    }
    return ChangeTable.createStatement(captured, { database: this.database, table: this.topicToTableMap[topic] ?? topic });
  }

  /** Maps keyed by topic must name topics the sink reads: an entry for another topic is never used. */
  private checkTopicKeyedMaps(props: ClickHouseSinkConnectorProps): void {
    const reads = this.readsLabel;
    for (const [topic, table] of Object.entries(props.topicToTableMap ?? {})) {
      checkTopicName('topicToTableMap', topic);
      if (!this.topicMatches(topic)) {
        throw new Error(`\`topicToTableMap\` maps ${show(topic)}, which is not among the topics the sink reads (${reads}): its table would never receive rows`);
      }
      checkClickHouseName(`topicToTableMap[${show(topic)}]`, table, true);
    }
  }

  /** A LeastPrivilegeConnectorRole given as `role` must allow what this sink reads and writes. */
  private checkRoleCovers(role: LeastPrivilegeConnectorRole, props: ClickHouseSinkConnectorProps): void {
    const readTopics = role.readTopics;
    if (props.topics) {
      const missing = props.topics.filter((t) => !Token.isUnresolved(t) && !coveredBy(t, readTopics));
      if (missing.length > 0) {
        throw new Error(`\`role\` (${show(role.node.path)}) readTopics ${show(readTopics)} do not cover \`topics\` ${show(missing)}: the sink would start and move no data from them (TopicAuthorizationException)`);
      }
    } else if (props.topicsRegex && !coveredBy(props.topicsRegex.permissionPattern, readTopics)
      && !readTopics.some((r) => r.endsWith('*') && props.topicsRegex!.permissionPattern.startsWith(r.substring(0, r.length - 1)))) {
      throw new Error(`\`role\` (${show(role.node.path)}) readTopics ${show(readTopics)} do not cover \`topicsRegex.permissionPattern\` ${show(props.topicsRegex.permissionPattern)}: the sink would start and move no data (TopicAuthorizationException)`);
    }
  }

  private releasePlugin(release: ClickHouseSinkRelease, vpc: ec2.IVpc, vpcSubnets?: ec2.SubnetSelection): IConnectorPlugin {
    checkReleaseVersion(release.version);
    return new ConnectorPlugin(this, 'Plugin', {
      description: `ClickHouse Kafka Connect sink ${release.version} with the MSK config provider`,
      source: namingUserProps({ 'sha256': 'release.sha256', 'extraArtifacts[0]': 'release.configProvider' }, () => PluginSource.fromUrl({
        url: ClickHouseSinkConnector.releaseUrl(release.version),
        sha256: release.sha256,
        extraArtifacts: [release.configProvider],
      })),
      // The fetch handler runs beside the workers: in their private subnets, out through the NAT gateways (when the
      // subnets have them).
      ...fetchHandlerPlacement(vpc, selectPrivateSubnets(vpc, vpcSubnets).subnets, vpcSubnets),
    });
  }

  private buildConfiguration(props: ClickHouseSinkConnectorProps): { [key: string]: string } {
    const e = props.endpoint;
    if ((props.topics === undefined) === (props.topicsRegex === undefined)) {
      throw new Error(`give exactly one of \`topics\` and \`topicsRegex\`, got ${props.topics ? 'both' : 'neither'}`);
    }
    if (props.topics) {
      checkNotEmpty('topics', props.topics);
      props.topics.forEach((t) => checkTopicName('topics', t));
      // Kafka Connect subscribes to the set; a repeated topic is a copy-paste slip (often of a different one).
      checkNoRepeats('`topics`', props.topics);
    }
    if (props.topicsRegex) {
      const { regex, permissionPattern } = props.topicsRegex;
      checkJavaRegex('`topicsRegex.regex`', regex);
      if (!permissionPattern.endsWith('*') || permissionPattern.length < 2) {
        throw new Error(`\`topicsRegex.permissionPattern\` must be a topic-name prefix ending in '*', got ${show(permissionPattern)}`);
      }
      // The pattern becomes a kafka-cluster topic ARN: a topic-name prefix (Kafka's topic grammar) plus '*'.
      if (!Token.isUnresolved(permissionPattern) && !/^[a-zA-Z0-9._-]+\*$/.test(permissionPattern)) {
        throw new Error(`\`topicsRegex.permissionPattern\` must be a topic-name prefix of letters, digits, '.', '_', '-' followed by one '*', got ${show(permissionPattern)}`);
      }
      checkRegexCovered(regex, permissionPattern);
    }
    this.checkTopicKeyedMaps(props);
    const exactlyOnce = props.exactlyOnce ?? e.isCloud;
    checkIntegerRange('retryCount', props.retryCount, 3, 10);
    checkIntegerRange('timeoutSeconds', props.timeoutSeconds, 0, 600);
    checkIntegerRange('tableRefreshIntervalSeconds', props.tableRefreshIntervalSeconds, 0, 600);
    checkIntegerAtLeast('clickhouseClientInsertTimeoutMs', props.clickhouseClientInsertTimeoutMs, 100);
    checkIntegerAtLeast('bufferCount', props.bufferCount, 0);
    checkIntegerAtLeast('bufferFlushTimeMs', props.bufferFlushTimeMs, 0);
    checkIntegerAtLeast('errorsRetryTimeoutMs', props.errorsRetryTimeoutMs, 0);
    checkOneOf('errorTolerance', props.errorTolerance, Object.values(ErrorTolerance));
    checkOneOf('clientVersion', props.clientVersion, Object.values(ClickHouseClientVersion));
    checkOneOf('dbTopicSplitChar', props.dbTopicSplitChar, ['_', '-', '.']);
    if (exactlyOnce && props.bufferFlushTimeMs !== undefined && props.bufferFlushTimeMs !== 0) {
      throw new Error(`\`bufferFlushTimeMs\` must be 0 with \`exactlyOnce\` (buffered inserts cannot be deduplicated), got ${props.bufferFlushTimeMs}`);
    }
    if (exactlyOnce && props.ignorePartitionsWhenBatching) {
      throw new Error('`ignorePartitionsWhenBatching` must be false with `exactlyOnce` (exactly-once state is kept per partition), got true');
    }
    if (props.keeperMapPath !== undefined && !props.keeperMapPath.startsWith('/')) {
      throw new Error(`\`keeperMapPath\` must start with '/', got ${show(props.keeperMapPath)}`);
    }
    if (props.jdbcConnectionProperties !== undefined && !props.jdbcConnectionProperties.startsWith('?')) {
      throw new Error(`\`jdbcConnectionProperties\` must start with '?' (it is appended to the URL), got ${show(props.jdbcConnectionProperties)}`);
    }
    const tolerance = props.errorTolerance ?? ErrorTolerance.NONE;
    if (props.deadLetterQueue) {
      if (tolerance !== ErrorTolerance.ALL) {
        throw new Error(`\`deadLetterQueue\` needs \`errorTolerance: ErrorTolerance.ALL\` (with 'none' the task stops on the first bad record), got '${tolerance}'`);
      }
      checkTopicName('deadLetterQueue.topicName', props.deadLetterQueue.topicName);
      const known = props.cluster.replication?.brokerCount;
      const brokers = known !== undefined && !Token.isUnresolved(known) ? known : 32;
      checkIntegerRange('deadLetterQueue.replicationFactor', props.deadLetterQueue.replicationFactor, 1, brokers);
      if (props.topics?.includes(props.deadLetterQueue.topicName)) {
        throw new Error(`\`deadLetterQueue.topicName\` ${show(props.deadLetterQueue.topicName)} is also in \`topics\`: the sink would read its own failures`);
      }
      // Kafka Connect SinkConnectorConfig.validate refuses a DLQ topic matched by topics.regex.
      if (props.topicsRegex && !Token.isUnresolved(props.deadLetterQueue.topicName) && this.topicMatches(props.deadLetterQueue.topicName)) {
        throw new Error(`\`deadLetterQueue.topicName\` ${show(props.deadLetterQueue.topicName)} matches ${this.readsLabel}: the sink would read its own failures (Kafka Connect refuses it)`);
      }
    }
    const secretName = props.credentials.secretName;
    const field = (f: string | undefined, fallback: string, prop: string) => {
      const value = f ?? fallback;
      if (!/^[a-zA-Z0-9_.-]+$/.test(value)) {
        throw new Error(`\`${prop}\` must be a JSON field name of letters, digits, '_', '.', '-', got ${show(value)}`);
      }
      return value;
    };
    const usernameField = field(props.usernameField, 'username', 'usernameField');
    const passwordField = field(props.passwordField, 'password', 'passwordField');
    if (usernameField === passwordField) {
      throw new Error(`\`usernameField\` and \`passwordField\` must name different fields of the secret, got ${show(usernameField)} for both`);
    }
    // The sink builds http[s]://host:port/<database> and creates the KeeperMap table (zkDatabase) in it [CK-HC].
    checkClickHouseName('database', props.database, true);
    checkClickHouseName('keeperMapTable', props.keeperMapTable);
    checkClickHouseName('keeperOnCluster', props.keeperOnCluster, true);
    if (props.keeperMapPath !== undefined && !Token.isUnresolved(props.keeperMapPath) && !/^(\/[a-zA-Z0-9_.-]+)+$/.test(props.keeperMapPath)) {
      // A Keeper path: '/'-separated non-empty nodes, no trailing '/' (KeeperMap('<zkPath>') rejects empty nodes).
      throw new Error(`\`keeperMapPath\` must be a Keeper path such as '/kafka-connect' ('/'-separated names of letters, digits, '_', '.', '-'; no empty or trailing part), got ${show(props.keeperMapPath)}`);
    }
    if (props.jdbcConnectionProperties !== undefined && !Token.isUnresolved(props.jdbcConnectionProperties)) {
      checkNoSecretInText('`jdbcConnectionProperties`', props.jdbcConnectionProperties);
      if (!/^\?[^=&\s]+=[^&\s]*(&[^=&\s]+=[^&\s]*)*$/.test(props.jdbcConnectionProperties)) {
        throw new Error(`\`jdbcConnectionProperties\` must be a query string '?name=value&name=value' without spaces, got ${show(props.jdbcConnectionProperties)}`);
      }
    }
    checkClickHouseSettings(props.clickhouseSettings);
    for (const [f, pattern] of Object.entries(props.dateTimeFormats ?? {})) {
      // The sink splits dateTimeFormats on ';' and then '=' [CK-CFG].
      if (!/^[^=;\s]+$/.test(f) || /[;]/.test(pattern) || pattern === '') {
        throw new Error(`\`dateTimeFormats\` must map column names (no '=', ';' or spaces) to non-empty patterns without ';', got ${show(f)}=${show(pattern)}`);
      }
    }

    const config: { [key: string]: string } = {
      'connector.class': CLICKHOUSE_SINK_CONNECTOR_CLASS,
      ...(props.topics ? { topics: props.topics.join(',') } : { 'topics.regex': props.topicsRegex!.regex }),
      'hostname': e.hostname,
      'port': Tokenization.stringifyNumber(e.port),
      // The sink reads a missing `ssl` as false at run time (its config default says true): always explicit.
      'ssl': String(e.ssl),
      'database': props.database ?? 'default',
      'username': `\${secretsmanager:${secretName}:${usernameField}}`,
      'password': `\${secretsmanager:${secretName}:${passwordField}}`,
      'exactlyOnce': String(exactlyOnce),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      ...(props.valueFormat ?? SinkValueFormat.jsonSchemaless()).properties,
      'errors.tolerance': tolerance,
    };
    const settings = changeEventSettings(props);
    const optional: Array<[string, string | undefined]> = [
      ['topic2TableMap', props.topicToTableMap && Object.entries(props.topicToTableMap).map(([t, table]) => `${t}=${table}`).join(',')],
      ['clickhouseSettings', settings && Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(',')],
      ['jdbcConnectionProperties', props.jdbcConnectionProperties],
      ['client_version', props.clientVersion],
      ['errors.retry.timeout', num(props.errorsRetryTimeoutMs)],
      ['retryCount', num(props.retryCount)],
      ['timeoutSeconds', num(props.timeoutSeconds)],
      ['tableRefreshInterval', num(props.tableRefreshIntervalSeconds)],
      ['clickhouseClientInsertTimeoutMs', num(props.clickhouseClientInsertTimeoutMs)],
      ['bufferCount', num(props.bufferCount)],
      ['bufferFlushTime', num(props.bufferFlushTimeMs)],
      ['ignorePartitionsWhenBatching', props.ignorePartitionsWhenBatching?.toString()],
      ['zkPath', props.keeperMapPath],
      ['zkDatabase', props.keeperMapTable],
      ['keeperOnCluster', props.keeperOnCluster],
      ['enableDbTopicSplit', props.dbTopicSplitChar === undefined ? undefined : 'true'],
      ['dbTopicSplitChar', props.dbTopicSplitChar],
      ['dateTimeFormats', props.dateTimeFormats && Object.entries(props.dateTimeFormats).map(([f, p]) => `${f}=${p}`).join(';')],
      ['auto.evolve', props.autoEvolve?.toString()],
      ['debeziumCDCEnabled', props.debeziumCdcEnabled?.toString()],
      ['errors.deadletterqueue.topic.name', props.deadLetterQueue?.topicName],
      // A topic cannot have more replicas than the cluster has brokers: the default follows the cluster.
      ['errors.deadletterqueue.topic.replication.factor', props.deadLetterQueue
        ? num(props.deadLetterQueue.replicationFactor ?? (props.cluster.replication?.defaultReplicationFactor ?? 3))
        : undefined],
      ['errors.deadletterqueue.context.headers.enable', props.deadLetterQueue ? String(props.deadLetterQueue.contextHeaders ?? true) : undefined],
    ];
    for (const [key, value] of optional) {
      if (value !== undefined) {
        config[key] = value;
      }
    }
    const transforms = [...props.transforms ?? [], ...changeEventTransforms(props)];
    // Kafka Connect's `transforms` is a list of aliases, each configured under transforms.<alias>.*: a repeated
    // alias silently merges two transforms' properties (the last type wins).
    checkNoRepeats('`transforms`', (props.transforms ?? []).map((t) => t.name), 'transform name');
    for (const t of props.transforms ?? []) {
      checkJavaClass(`\`transforms\` ${show(t.name)} type`, t.type);
    }
    if (transforms.length > 0) {
      config.transforms = transforms.map((t) => t.name).join(',');
      for (const t of transforms) {
        if (!/^[a-zA-Z0-9_-]+$/.test(t.name)) {
          throw new Error(`\`transforms\` names must be letters, digits, '_' and '-', got ${show(t.name)}`);
        }
        config[`transforms.${t.name}.type`] = t.type;
        for (const [k, v] of Object.entries(t.properties ?? {})) {
          config[`transforms.${t.name}.${k}`] = v;
        }
      }
    }
    const written: WrittenKey[] = Object.keys(config).map((key) => ({ key, prop: SINK_PROPS[key] ?? key }));
    for (const [key, value] of Object.entries(props.additionalProperties ?? {})) {
      if (key in config) {
        throw new Error(`\`additionalProperties\` cannot set ${show(key)}: a typed prop of ClickHouseSinkConnector sets it`);
      }
      config[key] = value;
      written.push({ key, prop: 'additionalProperties', passThrough: true });
    }
    checkNoLiteralSecrets('additionalProperties', props.additionalProperties ?? {});
    for (const [key, value] of Object.entries(props.additionalProperties ?? {})) {
      checkNoSecretInText(`\`additionalProperties\` ${show(key)}`, value);
    }
    if (props.release) {
      checkReleaseVersion(props.release.version);
      // A release newer than the newest this library knows: the typed props are checked against the newest known
      // one, and keys passed through are taken on trust (that is what additionalProperties is for).
      const { release, exact } = knownRelease(CLICKHOUSE_SINK_KEYS, 'release.version', props.release.version);
      if (!exact) {
        Annotations.of(this).addWarningV2('msk-clickhouse-pipeline:sinkReleaseUnknown',
          `ClickHouse sink ${props.release.version} is newer than the newest release this library knows the properties of (${release}): the typed props are checked against ${release}, \`additionalProperties\` keys are not checked`);
      }
      checkReleaseAccepts(CLICKHOUSE_SINK_KEYS, SINK_FRAMEWORK, release, exact ? written : written.filter((w) => !w.passThrough));
    }
    return config;
  }
}

/** A release number, 1.1.0 or later. */
/**
 * Every topic `regex` can match must be readable under `permissionPattern` (the IAM grant is kafka-cluster:ReadData
 * on that prefix): a regex `events-.*` with pattern `orders-*` subscribes to topics the role may not read, and the
 * connector runs and moves no data from them.
 */
function checkRegexCovered(regex: string, permissionPattern: string): void {
  if (Token.isUnresolved(regex) || Token.isUnresolved(permissionPattern)) {
    return;
  }
  const prefix = permissionPattern.substring(0, permissionPattern.length - 1);
  const prefixes = literalPrefixes(regex);
  const uncovered = prefixes.find((p) => !p.startsWith(prefix));
  if (uncovered !== undefined) {
    throw new Error(`\`topicsRegex.regex\` ${show(regex)} can match topics outside \`topicsRegex.permissionPattern\` ${show(permissionPattern)} (matches need not start with ${show(prefix)}${uncovered === '' ? '' : `, e.g. ones starting ${show(uncovered)}`}): the sink could not read them and would move no data from them; make every alternative of the regex start with the pattern's prefix`);
  }
}

/** clickhouseSettings are sent as 'k=v,k=v' [CK-CFG]: names are ClickHouse setting names, values have no ','. */
function checkClickHouseSettings(settings: { [key: string]: string } | undefined): void {
  for (const [key, value] of Object.entries(settings ?? {})) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) {
      throw new Error(`\`clickhouseSettings\` keys must be ClickHouse setting names (letters, digits, '_'), got ${show(key)}`);
    }
    if (/[,=]/.test(value) && !Token.isUnresolved(value)) {
      throw new Error(`\`clickhouseSettings\` ${show(key)} must not contain ',' or '=' (the sink splits the list on them), got ${show(value)}`);
    }
    if (/(password|secret)/i.test(key)) {
      throw new Error(`\`clickhouseSettings\` must not carry secrets (${show(key)} is stored in plain text in the template and the connector)`);
    }
  }
}

/**
 * A number as a configuration string. `String()` of a number token gives its placeholder ('-1.888e+289'), which
 * CloudFormation would receive as is; Tokenization keeps the reference.
 */
function num(n: number | undefined): string | undefined {
  return n === undefined ? undefined : Tokenization.stringifyNumber(n);
}

function checkReleaseVersion(version: string): void {
  const m = VERSION.exec(version);
  if (!m) {
    throw new Error(`\`release.version\` must be a release number such as '1.3.5', got ${show(version)}`);
  }
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < 1 || (major === 1 && minor < 1)) {
    throw new Error(`\`release.version\` must be 1.1.0 or later on MSK Connect (earlier releases lack the Jackson dependencies MSK Connect needs), got ${show(version)}`);
  }
}

/** The props that produce each sink key, for messages. */
const SINK_PROPS: { [key: string]: string } = {
  'topic2TableMap': 'topicToTableMap',
  'clickhouseSettings': 'clickhouseSettings',
  'client_version': 'clientVersion',
  'retryCount': 'retryCount',
  'timeoutSeconds': 'timeoutSeconds',
  'tableRefreshInterval': 'tableRefreshIntervalSeconds',
  'clickhouseClientInsertTimeoutMs': 'clickhouseClientInsertTimeoutMs',
  'bufferCount': 'bufferCount',
  'bufferFlushTime': 'bufferFlushTimeMs',
  'ignorePartitionsWhenBatching': 'ignorePartitionsWhenBatching',
  'zkPath': 'keeperMapPath',
  'zkDatabase': 'keeperMapTable',
  'keeperOnCluster': 'keeperOnCluster',
  'enableDbTopicSplit': 'dbTopicSplitChar',
  'dbTopicSplitChar': 'dbTopicSplitChar',
  'dateTimeFormats': 'dateTimeFormats',
  'auto.evolve': 'autoEvolve',
  'debeziumCDCEnabled': 'debeziumCdcEnabled',
  'exactlyOnce': 'exactlyOnce',
  'hostname': 'endpoint',
  'port': 'endpoint',
  'ssl': 'endpoint',
  'database': 'database',
  'username': 'credentials',
  'password': 'credentials',
  'jdbcConnectionProperties': 'jdbcConnectionProperties',
};

/** The name of the transform that adds the row version. */
const VERSION_TRANSFORM = 'changeVersion';

/** With `changeEvents` and no topics of the user's, the source's data topics (of its captured databases). */
function withChangeEventTopics(props: ClickHouseSinkConnectorProps): ClickHouseSinkConnectorProps {
  const source = props.changeEvents;
  if (!source || props.topics || props.topicsRegex) {
    return props;
  }
  const dbs = source.capturedDatabases;
  // Entries are Debezium include-list patterns (Java regexes over whole database names): a plain name (letters, digits,
  // '_') stands for itself; anything else is kept as a regex (a database name holds no '.', so it cannot run into the
  // table part), and only a single plain name narrows the read permission.
  const plain = (entry: string) => /^[A-Za-z0-9_]+$/.test(entry);
  const alternatives = (dbs ?? []).map((entry) => entry.replace(/\\,/g, ','));
  const regex = alternatives.length > 0
    ? `${escapeRegExp(source.topicPrefix)}\\.${alternatives.length === 1 && plain(alternatives[0]) ? alternatives[0] : `(?:${alternatives.join('|')})`}\\..+`
    : `${escapeRegExp(source.topicPrefix)}\\..+\\..+`;
  const permissionPattern = alternatives.length === 1 && plain(alternatives[0]) ? `${source.topicPrefix}.${alternatives[0]}.*` : `${source.topicPrefix}.*`;
  return { ...props, topicsRegex: { regex, permissionPattern } };
}

/** Checks `changeEvents` and `debeziumCdcEnabled` against the rest of the sink, and returns the ClickHouse settings. */
function changeEventSettings(props: ClickHouseSinkConnectorProps): { [key: string]: string } | undefined {
  const source = props.changeEvents;
  const format = props.valueFormat ?? SinkValueFormat.jsonSchemaless();
  if (props.debeziumCdcEnabled) {
    if (source) {
      throw new Error('`debeziumCdcEnabled` unwraps Debezium envelopes in the sink, `changeEvents` applies change rows: give one of them, got both');
    }
    const converter = format.properties['value.converter'];
    if (converter === 'org.apache.kafka.connect.storage.StringConverter' || format.properties['value.converter.schemas.enable'] === 'false') {
      throw new Error(`\`debeziumCdcEnabled\` acts only on records whose value schema is Debezium's Envelope, so \`valueFormat\` needs schemas, got ${show(converter)}${format.properties['value.converter.schemas.enable'] === 'false' ? ' with schemas.enable=false' : ''}; with schemaless JSON use \`changeEvents\` and ChangeEventFormat.ROW`);
    }
  }
  if (!source) {
    return props.clickhouseSettings;
  }
  if (source.changeEventFormat !== ChangeEventFormat.ROW) {
    throw new Error(`\`changeEvents\` must emit ChangeEventFormat.ROW (the sink writes each record's fields into columns of the same name), got ${show(source.changeEventFormat)}: set \`changeEventFormat: ChangeEventFormat.ROW\` on the source`);
  }
  // JsonConverter's schemas.enable defaults to true, and then it refuses the source's schemaless records (DataException).
  const schemas = format.properties['value.converter.schemas.enable'] ?? 'true';
  if (format.properties['value.converter'] !== 'org.apache.kafka.connect.json.JsonConverter' || (!Token.isUnresolved(schemas) && schemas.toLowerCase() !== 'false')) {
    throw new Error(`\`changeEvents\` needs the source's JSON records (\`valueFormat\` SinkValueFormat.jsonSchemaless()), got ${show(format.properties['value.converter'])}${format.properties['value.converter'] === 'org.apache.kafka.connect.json.JsonConverter' ? ` with schemas.enable=${schemas}` : ''}`);
  }
  const wanted = 'best_effort';
  const given = props.clickhouseSettings?.date_time_input_format;
  if (given !== undefined && given !== wanted) {
    throw new Error(`\`clickhouseSettings\` date_time_input_format must be '${wanted}' with \`changeEvents\` (Debezium writes TIMESTAMP columns as ISO-8601 strings), got ${show(given)}`);
  }
  if (props.transforms?.some((t) => t.name === VERSION_TRANSFORM)) {
    throw new Error(`\`transforms\` cannot use the name ${show(VERSION_TRANSFORM)} with \`changeEvents\`: the sink's row-version transform has it`);
  }
  return { ...props.clickhouseSettings, date_time_input_format: wanted };
}

/** With `changeEvents`, the transform that adds each record's Kafka offset as the row version (last, after the user's). */
function changeEventTransforms(props: ClickHouseSinkConnectorProps): SinkTransform[] {
  return props.changeEvents ? [{
    name: VERSION_TRANSFORM,
    type: 'org.apache.kafka.connect.transforms.InsertField$Value',
    properties: { 'offset.field': ChangeTable.VERSION_COLUMN },
  }] : [];
}
