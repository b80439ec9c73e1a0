import { Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct, IConstruct } from 'constructs';
import type { IMskCluster } from './cluster-ref';
import { checkTopicConfigValues, checkTopicNameNotReserved, registerTopicName } from '../private/checks-msk';
import { checkIntegerRange, checkTopicName, show } from '../private/validation';

/** Options of a topic, for {@link MskCluster.addTopic}. */
export interface MskTopicOptions {
  /** Name of the topic. Changing it replaces the topic (and loses its data). */
  readonly topicName: string;

  /**
   * Number of partitions (1–10000). Can grow later, never shrink.
   * @default 3
   */
  readonly partitions?: number;

  /**
   * Replication factor. Changing it replaces the topic.
   * @default - the cluster's default replication factor (3 on clusters of 3 or more brokers)
   */
  readonly replicationFactor?: number;

  /**
   * Topic-level settings (`retention.ms`, `cleanup.policy`, `min.insync.replicas`, ...).
   * @default - the cluster's settings
   */
  readonly configs?: { [key: string]: string };

  /**
   * What happens to the topic (and its data) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of {@link MskTopic}. */
export interface MskTopicProps extends MskTopicOptions {
  /** The cluster of the topic. */
  readonly cluster: IMskCluster;
}

/** A Kafka topic of an MSK cluster: created by {@link MskTopic} or imported with {@link MskTopic.fromTopicName}. */
export interface IMskTopic extends IConstruct {
  /**
   * Name of the topic.
   * @attribute
   */
  readonly topicName: string;

  /**
   * ARN of the topic (`arn:<partition>:kafka:<region>:<account>:topic/<cluster name>/<cluster uuid>/<topic name>`).
   * @attribute
   */
  readonly topicArn: string;

  /** The cluster of the topic. */
  readonly cluster: IMskCluster;

  /**
   * Lets `grantee` consume this topic as the consumer `groups` (the cluster's `grantConsume` for this topic):
   * `kafka-cluster:Connect` and `kafka-cluster:DescribeCluster` on the cluster; `kafka-cluster:DescribeTopic` and
   * `kafka-cluster:ReadData` on the topic; `kafka-cluster:DescribeGroup` and `kafka-cluster:AlterGroup` on the groups
   * (`*` may end a group name to cover a prefix).
   */
  grantRead(grantee: iam.IGrantable, groups: string[]): iam.Grant;

  /**
   * Lets `grantee` produce to this topic (the cluster's `grantProduce` for this topic): `kafka-cluster:Connect`,
   * `kafka-cluster:DescribeCluster` and `kafka-cluster:WriteDataIdempotently` on the cluster;
   * `kafka-cluster:DescribeTopic` and `kafka-cluster:WriteData` on the topic.
   */
  grantWrite(grantee: iam.IGrantable): iam.Grant;

  /** Both {@link IMskTopic.grantRead} (as the consumer `groups`) and {@link IMskTopic.grantWrite}. */
  grantReadWrite(grantee: iam.IGrantable, groups: string[]): iam.Grant;
}

/** Grants of created and imported topics, through the cluster's grants (one definition of the actions). */
abstract class MskTopicBase extends Construct implements IMskTopic {
  public abstract readonly topicName: string;
  public abstract readonly topicArn: string;
  public abstract readonly cluster: IMskCluster;

  public grantRead(grantee: iam.IGrantable, groups: string[]): iam.Grant {
    return this.cluster.grantConsume(grantee, [this.topicName], groups);
  }

  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.cluster.grantProduce(grantee, [this.topicName]);
  }

  public grantReadWrite(grantee: iam.IGrantable, groups: string[]): iam.Grant {
    return this.grantRead(grantee, groups).combine(this.grantWrite(grantee));
  }
}

/** Settings whose values Kafka checks; others are passed through as given. */
const VALID_CLEANUP = ['delete', 'compact', 'compact,delete', 'delete,compact'];
const INTEGER_SETTINGS: { [key: string]: number } = {
  'retention.ms': -1,
  'retention.bytes': -1,
  'segment.bytes': 14,
  'max.message.bytes': 0,
  'min.compaction.lag.ms': 0,
  'delete.retention.ms': 0,
};

/**
 * A Kafka topic, as code (`AWS::MSK::Topic`), with its partitions, replication factor and settings checked at synth.
 *
 * @example
 * new MskTopic(this, 'Orders', { cluster, topicName: 'orders', partitions: 12, configs: { 'retention.ms': '604800000' } });
 */
export class MskTopic extends MskTopicBase {
  /**
   * Uses an existing topic of `cluster` by name, e.g. to grant access to a topic another stack or tool created.
   * Nothing is created.
   */
  public static fromTopicName(scope: Construct, id: string, cluster: IMskCluster, topicName: string): IMskTopic {
    checkTopicName('topicName', topicName);
    class Import extends MskTopicBase {
      public readonly topicName = topicName;
      public readonly topicArn = cluster.topicArn(topicName);
      public readonly cluster = cluster;
    }
    return new Import(scope, id);
  }

  /** Name of the topic. */
  public readonly topicName: string;

  /**
   * ARN of the topic.
   * @attribute
   */
  public readonly topicArn: string;

  /** The cluster of the topic. */
  public readonly cluster: IMskCluster;

  constructor(scope: Construct, id: string, props: MskTopicProps) {
    super(scope, id);
    checkTopicName('topicName', props.topicName);
    checkTopicNameNotReserved('topicName', props.topicName);
    checkIntegerRange('partitions', props.partitions, 1, 10000);
    const inherited = props.cluster.replication ?? {};
    const replicationFactor = props.replicationFactor ?? inherited.defaultReplicationFactor ?? 3;
    const brokers = inherited.brokerCount;
    checkIntegerRange('replicationFactor', replicationFactor, 1, brokers !== undefined && !Token.isUnresolved(brokers) ? brokers : 32);

    const configs = props.configs ?? {};
    checkTopicConfigs(configs, replicationFactor, inherited.minInSyncReplicas);
    checkTopicConfigValues(configs);
    registerTopicName(props.cluster, this, props.topicName);

    const resource = new msk.CfnTopic(this, 'Resource', {
      clusterArn: props.cluster.clusterArn,
      topicName: props.topicName,
      partitionCount: props.partitions ?? 3,
      replicationFactor,
      // ⚠ The MSK topic API takes the settings as Base64 of a JSON object of string values.
      configs: Object.keys(configs).length === 0 ? undefined
        : Object.values(configs).some((v) => Token.isUnresolved(v))
          ? Fn.base64(Stack.of(this).toJsonString(configs))
          : Buffer.from(JSON.stringify(configs)).toString('base64'),
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.topicName = props.topicName;
    this.topicArn = props.cluster.topicArn(props.topicName);
    this.cluster = props.cluster;
  }
}

function checkTopicConfigs(configs: { [key: string]: string }, replicationFactor: number, clusterMinIsr?: number): void {
  for (const [key, value] of Object.entries(configs)) {
    if (Token.isUnresolved(value)) {
      continue; // known only at deploy time; MSK checks it then
    }
    if (!/^[a-z0-9._-]+$/.test(key)) {
      throw new Error(`\`configs\` keys must be Kafka topic setting names, got ${show(key)}`);
    }
    if (key === 'cleanup.policy' && !VALID_CLEANUP.includes(value)) {
      throw new Error(`\`configs\` 'cleanup.policy' must be one of ${VALID_CLEANUP.map(show).join(', ')}, got ${show(value)}`);
    }
    if (key in INTEGER_SETTINGS && (!/^-?\d+$/.test(value) || Number(value) < INTEGER_SETTINGS[key])) {
      throw new Error(`\`configs\` '${key}' must be a whole number of at least ${INTEGER_SETTINGS[key]}, got ${show(value)}`);
    }
  }
  const minIsrText = configs['min.insync.replicas'];
  if ((minIsrText !== undefined && Token.isUnresolved(minIsrText)) || Token.isUnresolved(replicationFactor)) {
    return;
  }
  const minIsr = minIsrText !== undefined ? Number(minIsrText) : clusterMinIsr;
  const known = minIsr !== undefined && !Token.isUnresolved(minIsr);
  if (known && replicationFactor > 1 && (!Number.isInteger(minIsr) || minIsr < 1 || minIsr >= replicationFactor)) {
    throw new Error(`\`configs\` 'min.insync.replicas' (${show(configs['min.insync.replicas'] ?? String(minIsr))}) must be at least 1 and below the replication factor (${replicationFactor}), or a rolling broker update blocks writes`);
  }
}
