import { IResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The broker count and the replication settings a cluster's topics inherit, as far as they are known at synth: what
 * {@link MskTopic} checks a topic's replication factor and `min.insync.replicas` against.
 */
export interface MskClusterReplication {
  /**
   * Number of brokers: the most replicas a topic can have.
   * @default - unknown: a topic's replication factor is checked against 32 only
   */
  readonly brokerCount?: number;

  /**
   * Replication factor of a topic that sets none (`default.replication.factor`).
   * @default - unknown: a topic that sets no replication factor gets 3
   */
  readonly defaultReplicationFactor?: number;

  /**
   * Minimum in-sync replicas of a topic that sets none (`min.insync.replicas`).
   * @default - unknown: only a topic's own `min.insync.replicas` is checked against its replication factor
   */
  readonly minInSyncReplicas?: number;
}

/**
 * An Amazon MSK provisioned cluster: created by {@link MskCluster} or imported with
 * {@link MskCluster.fromClusterAttributes}.
 */
export interface IMskCluster extends IResource, ec2.IConnectable {
  /**
   * ARN of the cluster (`arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`).
   * @attribute
   */
  readonly clusterArn: string;

  /**
   * Name of the cluster.
   * @attribute
   */
  readonly clusterName: string;

  /**
   * The UUID MSK gives the cluster: the last segment of its ARN, part of every topic and group ARN.
   * @attribute
   */
  readonly clusterUuid: string;

  /** Whether clients can authenticate with IAM (SASL/IAM on port 9098). */
  readonly iamAuthenticationEnabled: boolean;

  /**
   * Bootstrap brokers for IAM clients (`host:9098,...`). Throws when IAM authentication is off or, for an imported
   * cluster, when it was not given.
   * @attribute
   */
  readonly bootstrapBrokersSaslIam: string;

  /**
   * The broker count and the replication settings topics of this cluster inherit. Known for a cluster of this app;
   * undefined for an imported cluster, whose settings are not read at synth.
   * @default - unknown (an imported cluster)
   */
  readonly replication?: MskClusterReplication;

  /** The ARN of a topic of this cluster; `*` may end the name to cover a prefix. */
  topicArn(topicName: string): string;

  /** The ARN of a consumer group of this cluster; `*` may end the name to cover a prefix. */
  groupArn(groupName: string): string;

  /** The ARN of a transactional id of this cluster; `*` may end the id to cover a prefix. */
  transactionalIdArn(transactionalId: string): string;

  /**
   * Lets `grantee` connect and describe the cluster: `kafka-cluster:Connect`, `kafka-cluster:DescribeCluster` on the
   * cluster ARN.
   */
  grantConnect(grantee: iam.IGrantable): iam.Grant;

  /**
   * Lets `grantee` produce to `topics`: `kafka-cluster:Connect`, `kafka-cluster:DescribeCluster` and
   * `kafka-cluster:WriteDataIdempotently` (Kafka 3.x producers are idempotent by default) on the cluster;
   * `kafka-cluster:DescribeTopic` and `kafka-cluster:WriteData` on the topics.
   */
  grantProduce(grantee: iam.IGrantable, topics: string[]): iam.Grant;

  /**
   * Lets `grantee` consume `topics` as the consumer `groups`: `kafka-cluster:Connect` and
   * `kafka-cluster:DescribeCluster` on the cluster; `kafka-cluster:DescribeTopic` and `kafka-cluster:ReadData` on the
   * topics; `kafka-cluster:DescribeGroup` and `kafka-cluster:AlterGroup` on the groups.
   */
  grantConsume(grantee: iam.IGrantable, topics: string[], groups: string[]): iam.Grant;

  /**
   * A cluster-level metric of this cluster: namespace `AWS/Kafka`, dimension `Cluster Name`; average over 5 minutes
   * unless `props` say otherwise.
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * A broker-level metric of this cluster: namespace `AWS/Kafka`, dimensions `Cluster Name` and `Broker ID` (MSK
   * numbers brokers from 1); average over 5 minutes unless `props` say otherwise.
   */
  metricForBroker(metricName: string, brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Partitions without an active leader, cluster-wide (`OfflinePartitionsCount`); maximum over 5 minutes. */
  metricOfflinePartitionsCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Percentage of a broker's data volume in use (`KafkaDataLogsDiskUsed`); maximum over 5 minutes. Standard brokers
   * only: Express brokers manage their own storage and publish no such metric.
   */
  metricKafkaDataLogsDiskUsed(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Percentage of a broker's CPU time that is idle (`CpuIdle`); average over 5 minutes. */
  metricCpuIdle(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Percentage of a broker's CPU time in user space (`CpuUser`); average over 5 minutes. */
  metricCpuUser(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Percentage of a broker's CPU time in kernel space (`CpuSystem`); average over 5 minutes. */
  metricCpuSystem(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Partitions a broker leads whose followers are not all in sync (`UnderReplicatedPartitions`); maximum over 5 minutes. */
  metricUnderReplicatedPartitions(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Bytes per second a broker receives from clients (`BytesInPerSec`); average over 5 minutes. */
  metricBytesInPerSec(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
