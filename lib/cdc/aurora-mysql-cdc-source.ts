import { ArnFormat, CustomResource, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, GUARD } from '../private/acknowledge';
import { auroraRelease, checkNotSystemDatabase } from '../private/checks-cdc';
import { checkNatEgress, checkSecurityGroupPath, checkSubnetsInVpc, recordVpc } from '../private/connectivity';
import { createDeployTimeHandler } from '../private/deploy-time-handler';
import { secretsManagerEndpointOf } from '../private/endpoints';
import { acknowledgeWildcardResources } from '../private/iam-findings';
import { RDS_CA_RSA2048_G1_REGIONS } from '../private/rds-ca';
import { roleWithManagedPolicy } from '../private/roles';
import { createKey, createLogGroup, egressRestrictedSecurityGroup } from '../private/secure-defaults';
import { selectPrivateSubnets } from '../private/subnets';
import { checkIntegerRange, checkNoRepeats, checkNotEmpty, show } from '../private/validation';


/** How long the deploy-time setup (binlog retention, Debezium user) may run. */
const SETUP_TIMEOUT = Duration.minutes(5);

/** The cluster's administrator (the master user): the setup handler logs in as it. */
const ADMIN_USERNAME = 'cdc_source_admin';

/**
 * Accounts the CDC user must not be: RDS's own (Aurora user guide, AuroraMySQL.Security, "rdsadmin", "rdsrepladmin",
 * the `rds_superuser_role` role of Aurora MySQL 3) and the cluster's administrator, whose password the setup would
 * replace with the CDC user's (its secret would then no longer log in).
 */
const RESERVED_USERNAMES = ['rdsadmin', 'rdsrepladmin', 'rds_superuser_role', ADMIN_USERNAME];

/** A MySQL database a Debezium connector captures changes from. */
export interface IMySqlCdcSource extends ec2.IConnectable, IConstruct {
  /** Host name of the writer (binlogs are read from the writer). */
  readonly hostname: string;

  /** Port of the database. */
  readonly port: number;

  /** Secret with the CDC user as JSON `{"username": ..., "password": ...}`. */
  readonly cdcCredentials: secretsmanager.ISecret;

  /**
   * Key of `cdcCredentials`, when the secret does not know it.
   * @default - `cdcCredentials.encryptionKey`
   */
  readonly cdcCredentialsKey?: kms.IKey;
}

/** Attributes of an existing MySQL source prepared for CDC by its owner. */
export interface MySqlCdcSourceAttributes {
  /** Host name of the writer endpoint. */
  readonly hostname: string;

  /** Port. */
  readonly port: number;

  /** Secret of the CDC user (`{"username": ..., "password": ...}`), which has the Debezium grants. */
  readonly cdcCredentials: secretsmanager.ISecret;

  /**
   * Key of the secret.
   * @default - the secret's own key, if it knows it
   */
  readonly cdcCredentialsKey?: kms.IKey;

  /** Security groups of the database, which the connector is let into. */
  readonly securityGroups: ec2.ISecurityGroup[];
}

/** Properties of {@link AuroraMySqlCdcSource}. */
export interface AuroraMySqlCdcSourceProps {
  /** The VPC. */
  readonly vpc: ec2.IVpc;

  /**
   * Private subnets of the cluster.
   * @default - the VPC's private subnets with egress; required when the VPC has none (e.g. an existing VPC extended by `PrivateSubnetWithNat`: pass its `privateSubnetSelection`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Aurora MySQL version.
   * @default rds.AuroraMysqlEngineVersion.VER_3_08_2
   */
  readonly engineVersion?: rds.AuroraMysqlEngineVersion;

  /**
   * Instance type of the writer and readers.
   * @default r7g.large
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Number of readers (0–15). One keeps a failover target in another AZ.
   * @default 1
   */
  readonly readers?: number;

  /**
   * Port. Not 3306, so scans for the default port do not find it.
   * @default 3307
   */
  readonly port?: number;

  /**
   * Hours the binlog is kept (1–2160, set at deploy time with `mysql.rds_set_configuration`). Long enough to cover a
   * connector outage: Debezium must re-snapshot if it falls behind the retained binlog.
   * @default 72
   */
  readonly binlogRetentionHours?: number;

  /**
   * Name of the initial database.
   * @default - none
   */
  readonly defaultDatabaseName?: string;

  /**
   * Databases the Debezium user may read (`SELECT` and `LOCK TABLES` on `<db>.*`); its replication privileges are
   * global by nature. Give the databases the connector captures (`databaseIncludeList`).
   * @default - `defaultDatabaseName` when given, else every database
   */
  readonly capturedDatabases?: string[];

  /**
   * Name of the Debezium user, created at deploy time with exactly the grants Debezium needs and SSL required.
   * @default 'debezium'
   */
  readonly cdcUsername?: string;

  /**
   * Record every statement in the general log, exported to CloudWatch Logs. It fills fast on a busy database and costs
   * accordingly; with `false` it is off and not exported (the audit log still records connections, DDL and DCL), and
   * the Control Tower control CT.RDS.PR.25, which asks for every log type to be exported, then flags the cluster.
   * @default true
   */
  readonly generalLog?: boolean;

  /**
   * Rotate the master password on this schedule, with Secrets Manager's hosted single-user rotation for MySQL (a
   * Serverless Application Repository application: a Lambda function in `vpcSubnets` with its own security group,
   * which reaches the cluster port and, through the NAT gateway, HTTPS to Secrets Manager). The rotation function is
   * then a second, standing reader of the master secret with a network path to the cluster, and its code and role live
   * in a nested stack that no rule pack of this library inspects.
   * @default - no rotation: the master password's only reader is the deploy-time setup handler (the secret's
   * acknowledgement says so)
   */
  readonly masterPasswordRotation?: Duration;

  /**
   * Automated backup retention (at least 7 days).
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;

  /**
   * What happens to the cluster, its key, secrets and log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Aurora MySQL cluster prepared for change-data capture with Debezium, as code: binlog on in ROW format with full
 * row images, TLS required, binlog retention and a least-privilege Debezium user set at deploy time, storage and
 * secrets encrypted with a customer-managed key, deletion protection, IAM authentication, all logs exported, backups
 * kept 14 days, enhanced monitoring.
 *
 * The deploy-time setup runs in a Lambda function inside the VPC (the cluster's subnets), the only reader of the master
 * secret: it connects to the writer over TLS, verifying the server certificate against the `rds-ca-rsa2048-g1` roots
 * it ships (the instances use that CA) and the endpoint's host name. Its security group reaches the cluster on the DB
 * port and HTTPS (Secrets Manager, CloudFormation's response URL) through the NAT gateway, nothing else; no RDS Data
 * API endpoint is enabled. No password appears in the template or the logs.
 *
 * The Debezium connector (`DebeziumMySqlSourceConnector`) encrypts its connection (`database.ssl.mode=required`) but
 * does not verify the server certificate: MSK Connect workers have no RDS CA truststore. A party able to redirect the
 * connector's traffic inside the VPC could impersonate the database and learn the Debezium password (which reads the
 * captured databases and the binlog). The connector's security group reaches only the cluster's security group on the
 * DB port, and the VPC resolves the endpoint name; see the README's CDC section.
 *
 * Backtrack stays off: a backtracked cluster rewinds its data without writing binlog events, so Debezium would miss
 * the change and the sink would drift from the source.
 *
 * @example
 * const source = new AuroraMySqlCdcSource(this, 'Orders', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
 */
export class AuroraMySqlCdcSource extends Construct implements IMySqlCdcSource {
  /** An existing MySQL source whose owner has enabled binlogs and created the CDC user. */
  public static fromAttributes(scope: Construct, id: string, attrs: MySqlCdcSourceAttributes): IMySqlCdcSource {
    checkIntegerRange('port', attrs.port, 1, 65535);
    // Debezium builds its JDBC URL from `database.hostname` and `database.port`: a host name only (RFC 1123 labels),
    // without a scheme, port or path.
    if (!Token.isUnresolved(attrs.hostname) && !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(attrs.hostname)) {
      // User info (`user:password@`) is not echoed: the message lands in build logs.
      throw new Error(`\`hostname\` must be a host name (no scheme, port or path: the port is \`port\`), got ${show(attrs.hostname.replace(/^(.*\/\/)?[^/@]*@/, '$1***@'))}`);
    }
    if (attrs.securityGroups.length === 0) {
      throw new Error('`securityGroups` must name the database\'s security groups, which the connector is let into, got []');
    }
    class Import extends Construct implements IMySqlCdcSource {
      public readonly hostname = attrs.hostname;
      public readonly port = attrs.port;
      public readonly cdcCredentials = attrs.cdcCredentials;
      public readonly cdcCredentialsKey = attrs.cdcCredentialsKey;
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups, defaultPort: ec2.Port.tcp(attrs.port) });
    }
    return new Import(scope, id);
  }

  public readonly hostname: string;
  public readonly port: number;
  public readonly cdcCredentials: secretsmanager.ISecret;
  public readonly cdcCredentialsKey?: kms.IKey;
  public readonly connections: ec2.Connections;

  /** The Aurora cluster. */
  public readonly cluster: rds.DatabaseCluster;

  /** The key of the storage, the secrets and the logs. */
  public readonly key: kms.Key;

  /** The DB cluster parameter group with the binlog settings. */
  public readonly parameterGroup: rds.ParameterGroup;

  /**
   * The databases the Debezium user may read (`capturedDatabases`, or `defaultDatabaseName`).
   * @default - every database
   */
  public readonly capturedDatabases?: string[];

  /** Hours the binlog is kept. */
  public readonly binlogRetentionHours: number;

  /** Backup retention in days, and what happens to the cluster when it leaves the stack (for the acknowledgements). */
  private readonly backupDays: number;
  private readonly removal: RemovalPolicy;

  constructor(scope: Construct, id: string, props: AuroraMySqlCdcSourceProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.port = props.port ?? 3307;
    checkIntegerRange('port', this.port, 1150, 65535);
    checkIntegerRange('readers', props.readers, 0, 15);
    const binlogHours = props.binlogRetentionHours ?? 72;
    checkIntegerRange('binlogRetentionHours', binlogHours, 1, 2160);
    const backupDays = (props.backupRetention ?? Duration.days(14)).toDays();
    checkIntegerRange('backupRetention', backupDays, 7, 35);
    this.backupDays = backupDays;
    this.removal = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const username = props.cdcUsername ?? 'debezium';
    // A token is checked at deploy time by the setup handler.
    if (!Token.isUnresolved(username) && !/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/.test(username)) {
      throw new Error(`\`cdcUsername\` must be 1-32 letters, digits or underscores starting with a letter, got ${show(username)}`);
    }
    if (!Token.isUnresolved(username) && RESERVED_USERNAMES.includes(username.toLowerCase())) {
      throw new Error(`\`cdcUsername\` must not be an account of RDS or the cluster's administrator (${RESERVED_USERNAMES.join(', ')}): the setup would take it over, got ${show(username)}`);
    }
    // RDS CreateDBCluster / CreateDBInstance `DatabaseName` (MySQL engines): 1-64 letters, digits or underscores,
    // starting with a letter, not a word the engine reserves.
    const dbName = props.defaultDatabaseName;
    if (dbName !== undefined && !Token.isUnresolved(dbName) && !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(dbName)) {
      throw new Error(`\`defaultDatabaseName\` must be 1-64 letters, digits or underscores starting with a letter (RDS DatabaseName), got ${show(dbName)}`);
    }
    if (dbName !== undefined) {
      checkNotSystemDatabase('defaultDatabaseName', dbName, 'the cluster already has it and Debezium does not capture it');
    }
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && !RDS_CA_RSA2048_G1_REGIONS.includes(region)) {
      throw new Error(`the stack's region must be one whose RDS CA root the setup handler ships (${RDS_CA_RSA2048_G1_REGIONS.join(', ')}), got ${show(region)}: it could not verify the cluster's certificate`);
    }
    const subnets = selectPrivateSubnets(props.vpc, props.vpcSubnets);
    recordVpc(this, props.vpc);
    checkSubnetsInVpc(subnets.subnets, props.vpc);
    if (subnets.hasPublic) {
      throw new Error('`vpcSubnets` must select private subnets only: the CDC source must not be reachable from the internet');
    }

    this.key = createKey(this, 'Key', 'Encrypts the CDC source cluster, its secrets and logs', removalPolicy);
    const engine = rds.DatabaseClusterEngine.auroraMysql({ version: props.engineVersion ?? rds.AuroraMysqlEngineVersion.VER_3_08_2 });
    this.parameterGroup = new rds.ParameterGroup(this, 'ClusterParameters', {
      engine,
      // The description is create-only: it stays as first released, so adding parameters updates the group in place.
      description: 'Binlog for Debezium CDC (ROW, full images) and TLS-only connections',
      parameters: {
        binlog_format: 'ROW',
        binlog_row_image: 'FULL',
        require_secure_transport: 'ON',
        // Every exported log is filled (Aurora user guide, AuroraMySQL.Auditing; USER_LogAccess.MySQL.LogFileSize):
        // the audit log needs server_audit_logging and its events (cluster parameters); the slow-query and general
        // logs need their switches and log_output=FILE, which the cluster parameter group sets for every instance.
        server_audit_logging: '1',
        server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL',
        slow_query_log: '1',
        long_query_time: '2',
        log_output: 'FILE',
        ...((props.generalLog ?? true) ? { general_log: '1' } : {}),
      },
    });

    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);
    const instanceProps = (name: string): rds.ProvisionedClusterInstanceProps => ({
      instanceType,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.key,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      promotionTier: name === 'Writer' ? 0 : 1,
    });
    const { role: monitoringRole, policy: monitoringPolicy } = roleWithManagedPolicy(this, 'Monitoring', {
      // Confused-deputy guard of the RDS user guide (USER_Monitoring.OS.Enabling, "Protecting against the confused
      // deputy problem"): RDS assumes the role for DB instances of this account and region only.
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'rds', resource: 'db', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
      roleDescription: 'Publishes enhanced monitoring of the CDC source to CloudWatch',
      policyDescription: 'Enhanced monitoring: the RDSOSMetrics log group only',
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
          resources: [Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: 'RDSOSMetrics', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
          resources: [Stack.of(this).formatArn({
            service: 'logs', resource: 'log-group', resourceName: 'RDSOSMetrics:log-stream:*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          })],
        }),
      ],
    });

    // RDS writes each exported log to /aws/rds/cluster/<id>/<log>: create those groups first (encrypted, retained,
    // one year) under a fixed cluster identifier, instead of CDK's log-retention Lambda.
    const clusterIdentifier = Names.uniqueResourceName(this, { maxLength: 60, separator: '-' }).toLowerCase().replace(/--+/g, '-');
    // Only logs that something fills are exported: the general log only when it is on.
    const logExports = ['audit', 'error', ...((props.generalLog ?? true) ? ['general'] : []), 'slowquery'];
    const logGroups = logExports.map((log) => createLogGroup(this, `${log[0].toUpperCase()}${log.slice(1)}Logs`, {
      encryptionKey: this.key,
      removalPolicy,
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/${log}`,
    }));

    acknowledgeWildcardResources(monitoringPolicy, [{
      matches: (r) => r.endsWith(':log-group:RDSOSMetrics:log-stream:*'),
      reason: 'Enhanced monitoring writes one stream per DB instance, named by the instance resource id RDS assigns at creation; the group is fixed to RDSOSMetrics.',
    }]);

    // The cluster only answers: it opens no connection of its own for anything this construct turns on (enhanced
    // monitoring, Performance Insights and log exports are delivered by RDS outside the cluster's network interfaces;
    // only Aurora's S3 and Lambda integrations, which are not used here, would need egress). aws-cdk-lib's own group
    // would allow all outbound traffic.
    const clusterSecurityGroup = egressRestrictedSecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: props.vpc,
      description: `Aurora MySQL CDC source ${this.node.path}: ingress from its declared clients on the DB port; no egress`,
    });
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier,
      securityGroups: [clusterSecurityGroup],
      engine,
      parameterGroup: this.parameterGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      port: this.port,
      writer: rds.ClusterInstance.provisioned('Writer', instanceProps('Writer')),
      readers: Array.from({ length: props.readers ?? 1 }, (_, i) => rds.ClusterInstance.provisioned(`Reader${i + 1}`, instanceProps('Reader'))),
      // Not 'admin': Control Tower asks for a cluster-specific administrator name.
      credentials: rds.Credentials.fromGeneratedSecret(ADMIN_USERNAME, { encryptionKey: this.key }),
      defaultDatabaseName: props.defaultDatabaseName,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      deletionProtection: true,
      iamAuthentication: true,
      cloudwatchLogsExports: logExports,
      backup: { retention: Duration.days(backupDays), preferredWindow: '03:00-04:00' },
      monitoringInterval: Duration.seconds(60),
      monitoringRole: monitoringRole.withoutPolicyUpdates(),
      removalPolicy,
      copyTagsToSnapshot: true,
    });
    logGroups.forEach((group) => this.cluster.node.addDependency(group));
    // The master secret lives as long as the cluster: a retained cluster without its administrator password could
    // only be recovered by resetting it (aws-cdk-lib deletes the generated secret with the stack by default).
    (this.cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(removalPolicy);
    this.hostname = this.cluster.clusterEndpoint.hostname;
    this.connections = new ec2.Connections({
      securityGroups: this.cluster.connections.securityGroups,
      defaultPort: ec2.Port.tcp(this.port),
    });

    this.cdcCredentials = new secretsmanager.Secret(this, 'CdcCredentials', {
      description: `Debezium user of ${this.node.path}`,
      encryptionKey: this.key,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: Stack.of(this).toJsonString({ username }),
        generateStringKey: 'password',
        excludeCharacters: '\'"\\@/`% ',
        passwordLength: 32,
      },
    });
    this.cdcCredentialsKey = this.key;
    const captured = props.capturedDatabases ?? (props.defaultDatabaseName ? [props.defaultDatabaseName] : []);
    checkNotEmpty('capturedDatabases', props.capturedDatabases);
    for (const db of captured) {
      if (!Token.isUnresolved(db) && !/^[A-Za-z0-9_$]{1,64}$/.test(db)) {
        throw new Error(`\`capturedDatabases\` must be MySQL database names (1-64 letters, digits, '_' or '$'), got ${show(db)}`);
      }
    }
    for (const db of props.capturedDatabases ?? []) {
      checkNotSystemDatabase('capturedDatabases', db, 'Debezium does not capture it and MySQL refuses grants on information_schema and performance_schema');
    }
    checkNoRepeats('`capturedDatabases`', props.capturedDatabases);
    // Reads limited to named databases take `REVOKE IF EXISTS` (the setup handler), which MySQL has from 8.0.30: Aurora
    // MySQL 3.05 and later (3.05.0 is compatible with MySQL 8.0.32, 3.04 with 8.0.28; Aurora MySQL release notes).
    const release = auroraRelease(engine.engineVersion?.fullVersion ?? '');
    if (captured.length > 0 && release && (release[0] < 3 || (release[0] === 3 && release[1] < 5))) {
      throw new Error(`\`engineVersion\` must be Aurora MySQL 3.05 or later when \`${props.capturedDatabases ? 'capturedDatabases' : 'defaultDatabaseName'}\` limits the Debezium user's reads (the setup runs REVOKE IF EXISTS, MySQL 8.0.30 and later), got ${show(engine.engineVersion!.fullVersion)}`);
    }
    this.capturedDatabases = captured.length > 0 ? captured : undefined;
    this.binlogRetentionHours = binlogHours;
    this.addSetup(props.vpc, subnets, binlogHours, removalPolicy, captured, username);
    if (props.masterPasswordRotation) {
      this.addMasterRotation(props.vpc, subnets, props.masterPasswordRotation);
    }
    this.acknowledgeFindings(props.masterPasswordRotation !== undefined);
  }

  /**
   * Binlog retention and the Debezium user, at deploy time, by a handler inside the VPC that connects to the writer
   * over verified TLS. It is the only reader of the master secret; its security group reaches the cluster on the DB
   * port and, through the NAT gateway, HTTPS (Secrets Manager, and the pre-signed S3 URL CloudFormation takes the
   * response on), nothing else.
   */
  private addSetup(
    vpc: ec2.IVpc, subnets: ec2.SelectedSubnets, binlogHours: number, removalPolicy: RemovalPolicy, capturedDatabases: string[],
    username: string,
  ): void {
    const adminSecret = this.cluster.secret!;
    const securityGroup = egressRestrictedSecurityGroup(this, 'SetupSecurityGroup', {
      vpc,
      description: 'CDC source setup handler: the cluster on its port, HTTPS to Secrets Manager and CloudFormation',
    });
    const setupConnections = new ec2.Connections({ securityGroups: [securityGroup] });
    setupConnections.allowTo(this.cluster, ec2.Port.tcp(this.port), 'CDC setup handler to the writer (TLS, verified), during deployments');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
      'HTTPS through the NAT gateway: Secrets Manager API and the CloudFormation response URL (S3)');
    // With the VPC's Secrets Manager interface endpoint (private DNS), the Secrets Manager host name resolves to the
    // endpoint inside the VPC: the handler must be let into its security group.
    const endpoint = secretsManagerEndpointOf(vpc);
    if (endpoint) {
      setupConnections.allowTo(endpoint, ec2.Port.tcp(443), 'CDC setup handler to the Secrets Manager interface endpoint, during deployments');
    }
    this.node.addValidation({
      validate: () => [
        ...checkSecurityGroupPath(`the setup handler of ${show(this.node.path)}`, [securityGroup], {
          name: 'the cluster', port: this.port, securityGroups: this.cluster.connections.securityGroups,
        }),
        ...checkNatEgress(`the setup handler of ${show(this.node.path)}`, subnets.subnets, 'Secrets Manager and the CloudFormation response URL on TCP 443'),
      ],
    });

    const { fn: handler, policy } = createDeployTimeHandler(this, {
      prefix: 'Setup',
      functionId: 'SetupHandler',
      handlerAsset: 'cdc-setup',
      description: 'Sets binlog retention and the Debezium user of a CDC source (in the VPC, verified TLS)',
      roleDescription: 'Sets binlog retention and the Debezium user of the CDC source: reads its two secrets, connects from the VPC',
      policyDescription: 'The CDC source\'s two secrets and their key, network interfaces in the setup subnets, and the setup log group',
      removalPolicy,
      statements: [
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [adminSecret.secretArn, this.cdcCredentials.secretArn] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      ],
      timeout: SETUP_TIMEOUT,
      vpc: { vpc, subnets, securityGroup },
      reasons: {
        invokedBy: 'Invoked only by CloudFormation, once per deployment of the setup',
      },
    });
    acknowledgeWildcardResources(policy, [
      {
        matches: (r) => /:network-interface\/\*$/.test(r),
        reason: 'Lambda creates and names the network interfaces of the function in the VPC, so their ids are not known before deploy. ec2:CreateNetworkInterface is also limited to the setup subnets and security group by the same statement; DeleteNetworkInterface and Assign/UnassignPrivateIpAddresses (which Lambda calls on those interfaces) are not limited further.',
      },
      {
        matches: (r) => r === '*',
        reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets have no resource types (Service Authorization Reference); Lambda calls them to attach the function to the VPC.',
      },
    ]);
    const setup = new CustomResource(this, 'Setup', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::MySqlCdcSetup',
      // A lost response fails the deployment a minute after the handler's own timeout, not after an hour.
      serviceTimeout: SETUP_TIMEOUT.plus(Duration.minutes(1)),
      properties: {
        ClusterArn: this.cluster.clusterArn,
        Hostname: this.cluster.clusterEndpoint.hostname,
        Port: String(this.port),
        AdminSecretArn: adminSecret.secretArn,
        CdcSecretArn: this.cdcCredentials.secretArn,
        BinlogRetentionHours: String(binlogHours),
        // A new user name regenerates the CDC secret (its template changes): the setup must run again to create that
        // user with the new password, and the handler reads both from the secret, not from this property.
        CdcUsername: username,
        ...(capturedDatabases.length > 0 ? { CapturedDatabases: capturedDatabases.join(',') } : {}),
      },
    });
    // The handler needs a running writer and its network path to it (the ingress rule lives under the cluster's
    // security group, the egress rule under the handler's group), and the user must exist before any connector starts.
    // The DB cluster itself and the secret (through its attachment) are referenced by the properties above, which
    // orders the setup after them; the instances are not, so they are named here (a DependsOn on the referenced
    // resources would be redundant, CloudFormation Validate W3005).
    const clusterResource = this.cluster.node.defaultChild;
    const secret = this.cluster.node.findChild('Secret');
    const unreferenced = this.cluster.node.children.filter((c) => c !== clusterResource && c !== secret);
    setup.node.addDependency(...unreferenced, securityGroup, ...this.cluster.connections.securityGroups);
  }

  /**
   * The hosted single-user rotation of the master secret. Built from `SecretRotation` rather than
   * `cluster.addRotationSingleUser()`, which opens the cluster on its port as a token (`Endpoint.Port`) with a security
   * group that allows all outbound traffic: the token makes the EC2 rules of three cdk-nag packs error out.
   */
  private addMasterRotation(vpc: ec2.IVpc, subnets: ec2.SelectedSubnets, after: Duration): void {
    const securityGroup = egressRestrictedSecurityGroup(this, 'MasterRotationSecurityGroup', {
      vpc,
      description: 'Master password rotation: the cluster on its port, HTTPS to Secrets Manager',
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS through the NAT gateway: Secrets Manager API (rotation steps)');
    const endpoint = secretsManagerEndpointOf(vpc);
    if (endpoint) {
      new ec2.Connections({ securityGroups: [securityGroup] }).allowTo(endpoint, ec2.Port.tcp(443), 'Master password rotation to the Secrets Manager interface endpoint');
    }
    new secretsmanager.SecretRotation(this, 'MasterRotation', {
      endpoint,
      secret: this.cluster.secret!,
      application: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_SINGLE_USER,
      vpc,
      vpcSubnets: { subnets: subnets.subnets },
      securityGroup,
      // The cluster's security groups on the literal port (allowDefaultPortFrom adds ingress and the egress above).
      target: { connections: new ec2.Connections({ securityGroups: this.cluster.connections.securityGroups, defaultPort: ec2.Port.tcp(this.port) }) },
      automaticallyAfter: after,
      // aws-cdk-lib's default for RDS rotations (characters the MySQL rotation function must not generate).
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
    });
    this.node.addValidation({
      validate: () => checkNatEgress(`the master password rotation of ${show(this.node.path)}`, subnets.subnets, 'Secrets Manager on TCP 443'),
    });
  }

  private acknowledgeFindings(masterRotates: boolean): void {
    const cluster = this.cluster.node.defaultChild!;
    const backtrack = 'Backtrack stays off on a CDC source: it rewinds data without writing binlog events, so Debezium would miss the change and the sink would drift.';
    acknowledge(cluster, 'AwsSolutions-RDS14', backtrack);
    acknowledge(cluster, `${GUARD}::aurora_cluster_backtracking_enabled_check`, backtrack);
    const onRemoval = this.removal === RemovalPolicy.RETAIN || this.removal === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE ? 'the cluster is retained when it leaves the stack'
      : this.removal === RemovalPolicy.SNAPSHOT ? 'a final snapshot is taken when the cluster leaves the stack'
        : 'the cluster and its automated backups are deleted with the stack (removalPolicy DESTROY)';
    for (const instance of this.cluster.node.children.filter((c) => c.node.defaultChild instanceof rds.CfnDBInstance)) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
        acknowledge(instance, `${pack}-RDSInBackupPlan`,
          `Aurora backs up the whole cluster continuously, with point-in-time restore over its ${this.backupDays} days of backup retention, and ${onRemoval}; Aurora member instances hold no data of their own to put in an AWS Backup plan.`);
      }
    }
    const cdcRotation = 'Rotating this password under the running Debezium connector breaks it on its next reconnect (its configuration provider reads the secret only at start, with config.action.reload=none); rotate it by hand with a connector restart, as the README describes.';
    const masterRotation = 'The master password\'s only reader is the deploy-time setup handler, which runs during deployments; automatic rotation would add a standing function that reads it and reaches the cluster. Set masterPasswordRotation to rotate it anyway.';
    const secrets: Array<[IConstruct, string]> = [[this.cdcCredentials, cdcRotation]];
    if (!masterRotates) {
      secrets.push([this.cluster.node.findChild('Secret'), masterRotation]);
    }
    for (const [secret, reason] of secrets) {
      const resource = secret.node.defaultChild ?? secret;
      acknowledge(resource, 'AwsSolutions-SMG4', reason);
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
        acknowledge(resource, `${pack}-SecretsManagerRotationEnabled`, reason);
      }
    }
  }
}
