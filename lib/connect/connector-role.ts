import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { IMskCluster } from '../msk/cluster-ref';
import { acknowledgeWildcardResources } from '../private/iam-findings';
import { roleWithManagedPolicy } from '../private/roles';
import { checkNotEmpty, show } from '../private/validation';

/** An S3 location a connector reads (e.g. a truststore), for the guide's optional S3 block. */
export interface ConnectorS3Read {
  /** The bucket. */
  readonly bucket: s3.IBucket;

  /**
   * Key prefix the connector may read under.
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

/** What a connector does, from which its role's permissions are derived. */
export interface ConnectorPermissions {
  /**
   * Topics the connector consumes (a sink's `topics`): `DescribeTopic` and `ReadData`. A name may end in `*`.
   * @default - none
   */
  readonly readTopics?: string[];

  /**
   * Topics the connector writes (a source's output, a dead-letter queue, a schema-history topic): `DescribeTopic`
   * and `WriteData`. A name may end in `*`.
   * @default - none
   */
  readonly writeTopics?: string[];

  /**
   * Topics the connector may create (`CreateTopic`), on top of reading or writing them.
   * @default - none
   */
  readonly createTopics?: string[];

  /**
   * Topics whose dynamic configuration the connector reads (`DescribeTopicDynamicConfiguration`), e.g. Debezium's
   * schema-history topic, whose retention and cleanup policy it checks at start.
   * @default - none
   */
  readonly describeTopicConfigurations?: string[];

  /**
   * Consumer groups besides the connector's own `connect-<name>`: `DescribeGroup` and `AlterGroup`.
   * @default - none
   */
  readonly consumerGroups?: string[];

  /**
   * `kafka-cluster:DescribeClusterDynamicConfiguration` on the cluster (Debezium reads broker settings to pick the
   * schema-history topic's replication factor).
   * @default false
   */
  readonly describeClusterDynamicConfiguration?: boolean;

  /**
   * `kafka-cluster:WriteDataIdempotently` on the cluster, for idempotent producers.
   * @default false
   */
  readonly idempotentWrites?: boolean;

  /**
   * Secrets the connector reads through the config provider: `secretsmanager:GetSecretValue` on each, and
   * `kms:Decrypt` on its key when it has one.
   * @default - none
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * Keys of imported `secrets` (an imported secret does not know its key): `kms:Decrypt` through Secrets Manager.
   * @default - the keys the secrets know
   */
  readonly secretKeys?: kms.IKey[];

  /**
   * Read schemas from the AWS Glue Schema Registry: `glue:GetSchema*`, `glue:ListSchemas`,
   * `glue:ListSchemaVersions` on this registry's name and its schemas.
   * @default - no Glue Schema Registry access
   */
  readonly glueSchemaRegistryName?: string;

  /**
   * S3 objects the connector reads (`s3:GetObject`).
   * @default - none
   */
  readonly s3Reads?: ConnectorS3Read[];
}

/** Properties of {@link LeastPrivilegeConnectorRole}. */
export interface LeastPrivilegeConnectorRoleProps extends ConnectorPermissions {
  /** The cluster the connector uses. */
  readonly cluster: IMskCluster;

  /**
   * The connector's name: only the connector of that name (in this account and region) may assume the role, and its
   * consumer group is `connect-<name>`.
   */
  readonly connectorName: string;
}

/**
 * The service execution role of an MSK Connect connector, built from what the connector does, tighter than the
 * ClickHouse guide's policy:
 *
 * - trusted only by `kafkaconnect.amazonaws.com`, for connectors of this account named `<connectorName>*`
 *   (`aws:SourceAccount`, `aws:SourceArn`) against the confused deputy;
 * - `kafka-cluster` actions on the cluster, topic and group ARNs (with the cluster UUID) the connector uses, including
 *   MSK Connect's internal `__amazon_msk_connect_*` topics and groups and the `connect-<name>` group;
 * - the guide's control-plane reads, with `Resource: "*"` only for the actions that have no resource type;
 * - Secrets Manager, KMS, Glue and S3 blocks only when used, each on the named resources;
 * - all in one customer-managed policy: no inline policy, no AWS managed policy, no wildcard action.
 */
export class LeastPrivilegeConnectorRole extends Construct implements iam.IGrantable {
  /** The role. */
  public readonly role: iam.Role;

  /** The customer-managed policy that holds every permission of the role. */
  public readonly policy: iam.ManagedPolicy;

  /**
   * The role as a grant target: statements that `grant*(role, ...)` methods add go into `policy` (as do grants to
   * `role` itself), so the role keeps no inline policy and a connector using it waits for them. IAM caps a managed
   * policy at 6,144 characters: a connector that needs many more grants is better given its own `role`.
   */
  public readonly grantPrincipal: iam.IPrincipal;

  /**
   * The topic names and patterns this role may read (`readTopics`), so a connector given this role can check that
   * it covers the topics the connector reads.
   */
  public readonly readTopics: string[];

  /** The connector this role is for: only it may assume the role. */
  public readonly connectorName: string;

  /** The cluster this role may connect to. */
  public readonly cluster: IMskCluster;

  /** What this role allows, as given, so a connector given this role can check that it covers what it does. */
  public readonly permissions: ConnectorPermissions;

  constructor(scope: Construct, id: string, props: LeastPrivilegeConnectorRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { cluster, connectorName } = props;
    if (!Token.isUnresolved(connectorName) && !/^[a-zA-Z0-9-]{1,120}$/.test(connectorName)) {
      throw new Error(`\`connectorName\` must be 1-120 letters, digits and hyphens, got ${show(connectorName)}`);
    }
    for (const prop of ['readTopics', 'writeTopics', 'createTopics', 'describeTopicConfigurations', 'consumerGroups'] as const) {
      checkNotEmpty(prop, props[prop]);
    }

    this.readTopics = [...props.readTopics ?? []];
    this.connectorName = connectorName;
    this.cluster = cluster;
    const { cluster: _cluster, connectorName: _name, ...permissions } = props;
    this.permissions = permissions;

    const statements: iam.PolicyStatement[] = [];
    const allow = (sid: string, actions: string[], resources: string[]) =>
      statements.push(new iam.PolicyStatement({ sid, actions, resources }));

    allow('ClusterControlPlaneRead', ['kafka:DescribeCluster', 'kafka:DescribeClusterV2'], [cluster.clusterArn]);
    // No kafka:GetBootstrapBrokers / ListClusters / ListClustersV2: MSK Connect hands the workers their bootstrap
    // servers in the connector's configuration, and AWS's example service execution role (MSK developer guide,
    // msk-connect-service-execution-role) grants only kafka-cluster data-plane actions.
    allow('ClusterConnect', [
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeCluster',
      ...(props.describeClusterDynamicConfiguration ? ['kafka-cluster:DescribeClusterDynamicConfiguration'] : []),
      ...(props.idempotentWrites ? ['kafka-cluster:WriteDataIdempotently'] : []),
    ], [cluster.clusterArn]);
    allow('MskConnectInternalTopics', ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData'],
      [cluster.topicArn('__amazon_msk_connect_*')]);
    allow('ConsumerGroups', ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], [
      cluster.groupArn('__amazon_msk_connect_*'),
      cluster.groupArn(`connect-${connectorName}`),
      ...(props.consumerGroups ?? []).map((g) => cluster.groupArn(g)),
    ]);
    if (props.readTopics) {
      allow('ReadTopics', ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], props.readTopics.map((t) => cluster.topicArn(t)));
    }
    if (props.writeTopics) {
      allow('WriteTopics', ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], props.writeTopics.map((t) => cluster.topicArn(t)));
    }
    if (props.createTopics) {
      allow('CreateTopics', ['kafka-cluster:CreateTopic'], props.createTopics.map((t) => cluster.topicArn(t)));
    }
    if (props.describeTopicConfigurations) {
      allow('DescribeTopicConfigurations', ['kafka-cluster:DescribeTopicDynamicConfiguration'], props.describeTopicConfigurations.map((t) => cluster.topicArn(t)));
    }
    if (props.secrets && props.secrets.length > 0) {
      // Secrets Manager authorizes the full ARN (name + '-' + six random characters). A secret imported by name has
      // only a partial ARN, so the grant must match any suffix (what aws-cdk-lib's grantRead does).
      allow('ReadSecrets', ['secretsmanager:GetSecretValue'], props.secrets.map((s) => s.secretFullArn ?? `${s.secretArn}-??????`));
      const keys = [...props.secrets.map((s) => s.encryptionKey).filter((k): k is kms.IKey => k !== undefined), ...props.secretKeys ?? []];
      if (keys.length > 0) {
        statements.push(new iam.PolicyStatement({
          sid: 'DecryptSecrets',
          actions: ['kms:Decrypt'],
          resources: keys.map((k) => k.keyArn),
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }));
      }
    }
    if (props.glueSchemaRegistryName) {
      const registry = props.glueSchemaRegistryName;
      allow('ReadSchemaRegistry', ['glue:GetSchema', 'glue:GetSchemaByDefinition', 'glue:GetSchemaVersion', 'glue:GetSchemaVersionsDiff', 'glue:ListSchemas', 'glue:ListSchemaVersions'], [
        stack.formatArn({ service: 'glue', resource: 'registry', resourceName: registry }),
        stack.formatArn({ service: 'glue', resource: 'schema', resourceName: `${registry}/*` }),
      ]);
    }
    if (props.s3Reads && props.s3Reads.length > 0) {
      allow('ReadS3Objects', ['s3:GetObject'], props.s3Reads.map((r) => r.bucket.arnForObjects(`${r.prefix ?? ''}*`)));
    }

    const { role, policy } = roleWithManagedPolicy(this, '', {
      roleDescription: `Service execution role of MSK Connect connector ${connectorName}`,
      assumedBy: new iam.ServicePrincipal('kafkaconnect.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'kafkaconnect', resource: 'connector', resourceName: `${connectorName}/*` }) },
        },
      }),
      policyDescription: `Least-privilege permissions of MSK Connect connector ${connectorName}`,
      statements,
    });
    this.role = role;
    // Grants to this role (`cluster.grantConsume(role, ...)`) go into its managed policy, not an inline one.
    this.grantPrincipal = role;
    this.policy = policy;
    const userPatterns = [
      ...props.readTopics ?? [], ...props.writeTopics ?? [], ...props.createTopics ?? [], ...props.describeTopicConfigurations ?? [],
      ...props.consumerGroups ?? [],
    ]
      .filter((n) => n.endsWith('*'));
    acknowledgeWildcardResources(this.policy, [
      {
        matches: (r) => r.endsWith('-??????'),
        reason: 'A secret imported by name has no full ARN at synth; Secrets Manager authorizes the full ARN (the name plus "-" and six random characters), so the grant names the secret and leaves only that suffix open.',
      },
      {
        matches: (r) => r.endsWith('/__amazon_msk_connect_*'),
        reason: 'MSK Connect\'s own internal topics and groups: the service picks their full names and only the __amazon_msk_connect_ prefix is known. Scoped to this cluster\'s name and UUID.',
      },
      {
        matches: (r) => userPatterns.some((p) => r.endsWith(`/${p}`)),
        reason: `Topic or group name patterns given in the connector's permissions (${userPatterns.join(', ')}), e.g. the per-table topics of a CDC source, which are only known at run time. Scoped to this cluster's UUID.`,
      },
    ]);
  }
}
