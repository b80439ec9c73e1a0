import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { checkNoRepeats, show } from './validation';
import type { LogDelivery } from '../msk/log-delivery';

/**
 * Synth-time checks of the network and MSK constructs (issue #14). Same house rules as `validation.ts`: a plain
 * `Error` naming the prop in backticks and echoing the value; unresolved tokens are skipped.
 */

/** Throws unless `value` is a `logs.RetentionDays` value (CloudWatch Logs PutRetentionPolicy accepts only these). */
export function checkRetentionDays(prop: string, value: logs.RetentionDays | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(value)) {
    throw new Error(`\`${prop}\` must be a logs.RetentionDays value (one of ${allowed.join(', ')} days), got ${show(value)}`);
  }
}

/**
 * The address grammar SNS accepts for an `email` subscription endpoint: one `local@domain`, no spaces, a domain of
 * dot-separated labels with a top-level label of at least two letters.
 */
export function checkEmailAddress(prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/.test(value)
    || value.length > 254 || value.split('@')[0].length > 64) {
    throw new Error(`\`${prop}\` must be one e-mail address (local@domain.tld) for the SNS e-mail subscription, got ${show(value)}`);
  }
}

/**
 * MSK broker instance types [MSK developer guide, "Broker types" / "Standard broker sizes"]: Standard brokers
 * `kafka.t3.small`, `kafka.m5.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge,24xlarge}`,
 * `kafka.m7g.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge}`; Express brokers
 * `express.m7g.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge}`. Keyed by MSK's prefix (the broker type),
 * then by EC2 family.
 */
const BROKER_SIZES: { [brokerType: string]: { [family: string]: string[] } } = {
  kafka: {
    t3: ['small'],
    m5: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'],
    m7g: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  },
  express: {
    m7g: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  },
};

const BROKER_TYPE_NAMES: { [prefix: string]: string } = { kafka: 'Standard', express: 'Express' };

/**
 * The MSK broker instance type (`kafka.m7g.large`, `express.m7g.large`) of an EC2 instance type and a broker type
 * (`kafka` or `express`, MSK's prefix). Throws unless MSK offers that size as that kind of broker; `prop` is the prop
 * the user set. An unresolved instance type is joined as it is (MSK checks it at deploy).
 */
export function mskBrokerInstanceType(prop: string, instanceType: ec2.InstanceType | undefined, brokerType: string): string {
  if (instanceType === undefined) {
    return `${brokerType}.m7g.large`;
  }
  if (typeof instanceType !== 'object' || typeof instanceType.toString !== 'function') {
    // The prop once took MSK's string ('kafka.m7g.large'); JavaScript callers may still pass one.
    throw new Error(`\`${prop}\` must be an ec2.InstanceType such as new ec2.InstanceType('m7g.large') (\`brokerType\` chooses Standard or Express brokers), got ${show(instanceType)}`);
  }
  const text = instanceType.toString();
  if (Token.isUnresolved(text)) {
    return `${brokerType}.${text}`;
  }
  if (/^(kafka|express)\./.test(text)) {
    throw new Error(`\`${prop}\` is the EC2 instance type without MSK's prefix (\`brokerType\` chooses ${show('kafka.')} or ${show('express.')}), e.g. new ec2.InstanceType(${show(text.replace(/^[a-z]+\./, ''))}), got ${show(text)}`);
  }
  const [family, size] = text.split('.');
  if (!/^[a-z0-9]+\.[a-z0-9]+$/.test(text)) {
    throw new Error(`\`${prop}\` must be an instance type such as 'm7g.large', got ${show(text)}`);
  }
  const families = BROKER_SIZES[brokerType] ?? {};
  const sizes = families[family];
  if (!sizes) {
    throw new Error(`\`${prop}\` must be of a family MSK offers as ${BROKER_TYPE_NAMES[brokerType] ?? brokerType} brokers (${Object.keys(families).map((f) => `${f}.*`).join(', ')}), got ${show(text)}`);
  }
  if (!sizes.includes(size)) {
    throw new Error(`\`${prop}\` ${show(text)} is not an MSK broker size; ${BROKER_TYPE_NAMES[brokerType]} ${family} brokers come in ${sizes.join(', ')}`);
  }
  return `${brokerType}.${text}`;
}

/**
 * Broker properties MSK does not let a configuration set: MSK owns them (listeners, storage, security, identity), and
 * `CreateConfiguration` fails on them [MSK developer guide, "Custom MSK configurations": only the listed properties
 * can be set].
 */
const MSK_OWNED_SERVER_PROPERTIES = [
  'broker.id', 'node.id', 'process.roles', 'listeners', 'advertised.listeners', 'listener.security.protocol.map',
  'inter.broker.listener.name', 'security.inter.broker.protocol', 'controller.listener.names', 'controller.quorum.voters',
  'zookeeper.connect', 'log.dir', 'log.dirs', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password',
  'ssl.truststore.location', 'ssl.truststore.password', 'sasl.enabled.mechanisms', 'authorizer.class.name', 'port',
  'host.name',
];

/** Broker properties that take a whole number, with their smallest value [Kafka broker configs]. */
const INTEGER_SERVER_PROPERTIES: { [key: string]: number } = {
  'num.partitions': 1,
  'log.retention.ms': -1,
  'log.retention.minutes': -1,
  'log.retention.hours': -1,
  'log.retention.bytes': -1,
  'log.segment.bytes': 14,
  'log.roll.ms': 1,
  'log.roll.hours': 1,
  'message.max.bytes': 0,
  'replica.fetch.max.bytes': 0,
  'num.replica.fetchers': 1,
  'num.io.threads': 1,
  'num.network.threads': 1,
  'offsets.retention.minutes': 1,
  'offsets.topic.replication.factor': 1,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
  'replica.lag.time.max.ms': 0,
  'group.initial.rebalance.delay.ms': 0,
};

/** Broker properties that take 'true' or 'false' [Kafka broker configs]. */
const BOOLEAN_SERVER_PROPERTIES = [
  'unclean.leader.election.enable', 'auto.create.topics.enable', 'delete.topic.enable', 'allow.everyone.if.no.acl.found',
  'auto.leader.rebalance.enable', 'log.cleaner.enable', 'log.message.downconversion.enable',
];

/** Values of `compression.type` (broker and topic) [Kafka configs]. */
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

/**
 * Checks `serverProperties` values the durable defaults do not already cover: MSK-owned keys, whole numbers,
 * booleans, enums, and the replication factors of the internal topics against the broker count.
 */
export function checkServerPropertyValues(props: { [key: string]: string }, brokers: number | undefined): void {
  for (const [key, value] of Object.entries(props)) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (MSK_OWNED_SERVER_PROPERTIES.includes(key)) {
      // A password is not echoed: the message lands in build logs.
      const shown = /password/.test(key) ? "'***'" : show(value);
      throw new Error(`\`serverProperties\` cannot set '${key}': MSK manages it and rejects the configuration (see "Custom MSK configurations"), got ${shown}`);
    }
    if (key in INTEGER_SERVER_PROPERTIES && (!/^-?\d+$/.test(value) || Number(value) < INTEGER_SERVER_PROPERTIES[key])) {
      throw new Error(`\`serverProperties\` '${key}' must be a whole number of at least ${INTEGER_SERVER_PROPERTIES[key]}, got ${show(value)}`);
    }
    if (BOOLEAN_SERVER_PROPERTIES.includes(key) && !['true', 'false'].includes(value)) {
      throw new Error(`\`serverProperties\` '${key}' must be 'true' or 'false', got ${show(value)}`);
    }
    if (key === 'compression.type' && !COMPRESSION_TYPES.includes(value)) {
      throw new Error(`\`serverProperties\` 'compression.type' must be one of ${COMPRESSION_TYPES.map(show).join(', ')}, got ${show(value)}`);
    }
    if (key === 'log.cleanup.policy' && !['delete', 'compact', 'compact,delete', 'delete,compact'].includes(value)) {
      throw new Error(`\`serverProperties\` 'log.cleanup.policy' must be one of 'delete', 'compact', 'compact,delete', 'delete,compact', got ${show(value)}`);
    }
  }
  // Kafka creates __consumer_offsets / __transaction_state with these factors and fails while it has fewer brokers.
  if (brokers !== undefined && !Token.isUnresolved(brokers)) {
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
      const text = props[key];
      if (text !== undefined && !Token.isUnresolved(text) && Number(text) > brokers) {
        throw new Error(`\`serverProperties\` '${key}' must be at most the broker count (${brokers}, from \`brokerCount\`/\`vpcSubnets\`), got ${show(text)}`);
      }
    }
    const txIsr = props['transaction.state.log.min.isr'];
    const txRf = props['transaction.state.log.replication.factor'] ?? String(Math.min(3, brokers));
    if (txIsr !== undefined && !Token.isUnresolved(txIsr) && !Token.isUnresolved(txRf) && Number(txIsr) > Number(txRf)) {
      throw new Error(`\`serverProperties\` 'transaction.state.log.min.isr' must be at most 'transaction.state.log.replication.factor' (${txRf}), got ${show(txIsr)}`);
    }
  }
}

/** Topic settings with an enum or boolean value [Kafka topic configs]. */
const TOPIC_ENUMS: { [key: string]: string[] } = {
  'compression.type': COMPRESSION_TYPES,
  'message.timestamp.type': ['CreateTime', 'LogAppendTime'],
  'unclean.leader.election.enable': ['true', 'false'],
  'message.downconversion.enable': ['true', 'false'],
  'preallocate': ['true', 'false'],
};

/** Checks topic settings beyond those `MskTopic` checks itself: enums, booleans, `segment.ms`, ratios. */
export function checkTopicConfigValues(configs: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(configs)) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (key in TOPIC_ENUMS && !TOPIC_ENUMS[key].includes(value)) {
      throw new Error(`\`configs\` '${key}' must be one of ${TOPIC_ENUMS[key].map(show).join(', ')}, got ${show(value)}`);
    }
    if (['segment.ms', 'flush.messages', 'flush.ms'].includes(key) && (!/^\d+$/.test(value) || Number(value) < 1)) {
      throw new Error(`\`configs\` '${key}' must be a whole number of at least 1, got ${show(value)}`);
    }
    if (key === 'min.cleanable.dirty.ratio' && (!/^\d*\.?\d+$/.test(value) || Number(value) > 1)) {
      throw new Error(`\`configs\` 'min.cleanable.dirty.ratio' must be a number from 0 to 1, got ${show(value)}`);
    }
  }
}

/**
 * Internal topics a user topic must not take: Kafka's own (`__consumer_offsets`, `__transaction_state`), KRaft's
 * `__cluster_metadata`, and MSK's (`__amazon_msk_canary`, MSK Connect's `__amazon_msk_connect_*` offsets, configs and
 * status topics) [MSK developer guide, MSK Connect "offset storage"].
 */
export function checkTopicNameNotReserved(prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  if (['__consumer_offsets', '__transaction_state', '__cluster_metadata'].includes(name) || name.startsWith('__amazon_msk')) {
    throw new Error(`\`${prop}\` must not be an internal topic of Kafka, MSK or MSK Connect ('__consumer_offsets', '__transaction_state', '__cluster_metadata', '__amazon_msk*'), got ${show(name)}`);
  }
}

const topicsByCluster = new WeakMap<object, Map<string, { name: string; path: string }>>();

/**
 * Throws when `cluster` already has a topic of this name in the app, or one that differs only in '.' versus '_':
 * Kafka refuses such a topic ("collides with existing topics"), since the two share metric names.
 */
export function registerTopicName(cluster: object, topic: Construct, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  let names = topicsByCluster.get(cluster);
  if (!names) {
    names = new Map();
    topicsByCluster.set(cluster, names);
  }
  const key = name.replace(/\./g, '_');
  const other = names.get(key);
  if (other) {
    if (other.name === name) {
      throw new Error(`\`topicName\` ${show(name)} is already a topic of this cluster (${other.path}); topic names are unique per cluster`);
    }
    throw new Error(`\`topicName\` ${show(name)} collides with topic ${show(other.name)} of this cluster (${other.path}): Kafka refuses names that differ only in '.' and '_'`);
  }
  names.set(key, { name, path: topic.node.path });
}

const clusterNamesByApp = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Throws when another cluster of the same app has the same name in the same account and region (MSK cluster names
 * are unique per account and Region; CreateCluster fails with ConflictException). Environment-agnostic stacks are
 * compared within the stack only, since they may deploy anywhere.
 */
export function registerClusterName(cluster: Construct, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const stack = Stack.of(cluster);
  const envKnown = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
  const key = `${envKnown ? `${stack.account}/${stack.region}` : `stack:${stack.node.path}`}/${name}`;
  const root = cluster.node.root;
  let names = clusterNamesByApp.get(root);
  if (!names) {
    names = new Map();
    clusterNamesByApp.set(root, names);
  }
  const other = names.get(key);
  if (other) {
    throw new Error(`\`clusterName\` ${show(name)} is already the name of cluster ${other} in the same account and region; MSK cluster names are unique per account and Region`);
  }
  names.set(key, cluster.node.path);
}

/**
 * Checks a `LogDelivery`: props that would be silently ignored, retention values, and the names MSK forwards.
 * `prop` is the user's prop (`logging` of a cluster or a connector, or the deprecated `brokerLogging`).
 */
export function checkLogDelivery(prop: string, delivery: LogDelivery | undefined): void {
  if (delivery === undefined) {
    return;
  }
  const cloudWatch = delivery.cloudWatch ?? true;
  if (!cloudWatch) {
    for (const key of ['logGroup', 'logRetention'] as const) {
      if (delivery[key] !== undefined) {
        throw new Error(`\`${prop}.${key}\` is set but \`${prop}.cloudWatch\` is false, so it would be ignored; drop one of them`);
      }
    }
  }
  if (delivery.logGroup !== undefined && delivery.logRetention !== undefined) {
    throw new Error(`\`${prop}.logRetention\` only applies to a log group created here, but \`${prop}.logGroup\` is given; set the retention on that log group, got ${show(delivery.logRetention)}`);
  }
  checkRetentionDays(`${prop}.logRetention`, delivery.logRetention);
  if (delivery.s3Prefix !== undefined && !Token.isUnresolved(delivery.s3Prefix)) {
    if (delivery.s3Bucket === undefined) {
      throw new Error(`\`${prop}.s3Prefix\` is set but \`${prop}.s3Bucket\` is not, so it would be ignored, got ${show(delivery.s3Prefix)}`);
    }
    // S3 object keys: at most 1024 bytes; a leading '/' makes an empty first path segment.
    if (delivery.s3Prefix.length === 0 || delivery.s3Prefix.length > 1024 || delivery.s3Prefix.startsWith('/') || /[\r\n]/.test(delivery.s3Prefix)) {
      throw new Error(`\`${prop}.s3Prefix\` must be an S3 key prefix of 1-1024 characters on one line, not starting with '/', got ${show(delivery.s3Prefix)}`);
    }
  }
  const stream = delivery.firehoseDeliveryStreamName;
  // Firehose DeliveryStreamName: 1-64 characters of [a-zA-Z0-9_.-] (CreateDeliveryStream API).
  if (stream !== undefined && !Token.isUnresolved(stream) && !/^[a-zA-Z0-9_.-]{1,64}$/.test(stream)) {
    throw new Error(`\`${prop}.firehoseDeliveryStreamName\` must be a Firehose delivery stream name (1-64 letters, digits, '_', '.', '-'), got ${show(stream)}`);
  }
  if (!cloudWatch && delivery.s3Bucket === undefined && stream === undefined) {
    throw new Error(`\`${prop}\` turns CloudWatch off and gives no \`s3Bucket\` or \`firehoseDeliveryStreamName\`, so the logs would go nowhere`);
  }
}

/** Region-style AZ names (`eu-west-1a`, `us-gov-west-1b`, `us-east-1-bos-1a` local zones excluded). */
export function checkAvailabilityZoneNames(prop: string, names: readonly string[] | undefined): void {
  if (names === undefined) {
    return;
  }
  for (const az of names) {
    if (!Token.isUnresolved(az) && !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+[a-z]$/.test(az)) {
      throw new Error(`\`${prop}\` must hold availability zone names such as 'eu-west-1a' (not zone ids such as 'euw1-az1'), got ${show(az)}`);
    }
  }
  checkNoRepeats(`\`${prop}\``, names);
}
