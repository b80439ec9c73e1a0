import { Duration, Fn, IResource, RemovalPolicy, Resource, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConnectorCapacity, KafkaConnectVersion } from './connector-capacity';
import { IConnectorPlugin } from './connector-plugin';
import { ConnectorPermissions, LeastPrivilegeConnectorRole } from './connector-role';
import { IWorkerConfiguration } from './worker-configuration';
import { IMskCluster } from '../msk/cluster-ref';
import { LogDelivery } from '../msk/log-delivery';
import { MskPorts } from '../msk/msk-cluster';
import { acknowledgeChecklistItem } from '../private/acknowledge';
import { sharedAlarmTopic } from '../private/alarm-topic';
import { checkJavaClass, checkJavaRegex, checkMaxLength, checkNoLiteralSecrets, checkNoSecretInText, checkRoleFits, coveredBy, literalPrefixes, registerConnectorName } from '../private/checks-connect';
import { checkLogDelivery } from '../private/checks-msk';
import { checkNatEgress, checkSecurityGroupPath, checkSubnetsInVpc, describeVpc, Destination, differentVpcs, recordedVpc } from '../private/connectivity';
import { secretsManagerEndpointOf } from '../private/endpoints';
import { createLogGroup, egressRestrictedSecurityGroup } from '../private/secure-defaults';
import { selectPrivateSubnets } from '../private/subnets';
import { checkNoRepeats, isKafkaTopicName, parseArn, show } from '../private/validation';

/**
 * An MSK Connect connector: created by {@link MskConnector} or imported with
 * {@link MskConnector.fromConnectorAttributes}. Its `grantPrincipal` is the connector's service execution role, so
 * `bucket.grantRead(connector)` and other `grant*` methods give the connector's workers access to more. The topics and
 * groups the connector itself reads and writes belong in `permissions` (`readTopics`, ...), which the constructs
 * check against the connector configuration; grants are for anything beyond that.
 */
export interface IMskConnector extends IResource, ec2.IConnectable, iam.IGrantable {
  /**
   * ARN of the connector.
   * @attribute
   */
  readonly connectorArn: string;

  /**
   * Name of the connector.
   * @attribute
   */
  readonly connectorName: string;

  /**
   * A metric of this connector: namespace `AWS/KafkaConnect`, dimension `ConnectorName`; average over 5 minutes
   * unless `props` say otherwise.
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Tasks in the failed state (`ErroredTaskCount`); maximum over 5 minutes. */
  metricErroredTaskCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Tasks running (`RunningTaskCount`); average over 5 minutes. */
  metricRunningTaskCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Workers running (`WorkerCount`); minimum over 5 minutes. */
  metricWorkerCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** CPU use of the workers, system and user, in percent (`CpuUtilization`); average over 5 minutes. */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Records a sink connector reads from Kafka per second (`SinkRecordReadRate`); average over 5 minutes. */
  metricSinkRecordReadRate(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Records a sink connector sends to its destination per second (`SinkRecordSendRate`); average over 5 minutes. */
  metricSinkRecordSendRate(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Attributes of an existing connector, for {@link MskConnector.fromConnectorAttributes}. */
export interface MskConnectorAttributes {
  /** ARN of the connector (`arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<uuid>`). */
  readonly connectorArn: string;

  /**
   * Name of the connector.
   * @default - read from the ARN
   */
  readonly connectorName?: string;

  /**
   * Security groups of the workers, so `connections` can let them into other resources.
   * @default - none: `connections.allowTo(...)` adds no rule
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The connector's service execution role, so `grant*(connector, ...)` adds to its policy.
   * @default - no role: grants to the connector add nothing and leave a warning on the construct (aws-cdk's `UnknownPrincipal`)
   */
  readonly role?: iam.IRole;
}

/** Shared behaviour of created and imported connectors. */
abstract class MskConnectorBase extends Resource implements IMskConnector {
  public abstract readonly connectorArn: string;
  public abstract readonly connectorName: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly grantPrincipal: iam.IPrincipal;

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/KafkaConnect',
      metricName,
      dimensionsMap: { ConnectorName: this.connectorName },
      period: Duration.minutes(5),
      ...props,
    }).attachTo(this);
  }

  public metricErroredTaskCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ErroredTaskCount', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  public metricRunningTaskCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RunningTaskCount', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricWorkerCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WorkerCount', { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CpuUtilization', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricSinkRecordReadRate(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SinkRecordReadRate', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricSinkRecordSendRate(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SinkRecordSendRate', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }
}

/** Alarms of a connector. */
export interface ConnectorAlarms {
  /**
   * Where alarms (and their return to OK) are sent. Share one topic across a pipeline.
   * @default - the stack's shared alarm topic (one per stack, encrypted with a customer-managed key, created on first use)
   */
  readonly topic?: sns.ITopic;

  /**
   * Alarm when the workers' average CPU is above this (percent).
   * @default 80
   */
  readonly cpuPercent?: number;
}

/** Properties of {@link MskConnector}. */
export interface MskConnectorProps {
  /** The cluster the connector reads from or writes to. It must accept IAM authentication. */
  readonly cluster: IMskCluster;

  /** The VPC of the workers. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the workers: private subnets only (each worker takes one IP). Egress to the internet, where the
   * connector needs it, goes through a NAT gateway.
   * @default - the VPC's private subnets with egress; required when the VPC has none (e.g. an existing VPC extended by `PrivateSubnetWithNat`: pass its `privateSubnetSelection`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Name of the connector (1–100 letters, digits and hyphens). It stays the same when CloudFormation replaces the
   * connector (delete, then create), so a sink keeps its consumer group `connect-<name>` and its offsets. Changing it
   * replaces the connector: a sink starts a new consumer group, a source starts over.
   */
  readonly connectorName: string;

  /** The custom plugin holding the connector (and any config provider) JARs. */
  readonly plugin: IConnectorPlugin;

  /**
   * The connector configuration (`connector.class`, `tasks.max`, ...). Values of secret-looking keys (password,
   * secret, token, credentials, API keys, JAAS configs) must be config-provider references such as
   * `${secretsmanager:name:key}`: a literal value is refused.
   */
  readonly connectorConfiguration: { [key: string]: string };

  /**
   * Compute capacity. Changes update the connector in place.
   * @default ConnectorCapacity.provisioned() - one worker of 1 MCU
   */
  readonly capacity?: ConnectorCapacity;

  /**
   * Kafka Connect version.
   * @default KafkaConnectVersion.V3_7_X
   */
  readonly kafkaConnectVersion?: KafkaConnectVersion;

  /**
   * Worker configuration. Required when the configuration references `${secretsmanager:...}`: it must declare the
   * Secrets Manager config provider.
   * @default - MSK Connect's default worker configuration
   */
  readonly workerConfiguration?: IWorkerConfiguration;

  /**
   * What the connector does, from which its least-privilege role is built. Not used with `role`.
   * @default - only what every connector needs (cluster connect, MSK Connect internal topics and groups)
   */
  readonly permissions?: ConnectorPermissions;

  /**
   * A service execution role to use instead of the least-privilege role built from `permissions`.
   * @default - a `LeastPrivilegeConnectorRole`
   */
  readonly role?: iam.IRole;

  /**
   * Security groups of the workers.
   * @default - a new security group whose only egress is the cluster's IAM port (plus HTTPS when secrets are used)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Worker log delivery.
   * @default - to a new log group kept one year, encrypted with the stack's shared logs key (one customer-managed key for the library's log groups of a stack)
   */
  readonly logging?: LogDelivery;

  /**
   * Alarm settings.
   * @default - errored tasks, too few workers, CPU above 80 %; to the stack's shared alarm topic
   */
  readonly alarms?: ConnectorAlarms;

  /**
   * Description. It cannot change without replacing the connector (CloudFormation: create-only), so keep it stable:
   * put changing facts (host names, versions) in tags or the configuration, not here.
   * @default - none
   */
  readonly description?: string;

  /**
   * What happens to the connector's log group when it leaves the stack (the shared logs key is always retained).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}


/** Kafka's topic-name rule, for a topic named inside `connectorConfiguration`. */
function checkKafkaTopic(what: string, name: string): void {
  if (!Token.isUnresolved(name) && !isKafkaTopicName(name)) {
    throw new Error(`\`connectorConfiguration\` ${what} must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got ${show(name)}`);
  }
}

/** MirrorMaker 2's connectors read `topics` as regexes of the source cluster's topics, not as topic names to consume. */
function isMirrorMaker(config: { [key: string]: string }): boolean {
  return String(config['connector.class']).startsWith('org.apache.kafka.connect.mirror.');
}

/**
 * Kafka Connect framework keys whose values the framework validates when the connector is created
 * (ConnectorConfig, SinkConnectorConfig of Kafka 3.7): a bad value fails CreateConnector's first start, after the
 * cluster and the workers were made.
 */
function checkConnectorConfiguration(config: { [key: string]: string }, brokers: number | undefined): void {
  const value = (key: string) => (config[key] === undefined || Token.isUnresolved(config[key]) ? undefined : config[key]);
  const tasks = value('tasks.max');
  // ConnectorConfig: tasks.max is an INT, atLeast(1).
  if (tasks !== undefined && (!/^\d+$/.test(tasks) || Number(tasks) < 1 || Number(tasks) > 2_147_483_647)) {
    throw new Error(`\`connectorConfiguration\` 'tasks.max' must be a whole number of at least 1, got ${show(tasks)}`);
  }
  // ConnectorConfig: errors.tolerance is ValidString.in("none", "all").
  const tolerance = value('errors.tolerance');
  if (tolerance !== undefined && !['none', 'all'].includes(tolerance)) {
    throw new Error(`\`connectorConfiguration\` 'errors.tolerance' must be 'none' or 'all', got ${show(tolerance)}`);
  }
  // SinkConnectorConfig.validate: "topics and topics.regex are mutually exclusive".
  if (config.topics !== undefined && config['topics.regex'] !== undefined) {
    throw new Error(`\`connectorConfiguration\` must set one of 'topics' and 'topics.regex', got both (${show(config.topics)} and ${show(config['topics.regex'])})`);
  }
  const topics = value('topics')?.split(',').map((t) => t.trim());
  if (topics && !isMirrorMaker(config)) {
    topics.forEach((t) => checkKafkaTopic(`'topics' entry ${show(t)}`, t));
    checkNoRepeats("`connectorConfiguration` 'topics'", topics);
  }
  // ConnectorConfig: every alias in 'transforms' needs its 'transforms.<alias>.type' (else the first start fails with
  // "Missing required configuration").
  const aliases = value('transforms')?.split(',').map((t) => t.trim()).filter((t) => t !== '') ?? [];
  const untyped = aliases.find((alias) => config[`transforms.${alias}.type`] === undefined);
  if (untyped !== undefined) {
    throw new Error(`\`connectorConfiguration\` 'transforms' names ${show(untyped)}, but 'transforms.${untyped}.type' is not set: Kafka Connect needs the class of every transform it lists`);
  }
  for (const key of ['key.converter', 'value.converter', 'header.converter', ...aliases.map((a) => `transforms.${a}.type`)]) {
    if (value(key) !== undefined) {
      checkJavaClass(`\`connectorConfiguration\` '${key}'`, value(key)!);
    }
  }
  const dlq = value('errors.deadletterqueue.topic.name');
  if (dlq !== undefined && dlq !== '') {
    checkKafkaTopic("'errors.deadletterqueue.topic.name'", dlq);
  }
  // SinkConnectorConfig: the DLQ topic is created with this replication factor; more than the brokers fails it.
  const dlqRf = value('errors.deadletterqueue.topic.replication.factor');
  if (dlqRf !== undefined && brokers !== undefined && !Token.isUnresolved(brokers) && (!/^-?\d+$/.test(dlqRf) || Number(dlqRf) > brokers || Number(dlqRf) === 0 || Number(dlqRf) < -1)) {
    throw new Error(`\`connectorConfiguration\` 'errors.deadletterqueue.topic.replication.factor' must be -1 (the broker default) or 1 to the cluster's ${brokers} brokers, got ${show(dlqRf)}`);
  }
  const regex = value('topics.regex');
  if (regex !== undefined) {
    checkJavaRegex("`connectorConfiguration` 'topics.regex'", regex);
  }
  // SinkConnectorConfig.validate: the dead letter queue topic may not be among the topics the sink consumes.
  if (dlq !== undefined && (topics?.includes(dlq) || (regex !== undefined && new RegExp(`^(?:${regex})$`).test(dlq)))) {
    throw new Error(`\`connectorConfiguration\` 'errors.deadletterqueue.topic.name' ${show(dlq)} is among the topics the connector reads (${topics ? `'topics' ${show(config.topics)}` : `'topics.regex' ${show(regex)}`}): Kafka Connect refuses a sink that reads its own dead letter queue`);
  }
}

/**
 * The role must allow reading every topic the connector reads: otherwise the connector starts and its consumer
 * gets TopicAuthorizationException on every poll, so no data moves (MSK IAM access control, kafka-cluster:ReadData).
 */
function checkRoleReads(prop: string, readTopics: readonly string[], config: { [key: string]: string }): void {
  const topics = config.topics === undefined || Token.isUnresolved(config.topics) ? [] : config.topics.split(',').map((t) => t.trim());
  const missing = topics.filter((t) => !coveredBy(t, readTopics));
  const regex = config['topics.regex'];
  if (regex !== undefined && !Token.isUnresolved(regex)) {
    const prefixes = literalPrefixes(regex);
    // A regex whose matches do not all start with a readable prefix reads topics the role may not read.
    const uncovered = prefixes.filter((p) => !readTopics.some((r) => r.endsWith('*') && p.startsWith(r.substring(0, r.length - 1))));
    if (uncovered.length > 0) {
      throw new Error(`\`${prop}\` ${show([...readTopics])} does not cover every topic 'topics.regex' ${show(regex)} can match (e.g. ones starting ${show(uncovered[0])}): the connector would read topics its role may not read and move no data from them; give a read pattern ending in '*' that covers the regex`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`\`${prop}\` ${show([...readTopics])} does not allow reading ${show(missing)} from 'topics': the connector would start and move no data from them (TopicAuthorizationException)`);
  }
}

/**
 * An MSK Connect connector (`AWS::KafkaConnect::Connector`) wired the safe way: IAM authentication and TLS to the
 * cluster's IAM bootstrap brokers, private subnets, a dedicated security group with declared egress, a least-privilege
 * service execution role, worker logs in an encrypted log group, alarms, secrets only through a config provider, and
 * a stable name.
 *
 * Updates in place: the connector configuration, capacity and tags (AWS::KafkaConnect::Connector resource schema).
 * Replaces the connector, delete-then-create, under the same name: the cluster, subnets, security groups, plugin,
 * worker configuration, Kafka Connect version, log delivery, role, name and description. During a replacement the
 * connector is down; a sink resumes from its consumer group `connect-<name>`, a source from its offset storage topic
 * (see `docs/CHANGE-SAFETY.md`, generated from the change-safety tests).
 */
export class MskConnector extends MskConnectorBase {
  /**
   * Uses an existing connector: its metrics, its `connections` (with `securityGroups`) and, with `role`, grants to
   * its service execution role.
   */
  public static fromConnectorAttributes(scope: Construct, id: string, attrs: MskConnectorAttributes): IMskConnector {
    const name = connectorNameFromArn(attrs.connectorArn);
    if (attrs.connectorName !== undefined && name !== undefined && !Token.isUnresolved(attrs.connectorName) && attrs.connectorName !== name) {
      throw new Error(`\`connectorName\` must be the name in \`connectorArn\` (${show(name)}), got ${show(attrs.connectorName)}`);
    }
    class Import extends MskConnectorBase {
      public readonly connectorArn = attrs.connectorArn;
      public readonly connectorName = attrs.connectorName ?? name ?? Fn.select(1, Fn.split('/', attrs.connectorArn));
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
      public readonly grantPrincipal: iam.IPrincipal = attrs.role ?? new iam.UnknownPrincipal({ resource: this });
    }
    return new Import(scope, id);
  }

  public readonly connectorArn: string;
  public readonly connectorName: string;
  public readonly connections: ec2.Connections;

  /**
   * The service execution role as a grant target: `cluster.grantConsume(connector, ...)` and other `grant*` methods
   * give the workers access. With a `LeastPrivilegeConnectorRole` (built, or given as `role`) the statements go into
   * its managed policy, so the role keeps no inline policy and the connector starts after them; with another `role`,
   * they go where that role puts them, and the connector waits for the role.
   */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The service execution role. */
  public readonly role: iam.IRole;

  /** The least-privilege role, when the construct built it. */
  public readonly leastPrivilegeRole?: LeastPrivilegeConnectorRole;

  /** The worker log group, when logs go to CloudWatch. */
  public readonly logGroup?: logs.ILogGroup;

  /** The capacity. */
  public readonly capacity: ConnectorCapacity;

  /** The cluster. */
  public readonly cluster: IMskCluster;

  /** The subnets of the workers. */
  public readonly subnets: ec2.ISubnet[];

  /** The alarms of the connector. */
  public readonly alarms: cloudwatch.IAlarm[] = [];

  /** The SNS topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;

  /** The connector configuration as deployed. */
  public readonly connectorConfiguration: { [key: string]: string };

  /** The underlying CloudFormation connector. */
  public readonly cfnConnector: kafkaconnect.CfnConnector;

  private readonly destinations: Destination[] = [];

  constructor(scope: Construct, id: string, props: MskConnectorProps) {
    super(scope, id);
    this.cluster = props.cluster;
    if (!Token.isUnresolved(props.connectorName) && !/^[a-zA-Z0-9-]{1,100}$/.test(props.connectorName)) {
      throw new Error(`\`connectorName\` must be 1-100 letters, digits and hyphens, got ${show(props.connectorName)}`);
    }
    if (!props.cluster.iamAuthenticationEnabled) {
      throw new Error(`\`cluster\` ${show(props.cluster.node.path)} does not accept IAM authentication, which its connectors use (MSK Connect supports IAM or no authentication, and unauthenticated access is not offered); enable \`clientAuthentication.iam\` on the cluster`);
    }
    if (props.role && props.permissions) {
      throw new Error('`permissions` builds the connector\'s role; it cannot be combined with `role`, got both');
    }

    const clusterVpc = recordedVpc(props.cluster);
    if (clusterVpc && differentVpcs(clusterVpc, props.vpc)) {
      throw new Error(`\`vpc\` ${describeVpc(props.vpc)} is not the VPC of \`cluster\` ${show(props.cluster.node.path)}, ${describeVpc(clusterVpc)}: the workers reach the brokers through security-group rules, which this library writes within one VPC; give the cluster's VPC`);
    }
    const selection = selectPrivateSubnets(props.vpc, props.vpcSubnets);
    checkSubnetsInVpc(selection.subnets, props.vpc);
    const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
    const publicOnes = selection.subnets.filter((s) => publicIds.has(s.subnetId));
    if (selection.hasPublic || publicOnes.length > 0) {
      throw new Error(`\`vpcSubnets\` must select private subnets only: MSK Connect workers must not sit in public subnets, got public subnet(s) ${show(publicOnes.map((s) => s.node.path))}`);
    }
    if (selection.subnets.length === 0) {
      throw new Error('`vpcSubnets` must select at least one private subnet, got none');
    }
    this.subnets = selection.subnets;

    const config = { ...props.connectorConfiguration };
    if (config['connector.class'] === undefined) {
      throw new Error('`connectorConfiguration` must set \'connector.class\'');
    }
    checkNoLiteralSecrets('connectorConfiguration', config);
    checkConnectorConfiguration(config, props.cluster.replication?.brokerCount);
    for (const [key, value] of Object.entries(config)) {
      // A password can arrive inside a connection string or URL, not only under a password-named key.
      checkNoSecretInText(`\`connectorConfiguration\` ${show(key)}`, value);
    }
    // AWS::KafkaConnect::Connector ConnectorDescription: maxLength 1024.
    checkMaxLength('description', props.description, 1024);
    const usesSecretsProvider = Object.values(config).some((v) => typeof v === 'string' && v.includes('${secretsmanager:'));
    if (usesSecretsProvider) {
      if (!props.workerConfiguration?.secretsManagerConfigProvider) {
        throw new Error('`connectorConfiguration` references ${secretsmanager:...}, so `workerConfiguration` must declare the Secrets Manager config provider (`secretsManagerConfigProvider: true`)');
      }
      // Without this MSK Connect restarts the connector whenever the provider re-reads the secret.
      config['config.action.reload'] = config['config.action.reload'] ?? 'none';
    }
    this.connectorConfiguration = config;

    this.capacity = props.capacity ?? ConnectorCapacity.provisioned();
    const securityGroups = props.securityGroups ?? [egressRestrictedSecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      // GroupDescription is create-only: rewording it would replace the group and with it the connector (its
      // security groups are create-only too), so the wording of the first release stays.
      description: `MSK Connect workers of ${props.connectorName}: egress to the brokers and declared endpoints only`,
    })];
    this.connections = new ec2.Connections({ securityGroups });
    if (!props.securityGroups) {
      acknowledgeChecklistItem(securityGroups[0], 4, 'The description says the workers reach just the brokers and the declared endpoints. Precisely: the group allows egress only on the ports of the brokers and of the destinations the connector declares, and to any address on a port whose destination has no fixed address range (see item 5 for each such rule). GroupDescription cannot change without replacing the group and every connector that uses it, so the first release\'s wording stays.');
    }
    this.connections.allowTo(props.cluster, ec2.Port.tcp(MskPorts.SASL_IAM), `MSK Connect workers of ${props.connectorName} to the brokers (IAM, TLS)`);
    const secrets = props.permissions?.secrets ?? [];
    if (usesSecretsProvider || secrets.length > 0) {
      // Through the VPC's Secrets Manager interface endpoint when it has one (PrivateSubnetWithNat
      // `secretsManagerEndpoint`), else through the NAT gateway.
      const endpoint = secretsManagerEndpointOf(props.vpc);
      if (endpoint) {
        this.allowToResource(endpoint, 443, `HTTPS to the Secrets Manager interface endpoint (config provider) from ${props.connectorName}`, 'the Secrets Manager interface endpoint');
      } else {
        this.allowInternetEgress(443, 'HTTPS to the Secrets Manager API (config provider) through the NAT gateway', 'the Secrets Manager API',
          'the Secrets Manager API has no address range a security group can name, and this VPC has no Secrets Manager interface endpoint (PrivateSubnetWithNat `secretsManagerEndpoint` adds one and replaces this rule); the traffic is TLS to the regional endpoint and leaves through the NAT gateways.');
      }
    }
    this.node.addValidation({ validate: () => this.checkConnectivity(securityGroups) });

    registerConnectorName(this, props.connectorName);

    if (props.role) {
      this.role = props.role;
    } else {
      this.leastPrivilegeRole = new LeastPrivilegeConnectorRole(this, 'ExecutionRole', {
        cluster: props.cluster,
        connectorName: props.connectorName,
        ...props.permissions,
      });
      this.role = this.leastPrivilegeRole.role;
    }
    const roleOwner = props.role?.node.scope;
    // Grants to a least-privilege role go into its managed policy (on which the connector waits); grants to another
    // given role go where that role puts them (the connector waits for the whole role).
    const leastPrivilege = this.leastPrivilegeRole ?? (roleOwner instanceof LeastPrivilegeConnectorRole ? roleOwner : undefined);
    this.grantPrincipal = leastPrivilege?.grantPrincipal ?? this.role;
    // Without `permissions` the built role may read no topic at all: a sink configured with topics would run and
    // move nothing.
    const reads = config.topics ?? config['topics.regex'];
    if (this.leastPrivilegeRole && !props.permissions && reads !== undefined && !isMirrorMaker(config)) {
      throw new Error(`\`permissions\` must be given when \`connectorConfiguration\` reads topics (${show(config.topics !== undefined ? `topics=${reads}` : `topics.regex=${reads}`)}): without it the connector's role may read none of them and the connector would move no data; give \`permissions.readTopics\``);
    }
    if (this.leastPrivilegeRole && props.permissions) {
      checkRoleReads('permissions.readTopics', this.leastPrivilegeRole.readTopics, config);
    } else if (roleOwner instanceof LeastPrivilegeConnectorRole) {
      checkRoleFits(roleOwner, props.connectorName, props.cluster);
      checkRoleReads(`role\` (${show(roleOwner.node.path)}) \`readTopics`, roleOwner.readTopics, config);
    }

    checkLogDelivery('logging', props.logging);
    const logging = props.logging ?? {};
    if (logging.cloudWatch ?? true) {
      this.logGroup = logging.logGroup ?? createLogGroup(this, 'WorkerLogs', {
        retention: logging.logRetention,
        removalPolicy: props.removalPolicy,
      });
    }

    const replacing = {
      kafkaCluster: {
        apacheKafkaCluster: {
          bootstrapServers: props.cluster.bootstrapBrokersSaslIam,
          vpc: { securityGroups: securityGroups.map((sg) => sg.securityGroupId), subnets: selection.subnetIds },
        },
      },
      kafkaClusterClientAuthentication: { authenticationType: 'IAM' },
      kafkaClusterEncryptionInTransit: { encryptionType: 'TLS' },
      kafkaConnectVersion: (props.kafkaConnectVersion ?? KafkaConnectVersion.V3_7_X).version,
      logDelivery: {
        workerLogDelivery: {
          cloudWatchLogs: { enabled: this.logGroup !== undefined, logGroup: this.logGroup?.logGroupName },
          s3: logging.s3Bucket ? { enabled: true, bucket: logging.s3Bucket.bucketName, prefix: logging.s3Prefix } : undefined,
          firehose: logging.firehoseDeliveryStreamName ? { enabled: true, deliveryStream: logging.firehoseDeliveryStreamName } : undefined,
        },
      },
      plugins: [{ customPlugin: { customPluginArn: props.plugin.customPluginArn, revision: props.plugin.revision } }],
      serviceExecutionRoleArn: this.role.roleArn,
      workerConfiguration: props.workerConfiguration
        ? { workerConfigurationArn: props.workerConfiguration.workerConfigurationArn, revision: props.workerConfiguration.revision }
        : undefined,
    };
    // The name is exactly `connectorName`, and stays so across replacements. CloudFormation replaces a connector
    // delete-then-create (AWS::KafkaConnect::Connector resource schema: replacementStrategy delete_then_create), so
    // the same name never collides, and a sink that keeps its name keeps its consumer group `connect-<name>` and its
    // committed offsets (MSK developer guide, msk-connect-set-offset-storage-topic); a source keeps its offsets when
    // its worker configuration names an offset storage topic, as DebeziumMySqlSourceConnector's does.
    this.connectorName = props.connectorName;

    this.cfnConnector = new kafkaconnect.CfnConnector(this, 'Resource', {
      ...replacing,
      connectorName: this.connectorName,
      connectorDescription: props.description,
      capacity: this.capacity._render(),
      connectorConfiguration: config,
    });
    // The role's permissions must be attached before MSK Connect starts the workers: depend on the role (and its
    // default policy) and, for a LeastPrivilegeConnectorRole, on the managed policy that holds its permissions.
    const policyOwner = this.leastPrivilegeRole ?? roleOwner;
    if (policyOwner instanceof LeastPrivilegeConnectorRole) {
      this.cfnConnector.node.addDependency(policyOwner.policy);
    }
    if (props.role) {
      this.cfnConnector.node.addDependency(props.role);
    }
    this.connectorArn = this.cfnConnector.attrConnectorArn;

    this.alarmTopic = props.alarms?.topic ?? sharedAlarmTopic(this);
    this.addAlarms(props.alarms ?? {});
  }

  /**
   * Allows the workers to reach another resource of the VPC (a database, a self-hosted server) on a TCP port, in both
   * security groups, and makes the synth-time connectivity check require that path.
   */
  public allowToResource(other: ec2.IConnectable, port: number, description: string, destination: string): void {
    this.connections.allowTo(other, ec2.Port.tcp(port), description);
    this.destinations.push({ name: destination, port, securityGroups: other.connections.securityGroups });
  }

  /**
   * Allows the workers to reach the internet on a TCP port (through the NAT gateway of their subnets), and makes the
   * synth-time connectivity check require that path. `whyAnyAddress`, when given, is recorded on the security group
   * as the reason the rule names any address (the security report quotes it under checklist item 5).
   */
  public allowInternetEgress(port: number, description: string, destination: string, whyAnyAddress?: string): void {
    this.connections.allowTo(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), description);
    this.destinations.push({ name: destination, port, cidr: '0.0.0.0/0' });
    if (whyAnyAddress) {
      // Only groups this app defines get the rule (an imported group is not changed), so only they carry the reason.
      for (const sg of this.connections.securityGroups.filter((g) => g.node.defaultChild instanceof ec2.CfnSecurityGroup)) {
        acknowledgeChecklistItem(sg, 5, `TCP ${port} to any address: ${whyAnyAddress}`);
      }
    }
  }

  /**
   * The guide's connectivity checklist, done at synth: a security-group path to the cluster's IAM port and to every
   * internet destination, and a 0.0.0.0/0 route to a NAT gateway in every worker subnet when the internet is needed.
   */
  private checkConnectivity(securityGroups: ec2.ISecurityGroup[]): string[] {
    const from = `connector ${show(this.node.path)}`;
    const problems = checkSecurityGroupPath(from, securityGroups, {
      name: `cluster ${show(this.cluster.node.path)}`,
      port: MskPorts.SASL_IAM,
      securityGroups: this.cluster.connections.securityGroups,
    });
    for (const destination of this.destinations) {
      problems.push(...checkSecurityGroupPath(from, securityGroups, destination));
    }
    const internet = this.destinations.filter((d) => d.cidr === '0.0.0.0/0');
    if (internet.length > 0) {
      problems.push(...checkNatEgress(from, this.subnets, internet.map((d) => `${d.name} on TCP ${d.port}`).join(', ')));
    }
    return problems;
  }

  private addAlarms(options: ConnectorAlarms): void {
    const cpu = options.cpuPercent ?? 80;
    if (!Token.isUnresolved(cpu) && (!Number.isInteger(cpu) || cpu < 1 || cpu > 100)) {
      throw new Error(`\`alarms.cpuPercent\` must be a whole number between 1 and 100, got ${cpu}`);
    }
    const min = this.capacity.minWorkers;
    const add = (id: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.connectorName}: ${description}`,
      });
      alarm.addAlarmAction(new cw_actions.SnsAction(this.alarmTopic));
      alarm.addOkAction(new cw_actions.SnsAction(this.alarmTopic));
      this.alarms.push(alarm);
    };
    // One health alarm for "the connector is broken" (failed tasks, or fewer workers than the minimum; a connector
    // that stopped reporting counts as having none), one for "the connector is overloaded": two alarms a connector
    // keeps large pipelines within CloudFormation's resource limit. The dashboard shows each metric apart.
    add('HealthAlarm', new cloudwatch.MathExpression({
      expression: `IF(errored > 0 OR FILL(workers, 0) < ${Tokenization.stringifyNumber(min)}, 1, 0)`,
      usingMetrics: {
        errored: this.metricErroredTaskCount(),
        workers: this.metricWorkerCount(),
      },
      label: 'Connector unhealthy (1 = failed tasks or missing workers)',
      period: Duration.minutes(5),
    }), 1, 2, `tasks failed or fewer than ${Tokenization.stringifyNumber(min)} worker(s) running for 10 minutes: see the worker logs`);
    add('CpuAlarm', this.metricCpuUtilization(), cpu, 3,
      `workers at or above ${Tokenization.stringifyNumber(cpu)}% CPU for 15 minutes: add MCUs or workers`);
  }
}

/** The connector name in a connector ARN (`undefined` when the ARN is a token); throws on a malformed ARN. */
function connectorNameFromArn(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) {
    return undefined;
  }
  // MSK Connect: arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<uuid>.
  const parts = parseArn(arn);
  const name = parts?.service === 'kafkaconnect' && parts.region !== '' && /^\d{12}$/.test(parts.account)
    ? /^connector\/([^/]+)\/[^/]+$/.exec(parts.resource)?.[1]
    : undefined;
  if (name === undefined) {
    throw new Error(`\`connectorArn\` must be an MSK Connect connector ARN (arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<uuid>), got ${show(arn)}`);
  }
  return name;
}
