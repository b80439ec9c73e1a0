import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ClickHouseEndpoint, ClickHouseSinkConnector, ClickHouseSinkRelease } from '../clickhouse/clickhouse-sink-connector';
import { ConnectorCapacity } from '../connect/connector-capacity';
import { MskConnector } from '../connect/msk-connector';
import { MskBrokerType, MskCluster } from '../msk/msk-cluster';
import { PrivateSubnetWithNat } from '../network/private-subnet-with-nat';
import { createAlarmTopic } from '../private/alarm-topic';
import { checkEmailAddress, checkTopicNameNotReserved, mskBrokerInstanceType } from '../private/checks-msk';
import { checkIntegerRange, checkKmsKeyArn, checkNoRepeats, checkNotEmpty, checkOneOf, checkRequired, checkTopicName, namingUserProps } from '../private/validation';

/** Properties of {@link MskClickHousePipelineStack}. */
export interface MskClickHousePipelineStackProps extends StackProps {
  /** ClickHouse Cloud host name, without scheme or port (e.g. `abc123.eu-west-1.aws.clickhouse.cloud`). */
  readonly clickHouseHostname: string;

  /** Name of the Secrets Manager secret holding the ClickHouse credentials (`{"username": ..., "password": ...}`). */
  readonly credentialsSecretName: string;

  /**
   * ARN of the customer-managed key that encrypts the credentials secret (the sink's role may decrypt with it).
   * @default - no key permission: the secret must use a key whose policy lets the role decrypt
   */
  readonly credentialsKeyArn?: string;

  /** Topics to create and sink into ClickHouse (tables of the same names): at least one. */
  readonly topics: string[];

  /**
   * Partitions per topic.
   * @default 6
   */
  readonly partitions?: number;

  /**
   * The ClickHouse sink release and MSK config provider to install, pinned by the SHA-256 checksums of the files you
   * verified: the deploy-time fetch refuses bytes that do not match.
   */
  readonly sinkRelease: ClickHouseSinkRelease;

  /**
   * Availability zones (2 or 3).
   * @default 3
   */
  readonly availabilityZoneCount?: number;

  /**
   * NAT gateways.
   * @default - one per AZ
   */
  readonly natGateways?: number;

  /**
   * Broker instance type, as EC2 names it (MSK's `kafka.` or `express.` prefix comes from `brokerType`).
   * @default - m7g.large
   */
  readonly brokerInstanceType?: ec2.InstanceType;

  /**
   * Standard or Express brokers.
   * @default MskBrokerType.STANDARD
   */
  readonly brokerType?: MskBrokerType;

  /**
   * Sink capacity.
   * @default ConnectorCapacity.autoScaled()
   */
  readonly sinkCapacity?: ConnectorCapacity;

  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * What happens to the stateful resources (cluster, keys, log groups, topics) when removed.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The bundled example: private network with NAT → MSK (IAM, TLS, CMK) → topics → ClickHouse sink on MSK Connect with a
 * least-privilege role, logs, alarms on one encrypted topic, and a dashboard. Deployable with one `cdk deploy`: the
 * ClickHouse host, credentials secret, topics and pinned sink release are required (the example app in `bin/` passes
 * example values, whose placeholder checksums make the deploy-time plugin fetch fail until replaced).
 */
export class MskClickHousePipelineStack extends Stack {
  /** The network. */
  public readonly network: PrivateSubnetWithNat;
  /** The MSK cluster. */
  public readonly cluster: MskCluster;
  /** The ClickHouse sink. */
  public readonly sink: ClickHouseSinkConnector;
  /** The alarm topic shared by the cluster and the connector. */
  public readonly alarmTopic: sns.ITopic;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MskClickHousePipelineStackProps) {
    super(scope, id, {
      description: 'MSK -> MSK Connect -> ClickHouse pipeline (msk-clickhouse-pipeline example)',
      ...props,
    });
    checkRequired('clickHouseHostname', props.clickHouseHostname, 'the ClickHouse Cloud host name');
    checkRequired('credentialsSecretName', props.credentialsSecretName, 'the name of the Secrets Manager secret with the ClickHouse credentials');
    checkRequired('topics', props.topics, 'the topics to create and sink');
    checkRequired('sinkRelease', props.sinkRelease, 'the ClickHouse sink release and MSK config provider, pinned by SHA-256');
    const topics = props.topics;
    checkNotEmpty('topics', topics);
    topics.forEach((t, i) => {
      checkTopicName(`topics[${i}]`, t);
      checkTopicNameNotReserved(`topics[${i}]`, t);
    });
    checkNoRepeats('`topics`', topics);
    // MSK topics: 1-10000 partitions here (Kafka has no upper bound; MSK's per-broker partition limits apply).
    checkIntegerRange('partitions', props.partitions, 1, 10000);
    checkEmailAddress('alarmEmail', props.alarmEmail);
    checkOneOf('brokerType', props.brokerType, Object.values(MskBrokerType));
    mskBrokerInstanceType('brokerInstanceType', props.brokerInstanceType, props.brokerType ?? MskBrokerType.STANDARD);
    checkKmsKeyArn('credentialsKeyArn', props.credentialsKeyArn, this.region);

    this.alarmTopic = createAlarmTopic(this, 'AlarmTopic', 'Alarms of the MSK to ClickHouse pipeline', props.removalPolicy);
    if (props.alarmEmail) {
      (this.alarmTopic as sns.Topic).addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    this.network = new PrivateSubnetWithNat(this, 'Network', {
      availabilityZoneCount: props.availabilityZoneCount,
      natGateways: props.natGateways,
      removalPolicy: props.removalPolicy,
      // The sink's config provider reads its credentials through AWS PrivateLink, not the internet.
      secretsManagerEndpoint: true,
    });
    // The cluster's subnets are the network's, one per availability zone: `vpcSubnets` comes from `availabilityZoneCount`.
    this.cluster = namingUserProps({ instanceType: 'brokerInstanceType', vpcSubnets: 'availabilityZoneCount' }, () => new MskCluster(this, 'Cluster', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnetSelection,
      instanceType: props.brokerInstanceType,
      brokerType: props.brokerType,
      alarms: { topic: this.alarmTopic },
      removalPolicy: props.removalPolicy,
    }));
    topics.forEach((topic, i) => namingUserProps({ topicName: `topics[${i}]` }, () =>
      this.cluster.addTopic(`Topic-${topic}`, { topicName: topic, partitions: props.partitions ?? 6, removalPolicy: props.removalPolicy })));

    const credentials = secretsmanager.Secret.fromSecretNameV2(this, 'ClickHouseCredentials', props.credentialsSecretName);
    const endpoint = namingUserProps({ hostname: 'clickHouseHostname' }, () => ClickHouseEndpoint.cloud({ hostname: props.clickHouseHostname }));
    this.sink = namingUserProps({ release: 'sinkRelease', capacity: 'sinkCapacity' }, () => new ClickHouseSinkConnector(this, 'ClickHouseSink', {
      cluster: this.cluster,
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnetSelection,
      connectorName: 'clickhouse-sink',
      endpoint,
      credentials,
      credentialsKey: props.credentialsKeyArn ? kms.Key.fromKeyArn(this, 'ClickHouseCredentialsKey', props.credentialsKeyArn) : undefined,
      topics,
      release: props.sinkRelease,
      capacity: props.sinkCapacity,
      alarms: { topic: this.alarmTopic },
      logging: { cloudWatch: true },
    }));

    this.dashboard = this.addDashboard(this.sink.connector);

    new CfnOutput(this, 'NatGatewayPublicIps', {
      description: 'Source addresses of the pipeline: add them to the ClickHouse Cloud IP access list',
      value: Fn.join(',', this.network.natGatewayPublicIps),
    });
    new CfnOutput(this, 'BootstrapBrokersSaslIam', {
      description: 'Bootstrap brokers for IAM-authenticated clients (TLS, port 9098)',
      value: this.cluster.bootstrapBrokersSaslIam,
    });
    new CfnOutput(this, 'ConnectorArn', { description: 'ARN of the ClickHouse sink connector', value: this.sink.connector.connectorArn });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'CloudWatch dashboard of the pipeline',
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe to this topic for pipeline alarms', value: this.alarmTopic.topicArn });
  }

  private addDashboard(connector: MskConnector): cloudwatch.Dashboard {
    // One line per broker, from the cluster's own metric methods (the ones its alarms use).
    const perBroker = (metric: (brokerId: number, props: cloudwatch.MetricOptions) => cloudwatch.IMetric) =>
      Array.from({ length: this.cluster.brokerCount }, (_, i) => metric(i + 1, { label: `Broker ${i + 1}` }));
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-pipeline`,
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...this.cluster.alarms, ...connector.alarms],
        width: 24,
      }),
    );
    dashboard.addWidgets(
      // Express brokers manage their own storage and publish no KafkaDataLogsDiskUsed.
      ...this.cluster.isExpress ? [] : [new cloudwatch.GraphWidget({ title: 'Broker data volume used (%)', left: perBroker((b, p) => this.cluster.metricKafkaDataLogsDiskUsed(b, p)), width: 8 })],
      new cloudwatch.GraphWidget({ title: 'Broker CPU idle (%)', left: perBroker((b, p) => this.cluster.metricCpuIdle(b, p)), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Bytes in per broker', left: perBroker((b, p) => this.cluster.metricBytesInPerSec(b, p)), width: 8 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Connector tasks errored / running', left: [connector.metricErroredTaskCount(), connector.metricRunningTaskCount()], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Connector workers and CPU', left: [connector.metricWorkerCount()], right: [connector.metricCpuUtilization()], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Records read from Kafka / sent to ClickHouse', left: [connector.metricSinkRecordReadRate(), connector.metricSinkRecordSendRate()], width: 8 }),
    );
    return dashboard;
  }
}
