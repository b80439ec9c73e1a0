import { Aws, Fn, IResource, Lazy, Names, Resource, Token, Tokenization } from 'aws-cdk-lib';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import { Construct } from 'constructs';
import { checkNoSecretsInValues } from '../private/checks-cdc';
import { checkMaxLength, checkNoLiteralSecrets, checkWorkerPropertyCombination, checkWorkerPropertyValue } from '../private/checks-connect';
import { createOnlyHash } from '../private/naming';
import { checkIntegerAtLeast, checkIntegerRange, checkTopicName, parseArn, show } from '../private/validation';

/** A worker configuration of MSK Connect. */
export interface IWorkerConfiguration extends IResource {
  /**
   * ARN of the worker configuration.
   * @attribute
   */
  readonly workerConfigurationArn: string;

  /**
   * Revision to use.
   * @attribute
   */
  readonly revision: number;

  /** Whether the Secrets Manager config provider is declared (connectors may use `${secretsmanager:...}`). */
  readonly secretsManagerConfigProvider: boolean;
}

/** Attributes of an existing worker configuration, for {@link WorkerConfiguration.fromWorkerConfigurationAttributes}. */
export interface WorkerConfigurationAttributes {
  /**
   * ARN of the worker configuration
   * (`arn:<partition>:kafkaconnect:<region>:<account>:worker-configuration/<name>/<uuid>`).
   */
  readonly workerConfigurationArn: string;

  /** Revision to use (revisions start at 1). */
  readonly revision: number;

  /**
   * Whether the worker configuration declares the Secrets Manager config provider (`config.providers=secretsmanager`),
   * so connectors using it may reference `${secretsmanager:...}`.
   * @default false
   */
  readonly secretsManagerConfigProvider?: boolean;
}

/** Properties of {@link WorkerConfiguration}. */
export interface WorkerConfigurationProps {
  /**
   * Name prefix; a hash of the description and content is appended, so a changed configuration is a new resource
   * with a new name (CloudFormation replaces worker configurations on any change, creating the new one first).
   * @default - derived from the construct path
   */
  readonly namePrefix?: string;

  /**
   * Description.
   * @default - none
   */
  readonly description?: string;

  /**
   * Records a sink task polls at once (`consumer.max.poll.records`). The ClickHouse guide's first tuning knob:
   * larger batches mean fewer, larger inserts.
   * @default - Kafka's default, 500
   */
  readonly maxPollRecords?: number;

  /**
   * Bytes fetched per partition (`consumer.max.partition.fetch.bytes`): records × record size, see
   * {@link WorkerConfiguration.fetchBytesFor}.
   * @default - Kafka's default, 1048576
   */
  readonly maxPartitionFetchBytes?: number;

  /**
   * Declare the Secrets Manager config provider (`config.providers=secretsmanager`), so connector configurations can
   * reference `${secretsmanager:<secret-name>:<json-key>}`. The provider's JAR must be inside the connector's plugin.
   * @default false
   */
  readonly secretsManagerConfigProvider?: boolean;

  /**
   * The topic where a source connector's offsets are kept (`offset.storage.topic`). With it, a source connector that
   * CloudFormation replaces (same name, delete then create) resumes where the old one stopped instead of starting over;
   * without it MSK Connect creates a new offsets topic for every connector it creates (MSK developer guide,
   * msk-connect-set-offset-storage-topic). Kafka Connect creates the topic, compacted, if it does not exist. Sink
   * connectors keep their offsets in their consumer group and ignore it.
   * @default - a new topic for every connector created with this configuration
   */
  readonly offsetStorageTopic?: string;

  /**
   * Other worker properties. Only what MSK Connect accepts: `key.converter`, `value.converter`, the allowed
   * `consumer.*` and `producer.*` overrides, `offset.flush.*` and the like; security, listener, REST, topic and
   * group settings belong to MSK Connect and are refused.
   * @default - none
   */
  readonly properties?: { [key: string]: string };
}

const ALLOWED_CONSUMER = [
  'allow.auto.create.topics', 'auto.offset.reset', 'check.crcs', 'fetch.max.bytes', 'fetch.max.wait.ms', 'fetch.min.bytes',
  'heartbeat.interval.ms', 'key.deserializer', 'max.partition.fetch.bytes', 'max.poll.interval.ms', 'max.poll.records',
  'metadata.max.age.ms', 'partition.assignment.strategy', 'reconnect.backoff.max.ms', 'reconnect.backoff.ms',
  'request.timeout.ms', 'retry.backoff.ms', 'session.timeout.ms', 'value.deserializer',
];
const ALLOWED_PRODUCER = [
  'acks', 'batch.size', 'buffer.memory', 'compression.type', 'enable.idempotence', 'key.serializer', 'linger.ms',
  'max.request.size', 'metadata.max.age.ms', 'metadata.max.idle.ms', 'partitioner.class', 'reconnect.backoff.max.ms',
  'reconnect.backoff.ms', 'request.timeout.ms', 'retry.backoff.ms', 'value.serializer',
];
const DISALLOWED_PREFIXES = [
  'access.control.', 'admin.', 'client.', 'connect.', 'inter.worker.', 'internal.', 'listeners.https.', 'metrics.', 'rest.',
  'sasl.', 'security.', 'socket.', 'ssl.', 'topic.tracking.', 'worker.',
];
const DISALLOWED_KEYS = [
  'bootstrap.servers', 'config.storage.topic', 'connections.max.idle.ms', 'group.id', 'listeners', 'metric.reporters',
  'plugin.path', 'receive.buffer.bytes', 'send.buffer.bytes', 'status.storage.topic',
  'config.storage.replication.factor', 'offset.storage.replication.factor', 'status.storage.replication.factor',
];

/** Throws unless MSK Connect accepts `key` in a worker configuration. */
function checkWorkerProperty(key: string, value: string): void {
  if (!/^[a-zA-Z0-9._-]+$/.test(key) || /[\r\n]/.test(value)) {
    throw new Error(`\`properties\` must map property names to single-line values, got ${show(key)}=${show(value)}`);
  }
  const fail = (why: string) => {
    throw new Error(`\`properties\` cannot set ${show(key)}: ${why}`);
  };
  if (key.startsWith('config.providers')) {
    fail('declare config providers with `secretsManagerConfigProvider`');
  }
  if (key.startsWith('consumer.')) {
    if (!ALLOWED_CONSUMER.includes(key.substring('consumer.'.length))) {
      fail(`MSK Connect allows only these consumer overrides: ${ALLOWED_CONSUMER.join(', ')}`);
    }
    checkWorkerPropertyValue(key, value);
    return;
  }
  if (key.startsWith('producer.')) {
    if (!ALLOWED_PRODUCER.includes(key.substring('producer.'.length))) {
      fail(`MSK Connect allows only these producer overrides: ${ALLOWED_PRODUCER.join(', ')}`);
    }
    checkWorkerPropertyValue(key, value);
    return;
  }
  const prefix = DISALLOWED_PREFIXES.find((p) => key.startsWith(p));
  if (prefix) {
    fail(`MSK Connect manages every '${prefix}*' worker property`);
  }
  if (DISALLOWED_KEYS.includes(key)) {
    fail('MSK Connect manages this worker property');
  }
  if (key === 'offset.storage.topic') {
    checkTopicName('properties', value);
  }
  checkWorkerPropertyValue(key, value);
}

/**
 * An MSK Connect worker configuration: the ClickHouse guide's consumer tuning, the Secrets Manager config provider,
 * and any other worker property MSK Connect accepts, checked at synth.
 *
 * @example
 * new WorkerConfiguration(this, 'Workers', {
 *   maxPollRecords: 5000,
 *   maxPartitionFetchBytes: WorkerConfiguration.fetchBytesFor(5000, 1024),
 *   secretsManagerConfigProvider: true,
 * });
 */
export class WorkerConfiguration extends Resource implements IWorkerConfiguration {
  /** Uses an existing worker configuration. */
  public static fromWorkerConfigurationAttributes(scope: Construct, id: string, attrs: WorkerConfigurationAttributes): IWorkerConfiguration {
    const arn = attrs.workerConfigurationArn;
    // MSK Connect: arn:<partition>:kafkaconnect:<region>:<account>:worker-configuration/<name>/<uuid>.
    const parts = Token.isUnresolved(arn) ? undefined : parseArn(arn);
    if (!Token.isUnresolved(arn) && (parts?.service !== 'kafkaconnect' || parts.region === '' || !/^\d{12}$/.test(parts.account)
      || !/^worker-configuration\/[^/]+\/[^/]+$/.test(parts.resource))) {
      throw new Error(`\`workerConfigurationArn\` must be an MSK Connect worker configuration ARN (arn:<partition>:kafkaconnect:<region>:<account>:worker-configuration/<name>/<uuid>), got ${show(arn)}`);
    }
    checkIntegerAtLeast('revision', attrs.revision, 1);
    class Import extends Resource implements IWorkerConfiguration {
      public readonly workerConfigurationArn = arn;
      public readonly revision = attrs.revision;
      public readonly secretsManagerConfigProvider = attrs.secretsManagerConfigProvider ?? false;
    }
    return new Import(scope, id);
  }

  /**
   * `consumer.max.partition.fetch.bytes` for the ClickHouse guide's rule: records per poll × bytes per record.
   */
  public static fetchBytesFor(records: number, recordSizeBytes: number): number {
    checkIntegerAtLeast('records', records, 1);
    checkIntegerAtLeast('recordSizeBytes', recordSizeBytes, 1);
    return records * recordSizeBytes;
  }

  public readonly workerConfigurationArn: string;
  public readonly revision: number;
  public readonly secretsManagerConfigProvider: boolean;

  /** The worker properties, as written (may contain tokens such as the region). */
  public readonly properties: { [key: string]: string };

  /** The name of the worker configuration. */
  public readonly workerConfigurationName: string;

  constructor(scope: Construct, id: string, props: WorkerConfigurationProps = {}) {
    super(scope, id);
    checkIntegerRange('maxPollRecords', props.maxPollRecords, 1, 1_000_000);
    checkIntegerRange('maxPartitionFetchBytes', props.maxPartitionFetchBytes, 1, 2_147_483_647);
    for (const [key, value] of Object.entries(props.properties ?? {})) {
      checkWorkerProperty(key, value);
    }
    checkWorkerPropertyCombination(props.properties ?? {});
    // Worker properties are stored base64-encoded in the template, which is no protection: secrets go through a
    // config provider.
    checkNoLiteralSecrets('properties', props.properties ?? {});
    checkNoSecretsInValues('properties', props.properties ?? {});
    // AWS::KafkaConnect::WorkerConfiguration Description: maxLength 1024.
    checkMaxLength('description', props.description, 1024);
    if (props.offsetStorageTopic !== undefined) {
      checkTopicName('offsetStorageTopic', props.offsetStorageTopic);
    }
    const typed = [
      ['maxPollRecords', 'consumer.max.poll.records'], ['maxPartitionFetchBytes', 'consumer.max.partition.fetch.bytes'], ['offsetStorageTopic', 'offset.storage.topic'],
    ] as const;
    for (const [prop, key] of typed) {
      if (props[prop] !== undefined && props.properties?.[key] !== undefined) {
        throw new Error(`\`${prop}\` and \`properties\` both set '${key}'; set it once`);
      }
    }

    this.secretsManagerConfigProvider = props.secretsManagerConfigProvider ?? false;
    const properties: { [key: string]: string } = {
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      ...(props.maxPollRecords !== undefined ? { 'consumer.max.poll.records': Tokenization.stringifyNumber(props.maxPollRecords) } : {}),
      ...(props.maxPartitionFetchBytes !== undefined ? { 'consumer.max.partition.fetch.bytes': Tokenization.stringifyNumber(props.maxPartitionFetchBytes) } : {}),
      ...(this.secretsManagerConfigProvider ? {
        'config.providers': 'secretsmanager',
        'config.providers.secretsmanager.class': 'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
        'config.providers.secretsmanager.param.region': Aws.REGION,
      } : {}),
      ...(props.offsetStorageTopic !== undefined ? { 'offset.storage.topic': props.offsetStorageTopic } : {}),
      ...props.properties,
    };
    this.properties = properties;
    const content = Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n');

    const prefix = props.namePrefix ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    if (!Token.isUnresolved(prefix) && !/^[a-zA-Z0-9-]{1,100}$/.test(prefix)) {
      throw new Error(`\`namePrefix\` must be 1-100 letters, digits and hyphens, got ${show(prefix)}`);
    }
    // Every property of AWS::KafkaConnect::WorkerConfiguration is create-only and CloudFormation replaces it
    // create-then-delete, so the name hashes all of them (description and content, as synthesized): it changes
    // exactly when a replacement needs a new name.
    this.workerConfigurationName = Lazy.string({
      produce: () => `${prefix}-${createOnlyHash(this, { description: props.description, content })}`,
    });

    const resource = new kafkaconnect.CfnWorkerConfiguration(this, 'Resource', {
      name: this.workerConfigurationName,
      description: props.description,
      propertiesFileContent: Fn.base64(content),
    });
    this.workerConfigurationArn = resource.attrWorkerConfigurationArn;
    this.revision = Token.asNumber(resource.attrRevision);
  }
}
