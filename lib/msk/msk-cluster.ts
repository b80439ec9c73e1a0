import { Arn, ArnFormat, Duration, Fn, Lazy, Names, RemovalPolicy, Resource, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { IMskCluster, MskClusterReplication } from './cluster-ref';
import { KafkaVersion } from './kafka-version';
import { LogDelivery } from './log-delivery';
import { MskTopic, MskTopicOptions } from './msk-topic';
import { acknowledge } from '../private/acknowledge';
import { sharedAlarmTopic } from '../private/alarm-topic';
import { bootstrapBrokersLookup } from '../private/bootstrap-lookup';
import { checkLogDelivery, mskBrokerInstanceType, checkServerPropertyValues, registerClusterName } from '../private/checks-msk';
import { checkSubnetsInVpc, recordVpc } from '../private/connectivity';
import { createKey, createLogGroup, egressRestrictedSecurityGroup } from '../private/secure-defaults';
import { selectPrivateSubnets } from '../private/subnets';
import { checkIntegerAtLeast, checkIntegerRange, checkOneOf, show } from '../private/validation';


/** Broker IDs the per-broker alarms cover when the broker count is a token (MSK's default quota of brokers per cluster). */
const MAX_BROKERS_WHEN_UNKNOWN = 30;
/** Client ports of MSK brokers inside the VPC. */
export class MskPorts {
  /** TLS (mutual TLS client authentication). */
  public static readonly TLS = 9094;
  /** SASL/SCRAM over TLS. */
  public static readonly SASL_SCRAM = 9096;
  /** SASL/IAM over TLS. */
  public static readonly SASL_IAM = 9098;

  private constructor() {}
}

/** Shared behaviour of created and imported clusters. */
abstract class MskClusterBase extends Resource implements IMskCluster {
  public abstract readonly clusterArn: string;
  public abstract readonly clusterName: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly iamAuthenticationEnabled: boolean;
  public abstract readonly bootstrapBrokersSaslIam: string;
  public abstract readonly replication?: MskClusterReplication;

  public get clusterUuid(): string {
    return Fn.select(2, Fn.split('/', this.clusterArn));
  }

  public topicArn(topicName: string): string {
    checkResourcePattern('topicName', topicName);
    return this.kafkaArn('topic', topicName);
  }

  public groupArn(groupName: string): string {
    checkResourcePattern('groupName', groupName);
    return this.kafkaArn('group', groupName);
  }

  public transactionalIdArn(transactionalId: string): string {
    checkResourcePattern('transactionalId', transactionalId);
    return this.kafkaArn('transactional-id', transactionalId);
  }

  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      resourceArns: [this.clusterArn],
    });
  }

  public grantProduce(grantee: iam.IGrantable, topics: string[]): iam.Grant {
    checkListNotEmpty('topics', topics);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
      resourceArns: [this.clusterArn],
    })
      .combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resourceArns: topics.map((t) => this.topicArn(t)),
      }));
  }

  public grantConsume(grantee: iam.IGrantable, topics: string[], groups: string[]): iam.Grant {
    checkListNotEmpty('topics', topics);
    checkListNotEmpty('groups', groups);
    return this.grantConnect(grantee)
      .combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resourceArns: topics.map((t) => this.topicArn(t)),
      }))
      .combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        resourceArns: groups.map((g) => this.groupArn(g)),
      }));
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName,
      dimensionsMap: { 'Cluster Name': this.clusterName },
      ...props,
    }).attachTo(this);
  }

  public metricForBroker(metricName: string, brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    checkIntegerAtLeast('brokerId', brokerId, 1);
    return this.metric(metricName, {
      dimensionsMap: { 'Cluster Name': this.clusterName, 'Broker ID': Tokenization.stringifyNumber(brokerId) },
      ...props,
    });
  }

  public metricOfflinePartitionsCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OfflinePartitionsCount', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  public metricKafkaDataLogsDiskUsed(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForBroker('KafkaDataLogsDiskUsed', brokerId, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  public metricCpuIdle(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForBroker('CpuIdle', brokerId, { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricCpuUser(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForBroker('CpuUser', brokerId, { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricCpuSystem(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForBroker('CpuSystem', brokerId, { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricUnderReplicatedPartitions(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForBroker('UnderReplicatedPartitions', brokerId, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  public metricBytesInPerSec(brokerId: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForBroker('BytesInPerSec', brokerId, { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  private kafkaArn(resourceType: string, name: string): string {
    const arn = Arn.split(this.clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
    return Stack.of(this).formatArn({
      service: 'kafka',
      partition: arn.partition,
      region: arn.region,
      account: arn.account,
      resource: resourceType,
      resourceName: `${this.clusterName}/${this.clusterUuid}/${name}`,
    });
  }
}

/** Attributes of an existing cluster, for {@link MskCluster.fromClusterAttributes}. */
export interface MskClusterAttributes {
  /** ARN of the cluster. */
  readonly clusterArn: string;

  /**
   * Name of the cluster.
   * @default - read from the ARN
   */
  readonly clusterName?: string;

  /**
   * Bootstrap brokers for IAM clients (`host:9098,...`), e.g. from `aws kafka get-bootstrap-brokers`.
   * @default - none: reading `bootstrapBrokersSaslIam` throws
   */
  readonly bootstrapBrokersSaslIam?: string;

  /**
   * Whether the cluster accepts IAM client authentication.
   * @default true
   */
  readonly iamAuthenticationEnabled?: boolean;

  /**
   * Security groups of the brokers, so `connections` can open them to clients.
   * @default - none: `connections.allowDefaultPortFrom(...)` adds no rule
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The client port `connections.allowDefaultPortFrom(...)` opens: `MskPorts.SASL_IAM` (9098), `MskPorts.SASL_SCRAM`
   * (9096) or `MskPorts.TLS` (9094). Required when IAM authentication is off, since then the cluster's port is not 9098.
   * @default MskPorts.SASL_IAM when `iamAuthenticationEnabled`
   */
  readonly defaultPort?: number;
}

/** Public access to a cluster's brokers. */
export enum MskPublicAccess {
  /** Brokers are reachable only from inside the VPC. */
  DISABLED = 'DISABLED',
  /**
   * Public access with AWS-provided Elastic IPs (`SERVICE_PROVIDED_EIPS`), on a cluster that is already deployed:
   * MSK refuses public access at creation ("When creating a cluster, the only valid value for the Type parameter in
   * PublicAccess is DISABLED").
   */
  ON_DEPLOYED_CLUSTER = 'SERVICE_PROVIDED_EIPS',
}

/** Client authentication of a cluster. Unauthenticated access is never enabled. */
export interface MskClientAuthentication {
  /**
   * IAM access control (SASL/IAM on port 9098).
   * @default true
   */
  readonly iam?: boolean;

  /**
   * SASL/SCRAM (port 9096). Users are Secrets Manager secrets whose names start with `AmazonMSK_`, encrypted with a
   * customer-managed key and associated with the cluster: add them with `MskCluster.addScramUser`.
   * @default false
   */
  readonly scram?: boolean;

  /**
   * Mutual TLS (port 9094): client certificates issued by these ACM Private CAs.
   * @default - no TLS client authentication
   */
  readonly tlsCertificateAuthorities?: acmpca.ICertificateAuthority[];
}

/** The kind of MSK broker [MSK developer guide, "Broker types"]. */
export enum MskBrokerType {
  /** Standard brokers (`kafka.*`): EBS storage you size, durability settings you choose. */
  STANDARD = 'kafka',
  /** Express brokers (`express.*`): storage MSK manages, durability settings fixed, three availability zones. */
  EXPRESS = 'express',
}

/** Options of a SASL/SCRAM user, for {@link MskCluster.addScramUser}. */
export interface MskScramUserOptions {
  /**
   * Name of the user's secret. MSK associates only secrets whose names start with `AmazonMSK_`; 1-512 characters of
   * letters, digits and `/_+=.@-`. Changing it replaces the secret, and with it the password.
   * @default - `AmazonMSK_<clusterName>_<username>`
   */
  readonly secretName?: string;

  /**
   * Customer-managed key that encrypts the secret (MSK refuses secrets encrypted with the AWS managed key
   * `aws/secretsmanager`). MSK asks for a secret to be associated again after its key changes, which a deployment
   * does not do (the association changes only with the list of secrets): choose the key before the first deployment.
   * @default - the cluster's SCRAM key (`scramSecretKey`), created with rotation for the first user
   */
  readonly encryptionKey?: kms.IKey;
}

/** Enhanced monitoring levels of MSK (CloudWatch metrics beyond the free `DEFAULT` set are billed). */
export enum MonitoringLevel {
  /** Cluster- and broker-level basics, free. */
  DEFAULT = 'DEFAULT',
  /** Adds per-broker metrics. */
  PER_BROKER = 'PER_BROKER',
  /** Adds per-topic-per-broker metrics. */
  PER_TOPIC_PER_BROKER = 'PER_TOPIC_PER_BROKER',
  /** Adds per-topic-per-partition metrics (consumer lag). */
  PER_TOPIC_PER_PARTITION = 'PER_TOPIC_PER_PARTITION',
}

/** Storage autoscaling of the broker volumes. Volumes only grow; MSK never shrinks them. */
export interface MskStorageAutoScaling {
  /** Largest volume size per broker, in GiB (up to 16384). */
  readonly maxVolumeSize: number;

  /**
   * Disk use (percent) that triggers growth.
   * @default 60
   */
  readonly targetUtilization?: number;
}

/** Prometheus open monitoring exporters on the brokers. */
export interface MskPrometheus {
  /**
   * JMX exporter (port 11001).
   * @default false
   */
  readonly jmxExporter?: boolean;

  /**
   * Node exporter (port 11002).
   * @default false
   */
  readonly nodeExporter?: boolean;
}

/** Alarms of a cluster. */
export interface MskClusterAlarms {
  /**
   * Alarm when any broker's data volume is fuller than this (percent). 85 is where MSK's best practices say to act:
   * grow storage, lower retention or delete unused topics.
   * @default 85
   */
  readonly diskUsedPercent?: number;

  /**
   * Alarm when any broker's CPU (user + system) is above this (percent). MSK advises staying below 60 so a broker
   * can take over a failed peer's load.
   * @default 60
   */
  readonly cpuPercent?: number;

  /**
   * Where alarms (and their return to OK) are sent. Share one topic across a pipeline's constructs.
   * @default - the stack's shared alarm topic (one per stack, encrypted with a customer-managed key, created on first use; subscribe to `alarmTopic`)
   */
  readonly topic?: sns.ITopic;
}

/** Properties of {@link MskCluster}. */
export interface MskClusterProps {
  /** The VPC of the brokers. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the brokers: 2 or 3, each in its own availability zone.
   * @default - the VPC's private subnets with egress; required when the VPC has none (e.g. an existing VPC extended by `PrivateSubnetWithNat`: pass its `privateSubnetSelection`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Name of the cluster (1–64 letters, digits and hyphens, starting with a letter). Changing it replaces the cluster.
   * @default - a name derived from the construct path, stable across deployments
   */
  readonly clusterName?: string;

  /**
   * Kafka version.
   * @default KafkaVersion.V3_9_X_KRAFT
   */
  readonly kafkaVersion?: KafkaVersion;

  /**
   * Broker instance type, as EC2 names it (`m7g.large`, `m5.xlarge`, ...): MSK's prefix comes from `brokerType`, so
   * `new ec2.InstanceType('m7g.large')` with the default broker type is MSK's `kafka.m7g.large`.
   * @default - m7g.large
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Standard brokers (EBS storage you size) or Express brokers (storage MSK manages, fixed durability settings,
   * three availability zones).
   * @default MskBrokerType.STANDARD
   */
  readonly brokerType?: MskBrokerType;

  /**
   * Total number of brokers: a multiple of the number of subnets (AZs).
   * @default - one broker per AZ
   */
  readonly brokerCount?: number;

  /**
   * EBS volume size per broker in GiB (1–16384). Standard brokers only.
   * @default 1000
   */
  readonly volumeSize?: number;

  /**
   * Grow broker volumes automatically up to a maximum. Standard brokers only.
   * @default - no storage autoscaling
   */
  readonly storageAutoScaling?: MskStorageAutoScaling;

  /**
   * Provisioned storage throughput per broker in MiB/s (250–1000). Standard brokers of size `kafka.m5.4xlarge` /
   * `kafka.m7g.2xlarge` or larger only.
   * @default - no provisioned throughput
   */
  readonly provisionedThroughput?: number;

  /**
   * Key for encryption at rest.
   * @default - a new customer-managed key with rotation, retained
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Client authentication. At least one method; unauthenticated access is never enabled, and traffic between
   * clients and brokers and between brokers is always TLS.
   * @default - IAM only
   */
  readonly clientAuthentication?: MskClientAuthentication;

  /**
   * Public access to the brokers. MSK refuses public access when it creates a cluster, so it is a change to a deployed
   * cluster: deploy with `MskPublicAccess.DISABLED`, then switch to `MskPublicAccess.ON_DEPLOYED_CLUSTER` in a later
   * deployment. It needs the brokers in public subnets, and with SASL/SCRAM or mutual TLS the Apache Kafka ACLs in
   * force (`allow.everyone.if.no.acl.found=false` in `serverProperties`). The cluster keeps TLS and authenticated
   * clients only.
   * @default MskPublicAccess.DISABLED
   */
  readonly publicAccess?: MskPublicAccess;

  /**
   * Extra broker settings (`server.properties`), on top of the durable defaults this construct sets:
   * `unclean.leader.election.enable=false`, `auto.create.topics.enable=false`, `default.replication.factor=3` and
   * `min.insync.replicas=2` (with fewer than 3 brokers: one less replica and in-sync replica).
   * @default - the durable defaults only
   */
  readonly serverProperties?: { [key: string]: string };

  /**
   * Enhanced monitoring level.
   * @default MonitoringLevel.PER_BROKER
   */
  readonly monitoringLevel?: MonitoringLevel;

  /**
   * Prometheus exporters.
   * @default - none
   */
  readonly prometheus?: MskPrometheus;

  /**
   * Broker log delivery.
   * @default - to a new log group kept one year, encrypted with the stack's shared logs key (one customer-managed key for the library's log groups of a stack)
   */
  readonly logging?: LogDelivery;

  /**
   * Broker log delivery.
   * @deprecated use `logging` (the name every construct of this library uses); giving both is an error.
   * @default - as `logging`
   */
  readonly brokerLogging?: LogDelivery;

  /**
   * Alarm thresholds and where they notify.
   * @default - disk above 85 % (Standard brokers), CPU above 60 %, any offline or under-replicated partition; to the stack's shared alarm topic
   */
  readonly alarms?: MskClusterAlarms;

  /**
   * Security groups of the brokers.
   * @default - a new security group with no ingress and no egress
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * What happens to the cluster, its key and log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Amazon MSK provisioned cluster that passes review as synthesized: TLS everywhere, encryption at rest with a
 * customer-managed key, IAM client authentication, durable broker settings, broker logs, alarms, and retained on
 * stack deletion.
 *
 * @example
 * const network = new PrivateSubnetWithNat(this, 'Network');
 * const cluster = new MskCluster(this, 'Cluster', {
 *   vpc: network.vpc,
 *   vpcSubnets: network.privateSubnetSelection,
 * });
 * cluster.addTopic('Orders', { topicName: 'orders', partitions: 6 });
 */
export class MskCluster extends MskClusterBase {
  /** Uses an existing cluster. */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: MskClusterAttributes): IMskCluster {
    const iamOn = attrs.iamAuthenticationEnabled ?? true;
    const ports = [MskPorts.SASL_IAM, MskPorts.SASL_SCRAM, MskPorts.TLS];
    if (attrs.defaultPort === undefined && !iamOn) {
      throw new Error('`defaultPort` is required when `iamAuthenticationEnabled` is false: give the port of the cluster\'s client authentication (MskPorts.SASL_SCRAM 9096 or MskPorts.TLS 9094), got undefined');
    }
    checkOneOf('defaultPort', attrs.defaultPort, ports);
    if (attrs.defaultPort === MskPorts.SASL_IAM && !iamOn) {
      throw new Error('`defaultPort` 9098 is the IAM port, but `iamAuthenticationEnabled` is false; give MskPorts.SASL_SCRAM (9096) or MskPorts.TLS (9094), got 9098');
    }
    class Import extends MskClusterBase {
      public readonly clusterArn = attrs.clusterArn;
      public readonly clusterName = attrs.clusterName ?? nameFromArn(attrs.clusterArn);
      public readonly iamAuthenticationEnabled = iamOn;
      public readonly replication = undefined;
      public readonly connections = new ec2.Connections({
        securityGroups: attrs.securityGroups,
        defaultPort: ec2.Port.tcp(attrs.defaultPort ?? MskPorts.SASL_IAM),
      });

      public get bootstrapBrokersSaslIam(): string {
        if (attrs.bootstrapBrokersSaslIam === undefined) {
          throw new Error(`\`bootstrapBrokersSaslIam\` was not given to MskCluster.fromClusterAttributes for '${this.node.path}'`);
        }
        return attrs.bootstrapBrokersSaslIam;
      }
    }
    return new Import(scope, id);
  }

  /**
   * Uses an existing cluster by ARN. Bootstrap brokers are not known: use `fromClusterAttributes` to give them.
   */
  public static fromClusterArn(scope: Construct, id: string, clusterArn: string): IMskCluster {
    return MskCluster.fromClusterAttributes(scope, id, { clusterArn });
  }

  public readonly clusterArn: string;
  public readonly clusterName: string;
  public readonly connections: ec2.Connections;
  public readonly iamAuthenticationEnabled: boolean;

  /** Whether SASL/SCRAM client authentication is on. */
  public readonly scramAuthenticationEnabled: boolean;

  /** Whether mutual TLS client authentication is on. */
  public readonly tlsAuthenticationEnabled: boolean;

  /** The Kafka version. */
  public readonly kafkaVersion: KafkaVersion;

  /** The number of brokers. */
  public readonly brokerCount: number;

  /** Whether the brokers are Express brokers. */
  public readonly isExpress: boolean;

  /** The key that encrypts the broker volumes. */
  public readonly encryptionKey: kms.IKey;

  /** The broker log group, when logs go to CloudWatch. */
  public readonly logGroup?: logs.ILogGroup;

  /** The broker configuration created by this construct. */
  public readonly configuration: msk.CfnConfiguration;

  /** The effective broker settings (durable defaults merged with `serverProperties`). */
  public readonly serverProperties: { [key: string]: string };

  /** The alarms of the cluster. */
  public readonly alarms: cloudwatch.IAlarm[] = [];

  /** The SNS topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;

  /** The underlying CloudFormation cluster. */
  public readonly cfnCluster: msk.CfnCluster;

  private bootstrapBrokers?: cr.AwsCustomResource;
  private readonly removalPolicy: RemovalPolicy;
  private readonly scramUsers = new Map<string, secretsmanager.ISecret>();
  private scramKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: MskClusterProps) {
    super(scope, id);
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.kafkaVersion = props.kafkaVersion ?? KafkaVersion.V3_9_X_KRAFT;

    checkOneOf('brokerType', props.brokerType, Object.values(MskBrokerType));
    const instanceType = mskBrokerInstanceType('instanceType', props.instanceType, props.brokerType ?? MskBrokerType.STANDARD);
    this.isExpress = props.brokerType === MskBrokerType.EXPRESS;

    const subnets = selectPrivateSubnets(props.vpc, props.vpcSubnets);
    recordVpc(this, props.vpc);
    checkSubnetsInVpc(subnets.subnets, props.vpc);
    const azCount = subnets.subnetIds.length;
    if (azCount < 2 || azCount > 3) {
      throw new Error(`\`vpcSubnets\` must select 2 or 3 subnets (one per availability zone), got ${azCount}`);
    }
    // MSK places one broker group per client subnet and needs each in its own AZ ("Specify exactly two or three
    // subnets in different Availability Zones", MSK CreateCluster BrokerNodeGroupInfo.ClientSubnets). AZs that are
    // tokens are compared in their CloudFormation form: the same expression is the same AZ.
    const azOf = (s: ec2.ISubnet): string | undefined => {
      try {
        return s.availabilityZone;
      } catch {
        return undefined; // an imported subnet given without its AZ cannot be compared
      }
    };
    const azKeys = subnets.subnets.map((s, i) => {
      const az = azOf(s);
      return az === undefined ? `unknown-${i}` : JSON.stringify(Stack.of(this).resolve(az));
    });
    if (azKeys.some((key, i) => azKeys.indexOf(key) !== i)) {
      throw new Error(`\`vpcSubnets\` must select subnets in different availability zones (MSK puts each broker group in its own AZ), got ${show(subnets.subnets.map((s) => `${s.subnetId} (${azOf(s) ?? 'AZ unknown'})`))}`);
    }
    if (this.isExpress && azCount !== 3) {
      throw new Error(`Express brokers (\`brokerType\` MskBrokerType.EXPRESS, ${show(instanceType)}) need 3 availability zones, but \`vpcSubnets\` selects ${azCount} subnets`);
    }
    this.brokerCount = props.brokerCount ?? azCount;
    const brokersFitAzs = Number.isInteger(this.brokerCount) && this.brokerCount >= azCount && this.brokerCount % azCount === 0;
    if (!Token.isUnresolved(this.brokerCount) && !brokersFitAzs) {
      throw new Error(`\`brokerCount\` must be a positive multiple of the number of availability zones (${azCount}, the subnets \`vpcSubnets\` selects), got ${this.brokerCount}`);
    }

    this.checkStorage(props);

    const auth = props.clientAuthentication ?? {};
    this.iamAuthenticationEnabled = auth.iam ?? true;
    this.scramAuthenticationEnabled = auth.scram ?? false;
    const cas = auth.tlsCertificateAuthorities ?? [];
    this.tlsAuthenticationEnabled = cas.length > 0;
    if (!this.iamAuthenticationEnabled && !this.scramAuthenticationEnabled && !this.tlsAuthenticationEnabled) {
      throw new Error('`clientAuthentication` must enable at least one of `iam`, `scram` or `tlsCertificateAuthorities`; unauthenticated access is not offered, got none');
    }
    const publicAccess = props.publicAccess ?? MskPublicAccess.DISABLED;
    checkOneOf('publicAccess', publicAccess, Object.values(MskPublicAccess));
    if (publicAccess === MskPublicAccess.ON_DEPLOYED_CLUSTER) {
      if (!subnets.hasPublic) {
        throw new Error('`publicAccess` needs the brokers in public subnets, but `vpcSubnets` selects none; keep the cluster private and let clients in through the VPC instead');
      }
      // MSK developer guide, "Turn on public access": with SASL/SCRAM or mutual TLS, Kafka ACLs must be in force.
      const acls = props.serverProperties?.['allow.everyone.if.no.acl.found'];
      if ((this.scramAuthenticationEnabled || this.tlsAuthenticationEnabled) && acls !== 'false') {
        throw new Error(`\`publicAccess\` with SASL/SCRAM or mutual TLS needs Apache Kafka ACLs in force: set \`serverProperties\` 'allow.everyone.if.no.acl.found' to 'false' (after creating the ACLs), got ${show(acls)}`);
      }
    }

    checkOneOf('monitoringLevel', props.monitoringLevel, Object.values(MonitoringLevel));

    this.serverProperties = this.durableServerProperties(props.serverProperties ?? {});
    checkServerPropertyValues(this.serverProperties, Token.isUnresolved(this.brokerCount) ? undefined : this.brokerCount);

    this.clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    if (!Token.isUnresolved(this.clusterName) && !/^[a-zA-Z][a-zA-Z0-9-]{0,63}$/.test(this.clusterName)) {
      throw new Error(`\`clusterName\` must be 1-64 letters, digits and hyphens starting with a letter, got ${show(this.clusterName)}`);
    }
    if (props.clusterName !== undefined) {
      registerClusterName(this, props.clusterName);
    }

    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the data volumes of MSK cluster ${this.clusterName}`, props.removalPolicy);

    const securityGroups = props.securityGroups ?? [egressRestrictedSecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `MSK brokers of ${this.clusterName}: client ports open only to client security groups`,
    })];
    this.connections = new ec2.Connections({ securityGroups, defaultPort: ec2.Port.tcp(this.defaultPort()) });

    // Name and KafkaVersionsList are create-only and CloudFormation replaces the configuration create-then-delete: the
    // Kafka version is in the name, so an upgrade creates the next configuration under a new name before the old one
    // is deleted.
    this.configuration = new msk.CfnConfiguration(this, 'Configuration', {
      name: `${this.clusterName}-kafka-${this.kafkaVersion.version.replace(/[^a-zA-Z0-9]+/g, '-')}`,
      description: `Durable broker settings of ${this.clusterName}`,
      kafkaVersionsList: [this.kafkaVersion.version],
      serverProperties: Object.entries(this.serverProperties).map(([k, v]) => `${k}=${v}`).join('\n'),
    });

    if (props.logging !== undefined && props.brokerLogging !== undefined) {
      throw new Error('`brokerLogging` is the deprecated name of `logging`: give only `logging`, got both');
    }
    const loggingProp = props.brokerLogging !== undefined ? 'brokerLogging' : 'logging';
    checkLogDelivery(loggingProp, props.logging ?? props.brokerLogging);
    const logging = props.logging ?? props.brokerLogging ?? {};
    if (logging.cloudWatch ?? true) {
      this.logGroup = logging.logGroup ?? createLogGroup(this, 'BrokerLogs', {
        retention: logging.logRetention,
        removalPolicy: props.removalPolicy,
      });
    }

    this.cfnCluster = new msk.CfnCluster(this, 'Resource', {
      clusterName: this.clusterName,
      kafkaVersion: this.kafkaVersion.version,
      numberOfBrokerNodes: this.brokerCount,
      brokerNodeGroupInfo: {
        instanceType,
        clientSubnets: subnets.subnetIds,
        securityGroups: securityGroups.map((sg) => sg.securityGroupId),
        storageInfo: this.isExpress ? undefined : {
          ebsStorageInfo: {
            volumeSize: props.volumeSize ?? 1000,
            provisionedThroughput: props.provisionedThroughput === undefined ? undefined : {
              enabled: true,
              volumeThroughput: props.provisionedThroughput,
            },
          },
        },
        connectivityInfo: publicAccess === MskPublicAccess.ON_DEPLOYED_CLUSTER ? { publicAccess: { type: publicAccess } } : undefined,
      },
      encryptionInfo: {
        encryptionAtRest: { dataVolumeKmsKeyId: this.encryptionKey.keyArn },
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      clientAuthentication: {
        sasl: {
          iam: { enabled: this.iamAuthenticationEnabled },
          scram: { enabled: this.scramAuthenticationEnabled },
        },
        tls: this.tlsAuthenticationEnabled
          ? { enabled: true, certificateAuthorityArnList: cas.map((ca) => ca.certificateAuthorityArn) }
          : { enabled: false },
        unauthenticated: { enabled: false },
      },
      configurationInfo: { arn: this.configuration.attrArn, revision: this.configuration.attrLatestRevisionRevision },
      enhancedMonitoring: props.monitoringLevel ?? MonitoringLevel.PER_BROKER,
      openMonitoring: props.prometheus ? {
        prometheus: {
          jmxExporter: { enabledInBroker: props.prometheus.jmxExporter ?? false },
          nodeExporter: { enabledInBroker: props.prometheus.nodeExporter ?? false },
        },
      } : undefined,
      loggingInfo: {
        brokerLogs: {
          cloudWatchLogs: { enabled: this.logGroup !== undefined, logGroup: this.logGroup?.logGroupName },
          s3: logging.s3Bucket ? { enabled: true, bucket: logging.s3Bucket.bucketName, prefix: logging.s3Prefix } : undefined,
          firehose: logging.firehoseDeliveryStreamName
            ? { enabled: true, deliveryStream: logging.firehoseDeliveryStreamName }
            : undefined,
        },
      },
    });
    this.cfnCluster.applyRemovalPolicy(this.removalPolicy);
    this.clusterArn = this.cfnCluster.ref;

    if (props.storageAutoScaling) {
      this.addStorageAutoScaling(props.volumeSize ?? 1000, props.storageAutoScaling);
    }
    this.alarmTopic = props.alarms?.topic ?? sharedAlarmTopic(this);
    this.addAlarms(props.alarms ?? {});
  }

  /**
   * Bootstrap brokers for IAM clients (`host:9098,...`), read at deploy time by a custom resource that calls
   * `kafka:GetBootstrapBrokers` (nothing is looked up at synth).
   */
  public get bootstrapBrokersSaslIam(): string {
    if (!this.iamAuthenticationEnabled) {
      throw new Error(`\`bootstrapBrokersSaslIam\` is not available: IAM client authentication is off for '${this.node.path}'`);
    }
    return this.bootstrapBrokersField('BootstrapBrokerStringSaslIam');
  }

  /** Bootstrap brokers for SASL/SCRAM clients (`host:9096,...`), read at deploy time. */
  public get bootstrapBrokersSaslScram(): string {
    if (!this.scramAuthenticationEnabled) {
      throw new Error(`\`bootstrapBrokersSaslScram\` is not available: SASL/SCRAM client authentication is off for '${this.node.path}'`);
    }
    return this.bootstrapBrokersField('BootstrapBrokerStringSaslScram');
  }

  /** Bootstrap brokers for mutual-TLS clients (`host:9094,...`), read at deploy time. */
  public get bootstrapBrokersTls(): string {
    if (!this.tlsAuthenticationEnabled) {
      throw new Error(`\`bootstrapBrokersTls\` is not available: TLS client authentication is off for '${this.node.path}'`);
    }
    return this.bootstrapBrokersField('BootstrapBrokerStringTls');
  }

  /** Adds a topic to the cluster. */
  public addTopic(id: string, options: MskTopicOptions): MskTopic {
    return new MskTopic(this, id, { ...options, cluster: this });
  }

  /**
   * Adds a SASL/SCRAM user: a Secrets Manager secret `{"username": ..., "password": ...}` with a generated
   * password (32 letters and digits, never in the template), encrypted with a customer-managed key and associated with
   * the cluster (one `AWS::MSK::BatchScramSecret` lists every user's secret). The secret, its key and the association
   * follow the cluster's `removalPolicy` (retained by default).
   *
   * MSK attaches its own resource policy to each associated secret (it must not be changed), so none is set here.
   * Give clients the password with `grantRead` on the returned secret; Kafka ACLs decide what a SCRAM user may do.
   * The secret is not rotated: a new password reaches MSK within minutes but not the clients, so add a new user and
   * retire the old one instead. MSK documents at most 1000 users per cluster and 10 secrets per association call.
   *
   * @param username 1-64 letters, digits, '.', '_', '-' or '@'; known at synth, since it names the secret's construct
   * @returns the user's secret
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-password.html
   */
  public addScramUser(username: string, options: MskScramUserOptions = {}): secretsmanager.ISecret {
    if (!this.scramAuthenticationEnabled) {
      throw new Error(`\`clientAuthentication.scram\` must be true to add SASL/SCRAM users (addScramUser(${show(username)}) on '${this.node.path}'), got false`);
    }
    if (Token.isUnresolved(username) || !/^[A-Za-z0-9._@-]{1,64}$/.test(username)) {
      throw new Error(`\`username\` must be 1-64 letters, digits, '.', '_', '-' or '@', known at synth (it names the user's secret and construct), got ${show(username)}`);
    }
    if (this.scramUsers.has(username)) {
      throw new Error(`\`username\` ${show(username)} is already a SASL/SCRAM user of '${this.node.path}'`);
    }
    const secretName = options.secretName ?? `AmazonMSK_${this.clusterName}_${username}`;
    if (!Token.isUnresolved(secretName) && (!secretName.startsWith('AmazonMSK_') || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(secretName))) {
      throw new Error(`\`secretName\` must start with 'AmazonMSK_' (MSK associates no other secret) and be at most 512 letters, digits and '/_+=.@-', got ${show(secretName)}`);
    }
    // Key policy: the Secret lets this account use the key through Secrets Manager (kms:ViaService). Associating the
    // secret needs kms:CreateGrant and kms:DescribeKey of the deploying role (the permissions of the
    // AWS::MSK::BatchScramSecret handler): MSK makes a grant on the key for itself, which the default account statement
    // delegates to IAM and DenyGrantsExceptForAwsServices lets through (kms:GrantIsForAWSResource). No other statement
    // is needed, and no secret resource policy: MSK attaches its own.
    const secret = new secretsmanager.Secret(this, `ScramUser-${username}`, {
      secretName,
      description: `SASL/SCRAM user ${username} of MSK cluster ${this.clusterName}`,
      encryptionKey: options.encryptionKey ?? this.scramSecretKeyOrCreate(),
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username }),
        generateStringKey: 'password',
        passwordLength: 32,
        // Letters and digits only: the password goes into JAAS configurations and properties files unescaped.
        excludePunctuation: true,
      },
      removalPolicy: this.removalPolicy,
    });
    const rotation = 'MSK SASL/SCRAM users have no managed rotation function, and a rotated password reaches MSK within minutes but not the Kafka clients that hold it, which then fail to authenticate; rotate by adding a new user (addScramUser) and retiring the old one once its clients moved.';
    acknowledge(secret, 'AwsSolutions-SMG4', rotation);
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      acknowledge(secret, `${pack}-SecretsManagerRotationEnabled`, rotation);
    }
    if (this.scramUsers.size === 0) {
      const association = new msk.CfnBatchScramSecret(this, 'ScramSecrets', {
        clusterArn: this.clusterArn,
        secretArnList: Lazy.list({ produce: () => [...this.scramUsers.values()].map((s) => s.secretArn) }),
      });
      // Kept with a retained cluster, so the retained users keep signing in.
      association.applyRemovalPolicy(this.removalPolicy);
    }
    this.scramUsers.set(username, secret);
    return secret;
  }

  /**
   * The key that encrypts the SASL/SCRAM user secrets `addScramUser` creates without their own `encryptionKey`:
   * undefined until the first such user.
   */
  public get scramSecretKey(): kms.IKey | undefined {
    return this.scramKey;
  }

  /** Default replication factor of new topics on this cluster. */
  public get defaultReplicationFactor(): number {
    return Number(this.serverProperties['default.replication.factor'] ?? 3);
  }

  /** Minimum in-sync replicas of topics on this cluster (unless a topic sets its own). */
  public get minInSyncReplicas(): number {
    return Number(this.serverProperties['min.insync.replicas'] ?? 2);
  }

  /** The broker count, `defaultReplicationFactor` and `minInSyncReplicas`, which this cluster's topics are checked against. */
  public get replication(): MskClusterReplication | undefined {
    return { brokerCount: this.brokerCount, defaultReplicationFactor: this.defaultReplicationFactor, minInSyncReplicas: this.minInSyncReplicas };
  }

  private scramSecretKeyOrCreate(): kms.IKey {
    this.scramKey = this.scramKey ?? createKey(this, 'ScramKey', `Encrypts the SASL/SCRAM user secrets of MSK cluster ${this.clusterName}`, this.removalPolicy);
    return this.scramKey;
  }

  private defaultPort(): number {
    if (this.iamAuthenticationEnabled) {
      return MskPorts.SASL_IAM;
    }
    return this.scramAuthenticationEnabled ? MskPorts.SASL_SCRAM : MskPorts.TLS;
  }

  private checkStorage(props: MskClusterProps): void {
    if (this.isExpress) {
      for (const prop of ['volumeSize', 'storageAutoScaling', 'provisionedThroughput'] as const) {
        if (props[prop] !== undefined) {
          throw new Error(`\`${prop}\` is not supported by Express brokers (\`brokerType\` MskBrokerType.EXPRESS), which manage their own storage; got ${show(props[prop])}`);
        }
      }
      return;
    }
    checkIntegerRange('volumeSize', props.volumeSize, 1, 16384);
    if (props.storageAutoScaling) {
      const { maxVolumeSize, targetUtilization } = props.storageAutoScaling;
      checkIntegerRange('storageAutoScaling.maxVolumeSize', maxVolumeSize, 1, 16384);
      checkIntegerRange('storageAutoScaling.targetUtilization', targetUtilization, 10, 80);
      if (maxVolumeSize <= (props.volumeSize ?? 1000)) {
        throw new Error(`\`storageAutoScaling.maxVolumeSize\` must be larger than \`volumeSize\` (${props.volumeSize ?? 1000}), got ${maxVolumeSize}`);
      }
    }
    checkIntegerRange('provisionedThroughput', props.provisionedThroughput, 250, 1000);
    // The broker size can only be checked when the instance type is known at synth.
    const instanceType = props.instanceType?.toString() ?? 'm7g.large';
    if (props.provisionedThroughput !== undefined && !Token.isUnresolved(instanceType)) {
      const [family, size] = instanceType.split('.');
      const multiple = /^(\d+)xlarge$/.exec(size ?? '');
      const minimum = family === 'm5' ? 4 : 2;
      if (!multiple || Number(multiple[1]) < minimum) {
        throw new Error(`\`provisionedThroughput\` needs a broker of size m5.4xlarge / m7g.2xlarge or larger, got \`instanceType\` ${show(instanceType)}`);
      }
    }
  }

  /** The durable defaults, adjusted to the broker count, with validated user overrides on top. */
  private durableServerProperties(overrides: { [key: string]: string }): { [key: string]: string } {
    for (const [key, value] of Object.entries(overrides)) {
      if (!/^[a-z0-9._-]+$/.test(key) || /[\r\n]/.test(value)) {
        throw new Error(`\`serverProperties\` must map property names (a-z, 0-9, '.', '_', '-') to single-line values, got ${show(key)}=${show(value)}`);
      }
    }
    if (this.isExpress) {
      for (const key of ['default.replication.factor', 'min.insync.replicas', 'unclean.leader.election.enable']) {
        if (key in overrides) {
          throw new Error(`\`serverProperties\` cannot set '${key}' on Express brokers, which fix it (replication factor 3, min in-sync replicas 2, no unclean election); got ${show(overrides[key])}`);
        }
      }
      return { 'auto.create.topics.enable': 'false', ...overrides };
    }

    const brokers = Token.isUnresolved(this.brokerCount) ? 3 : this.brokerCount;
    const defaultRf = Math.min(3, brokers);
    const merged: { [key: string]: string } = {
      'auto.create.topics.enable': 'false',
      'default.replication.factor': String(defaultRf),
      'min.insync.replicas': String(Math.max(1, defaultRf - 1)),
      'unclean.leader.election.enable': 'false',
      ...overrides,
    };
    const rf = Number(merged['default.replication.factor']);
    const minIsr = Number(merged['min.insync.replicas']);
    if (!Number.isInteger(rf) || rf < 1 || rf > brokers) {
      throw new Error(`\`serverProperties\` 'default.replication.factor' must be a whole number from 1 to the broker count (${brokers}), got ${show(merged['default.replication.factor'])}`);
    }
    if (!Number.isInteger(minIsr) || minIsr < 1 || minIsr >= rf) {
      throw new Error(`\`serverProperties\` 'min.insync.replicas' must be at least 1 and below 'default.replication.factor' (${rf}) so writes survive a rolling broker update, got ${show(merged['min.insync.replicas'])}`);
    }
    for (const key of ['unclean.leader.election.enable', 'auto.create.topics.enable', 'delete.topic.enable']) {
      if (key in merged && !['true', 'false'].includes(merged[key])) {
        throw new Error(`\`serverProperties\` '${key}' must be 'true' or 'false', got ${show(merged[key])}`);
      }
    }
    return merged;
  }

  private bootstrapBrokersField(field: string): string {
    if (!this.bootstrapBrokers) {
      this.bootstrapBrokers = bootstrapBrokersLookup(this, 'BootstrapBrokers', this.clusterArn, [
        ...(this.iamAuthenticationEnabled ? ['BootstrapBrokerStringSaslIam'] : []),
        ...(this.scramAuthenticationEnabled ? ['BootstrapBrokerStringSaslScram'] : []),
        ...(this.tlsAuthenticationEnabled ? ['BootstrapBrokerStringTls'] : []),
      ]);
      // No explicit dependency on the cluster: the lookup's call names its ARN (a Ref), which orders it after the cluster
      // (an explicit DependsOn as well is redundant, CloudFormation Validate W3005).
    }
    return this.bootstrapBrokers.getResponseField(field);
  }

  private addStorageAutoScaling(minCapacity: number, options: MskStorageAutoScaling): void {
    const target = new appscaling.ScalableTarget(this, 'StorageScaling', {
      serviceNamespace: appscaling.ServiceNamespace.KAFKA,
      scalableDimension: 'kafka:broker-storage:VolumeSize',
      resourceId: this.clusterArn,
      minCapacity,
      maxCapacity: options.maxVolumeSize,
      role: iam.Role.fromRoleArn(this, 'StorageScalingRole', Stack.of(this).formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: 'aws-service-role/kafka.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_KafkaCluster',
      })),
    });
    target.scaleToTrackMetric('StorageUtilization', {
      predefinedMetric: appscaling.PredefinedMetric.KAFKA_BROKER_STORAGE_UTILIZATION,
      targetValue: options.targetUtilization ?? 60,
      // MSK cannot shrink volumes.
      disableScaleIn: true,
    });
  }

  private addAlarms(options: MskClusterAlarms): void {
    checkIntegerRange('alarms.diskUsedPercent', options.diskUsedPercent, 1, 100);
    checkIntegerRange('alarms.cpuPercent', options.cpuPercent, 1, 100);
    const add = (id: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.clusterName}: ${description}`,
      });
      alarm.addAlarmAction(new cw_actions.SnsAction(this.alarmTopic));
      alarm.addOkAction(new cw_actions.SnsAction(this.alarmTopic));
      this.alarms.push(alarm);
    };

    // One expression over the brokers' metrics; CloudWatch allows 10 metrics per alarm, so larger clusters get
    // one alarm per group of 10 brokers (the first keeps the plain id).
    const perBrokerAlarm = (id: string, brokerMetric: (brokerId: number) => cloudwatch.IMetric, expression: (ids: string[]) => string,
      label: string, threshold: number, evaluationPeriods: number, description: string) => {
      // With a token broker count, cover broker IDs 1-30 (MSK's default limit of brokers per cluster): metrics of
      // brokers that do not exist are simply missing, and the alarms treat missing data as not breaching.
      const brokers = Token.isUnresolved(this.brokerCount) ? MAX_BROKERS_WHEN_UNKNOWN : this.brokerCount;
      for (let first = 1, group = 1; first <= brokers; first += 10, group++) {
        const usingMetrics: { [id: string]: cloudwatch.IMetric } = {};
        for (let broker = first; broker < first + 10 && broker <= brokers; broker++) {
          usingMetrics[`b${broker}`] = brokerMetric(broker);
        }
        const metric = new cloudwatch.MathExpression({
          expression: expression(Object.keys(usingMetrics)),
          usingMetrics,
          label,
          period: Duration.minutes(5),
        });
        add(group === 1 ? id : `${id}${group}`, metric, threshold, evaluationPeriods, description);
      }
    };

    const diskPercent = options.diskUsedPercent ?? 85;
    if (!this.isExpress) {
      perBrokerAlarm('DiskUsedAlarm', (b) => this.metricKafkaDataLogsDiskUsed(b), (ids) => `MAX([${ids.join(', ')}])`,
        'Fullest broker data volume (%)', diskPercent, 1,
        `a broker data volume is more than ${diskPercent}% full: grow storage, lower retention or delete unused topics`);
    }
    perBrokerAlarm('CpuAlarm', (b) => this.metricCpuIdle(b), (ids) => `100 - MIN([${ids.join(', ')}])`,
      'Busiest broker CPU (%)', options.cpuPercent ?? 60, 3,
      'broker CPU is above the level at which a broker can still absorb a failed peer\'s load');
    perBrokerAlarm('UnderReplicatedPartitionsAlarm', (b) => this.metricUnderReplicatedPartitions(b), (ids) => `SUM([${ids.join(', ')}])`,
      'Under-replicated partitions', 0, 3, 'partitions have been under-replicated for 15 minutes');
    add('OfflinePartitionsAlarm', this.metricOfflinePartitionsCount(), 0, 1, 'partitions are offline: producers and consumers of them are blocked');
  }
}

function nameFromArn(arn: string): string {
  if (Token.isUnresolved(arn)) {
    return Fn.select(1, Fn.split('/', arn));
  }
  const parts = arn.split('/');
  if (!arn.startsWith('arn:') || !arn.includes(':cluster/') || parts.length < 3) {
    throw new Error(`\`clusterArn\` must be an MSK cluster ARN (arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>), got ${show(arn)}`);
  }
  return parts[1];
}

/** Topic, group and transactional-id names in IAM ARNs: Kafka's characters, optionally ending in `*`. */
function checkResourcePattern(prop: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  const stem = value.endsWith('*') ? value.slice(0, -1) : value;
  if (value.length === 0 || value.length > 255 || !/^[a-zA-Z0-9._-]*$/.test(stem) || value === '*') {
    throw new Error(`\`${prop}\` must be a name of letters, digits, '.', '_' and '-', optionally ending in '*' (and not '*' alone), got ${show(value)}`);
  }
}

function checkListNotEmpty(prop: string, list: string[]): void {
  if (list.length === 0) {
    throw new Error(`\`${prop}\` must name at least one entry, got []`);
  }
}
