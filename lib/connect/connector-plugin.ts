import * as fs from 'fs';
import { Annotations, CustomResource, Duration, IResource, Lazy, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeChecklistItem, GUARD } from '../private/acknowledge';
import { checkMaxLength, checkNoUrlCredentials } from '../private/checks-connect';
import { checkNatEgress } from '../private/connectivity';
import { createDeployTimeHandler } from '../private/deploy-time-handler';
import { acknowledgeWildcardResources } from '../private/iam-findings';
import { createOnlyHash } from '../private/naming';
import { createKey, egressRestrictedSecurityGroup } from '../private/secure-defaults';
import { selectPrivateSubnets } from '../private/subnets';
import { checkIntegerAtLeast, parseArn, show } from '../private/validation';

/** How long the fetch handler may run (download, verify, repackage, upload). */
const FETCH_TIMEOUT = Duration.minutes(10);

/** An MSK Connect custom plugin. */
export interface IConnectorPlugin extends IResource {
  /**
   * ARN of the custom plugin.
   * @attribute
   */
  readonly customPluginArn: string;

  /**
   * Revision of the custom plugin.
   * @attribute
   */
  readonly revision: number;
}

/** A release artifact pinned by its SHA-256 checksum. */
export interface PluginArtifact {
  /** `https://` URL of the artifact (`.zip`, `.jar` or `.tar.gz`). */
  readonly url: string;

  /** Its SHA-256 checksum, 64 hex digits. The deployment fails if the downloaded bytes do not match. */
  readonly sha256: string;
}

/** Options of {@link PluginSource.fromUrl}. */
export interface UrlPluginSourceOptions extends PluginArtifact {
  /**
   * More artifacts to bundle into the same ZIP, e.g. the MSK config provider JAR that `${secretsmanager:...}`
   * references need. MSK Connect takes exactly one custom plugin per connector.
   * @default - none
   */
  readonly extraArtifacts?: PluginArtifact[];
}

/** Bound form of a plugin source. */
interface BoundSource {
  readonly bucketArn: string;
  readonly fileKey: string;
  readonly objectVersion?: string;
  readonly contentType: 'ZIP' | 'JAR';
  /** What identifies the content: changes when the content changes. */
  readonly identity: string;
}

/** Where a custom plugin's ZIP or JAR comes from. */
export abstract class PluginSource {
  /**
   * An object already in S3. Pin `objectVersion` (the bucket must be versioned) so the plugin cannot change under you.
   */
  public static fromS3Object(bucket: s3.IBucket, key: string, objectVersion?: string): PluginSource {
    return new S3ObjectSource(bucket, key, objectVersion);
  }

  /** A local `.zip` or `.jar` file, uploaded as a CDK asset (its key is its content hash). */
  public static fromAsset(file: string): PluginSource {
    return new AssetSource(file);
  }

  /**
   * A pinned release: at deploy time a custom resource downloads the artifact (and `extraArtifacts`), verifies each
   * SHA-256, repackages a `.tar.gz` into the ZIP that MSK Connect requires, and uploads it to the stack's encrypted,
   * versioned plugin bucket before the custom plugin is created.
   */
  public static fromUrl(options: UrlPluginSourceOptions): PluginSource {
    for (const [i, artifact] of [options, ...(options.extraArtifacts ?? [])].entries()) {
      const prop = i === 0 ? 'url' : `extraArtifacts[${i - 1}].url`;
      checkArtifact(prop, artifact);
    }
    return new UrlSource(options);
  }

  /**
   * Whether the source needs the deploy-time fetch handler (only such a source takes `vpc`).
   * @internal
   */
  public get _fetchesAtDeploy(): boolean {
    return false;
  }

  /** @internal */
  public abstract _bind(scope: Construct, name: string, network?: StoreNetwork): BoundSource;
}

function checkArtifact(prop: string, artifact: PluginArtifact): void {
  if (!Token.isUnresolved(artifact.url)) {
    let url: URL | undefined;
    try {
      url = new URL(artifact.url);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') {
      throw new Error(`\`${prop}\` must be an https:// URL of a release artifact, got ${show(artifact.url)}`);
    }
    checkNoUrlCredentials(prop, artifact.url);
  }
  const shaProp = prop.replace(/url$/, 'sha256');
  if (!/^[0-9a-fA-F]{64}$/.test(artifact.sha256)) {
    throw new Error(`\`${shaProp}\` must be a SHA-256 checksum of 64 hex digits, got ${show(artifact.sha256)}`);
  }
}

class S3ObjectSource extends PluginSource {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly version?: string) {
    super();
    if (!Token.isUnresolved(key) && !/\.(zip|jar)$/i.test(key)) {
      throw new Error(`\`key\` must name a .zip or .jar object (MSK Connect takes no other format), got ${show(key)}`);
    }
    // S3 object keys are 1-1024 bytes of UTF-8; a leading '/' is part of the key, so 'plugins/x.zip' copied from an
    // s3:// URL with its slash names an object that does not exist (CreateCustomPlugin fails at deploy).
    if (!Token.isUnresolved(key) && key.startsWith('/')) {
      throw new Error(`\`key\` must be an S3 object key without a leading '/', got ${show(key)}`);
    }
    if (!Token.isUnresolved(key) && Buffer.byteLength(key, 'utf8') > 1024) {
      throw new Error(`\`key\` must be at most 1024 bytes (the S3 object key limit), got ${Buffer.byteLength(key, 'utf8')}`);
    }
    if (!Token.isUnresolved(key) && key.startsWith('s3://')) {
      throw new Error(`\`key\` must be an object key, not an s3:// URL (the bucket is given apart), got ${show(key)}`);
    }
  }

  public _bind(): BoundSource {
    return {
      bucketArn: this.bucket.bucketArn,
      fileKey: this.key,
      objectVersion: this.version,
      contentType: this.key.toLowerCase().endsWith('.jar') ? 'JAR' : 'ZIP',
      identity: `s3:${this.key}:${this.version ?? ''}`,
    };
  }
}

class AssetSource extends PluginSource {
  constructor(private readonly file: string) {
    super();
    if (!/\.(zip|jar)$/i.test(file)) {
      throw new Error(`\`file\` must be a .zip or .jar file (MSK Connect takes no other format), got ${show(file)}`);
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new Error(`\`file\` must be an existing file, got ${show(file)}`);
    }
  }

  public _bind(scope: Construct): BoundSource {
    const asset = new s3_assets.Asset(scope, 'Asset', { path: this.file });
    return {
      bucketArn: asset.bucket.bucketArn,
      fileKey: asset.s3ObjectKey,
      contentType: this.file.toLowerCase().endsWith('.jar') ? 'JAR' : 'ZIP',
      identity: `asset:${asset.assetHash}`,
    };
  }
}

class UrlSource extends PluginSource {
  constructor(private readonly options: UrlPluginSourceOptions) {
    super();
  }

  public get _fetchesAtDeploy(): boolean {
    return true;
  }

  public _bind(scope: Construct, name: string, network?: StoreNetwork): BoundSource {
    const store = PluginStore._of(scope, network);
    const artifacts = [this.options, ...(this.options.extraArtifacts ?? [])];
    const fetched = new CustomResource(scope, 'Artifact', {
      serviceToken: store.handler.functionArn,
      resourceType: 'Custom::ConnectorPluginArtifact',
      // A lost response (e.g. the handler killed at its 10-minute timeout) fails the deployment here, not after
      // CloudFormation's default hour.
      serviceTimeout: FETCH_TIMEOUT.plus(Duration.minutes(1)),
      properties: {
        Bucket: store.bucket.bucketName,
        KmsKeyArn: store.key.keyArn,
        KeyPrefix: PluginStore.KEY_PREFIX,
        PluginName: name,
        Sources: artifacts.map((a) => ({ Url: a.url, Sha256: a.sha256.toLowerCase() })),
      },
    });
    // Ordered after the bucket, its key and the handler by the references above (the handler after its policy, log
    // group and network path by its own dependencies); a DependsOn on the whole store would repeat those (W3005).
    return {
      bucketArn: store.bucket.bucketArn,
      fileKey: fetched.getAttString('Key'),
      objectVersion: fetched.getAttString('VersionId'),
      contentType: 'ZIP',
      identity: `url:${artifacts.map((a) => a.sha256.toLowerCase()).join(',')}`,
    };
  }
}

/** Where the store's fetch handler runs: private subnets of a VPC, whose 0.0.0.0/0 route goes to a NAT gateway. */
interface StoreNetwork {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SelectedSubnets;
  /** Who asked for it, for error messages. */
  readonly requestedBy: string;
}

/**
 * The stack's store of plugins fetched from URLs: a KMS-encrypted, versioned, SSL-only bucket with public access
 * blocked and access logging, and the deploy-time handler that fills it. One per stack, created on first use.
 *
 * The handler runs in the private subnets of the VPC that the first `ConnectorPlugin` with a `vpc` names (every
 * connector construct of the library passes its own), with its own security group that allows only HTTPS out, so
 * its downloads leave through the NAT gateways' Elastic IPs and appear in the VPC's flow logs.
 *
 * It is public so that its resources can be reached (to add a replication rule, grant an auditor read access, or
 * acknowledge a finding on them); it is created only by `PluginStore.of` and the constructs that need it.
 *
 * @example
 * declare const auditor: iam.IRole;
 * PluginStore.of(this).bucket.grantRead(auditor);
 */
export class PluginStore extends Construct {
  /** Key prefix of fetched plugins in the bucket. */
  public static readonly KEY_PREFIX = 'plugins/';

  /** The stack's store, created on first use (its handler outside any VPC when it is created here). */
  public static of(scope: Construct): PluginStore {
    return PluginStore._of(scope);
  }

  /**
   * The stack's store, created on first use, its handler in `network` when given. A store whose handler already runs
   * in a VPC serves every later plugin (the handler needs only HTTPS egress, any NAT'd private subnet gives it); one
   * created outside any VPC cannot be moved into one by a later plugin, which is an error.
   * @internal
   */
  public static _of(scope: Construct, network?: StoreNetwork): PluginStore {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild('ConnectorPluginStore') as PluginStore | undefined;
    if (!existing) {
      return new PluginStore(stack, 'ConnectorPluginStore', network);
    }
    if (network && !existing.securityGroup) {
      // One handler serves the stack: the first plugin placed it. Refusing the second plugin would make valid code
      // depend on the order of its constructs, so it is reused, and the user told.
      Annotations.of(scope).addWarningV2('msk-clickhouse-pipeline:pluginFetchOutsideVpc',
        `\`vpc\` ${show(network.vpc.node.path)} of ${show(network.requestedBy)} does not place the fetch handler: the stack's plugin store ${show(existing.node.path)} was created first, with its handler outside any VPC, by a plugin without \`vpc\`; give \`vpc\` to every ConnectorPlugin with PluginSource.fromUrl in this stack to run it in the VPC`);
    }
    return existing;
  }

  /** The plugin bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket that receives the plugin bucket's access logs. */
  public readonly accessLogsBucket: s3.Bucket;
  /** The key that encrypts plugins. */
  public readonly key: kms.Key;
  /** The deploy-time fetch handler. */
  public readonly handler: lambda.Function;
  /** The fetch handler's security group (HTTPS egress only), when it runs in a VPC. */
  public readonly securityGroup?: ec2.SecurityGroup;

  private constructor(scope: Construct, id: string, network?: StoreNetwork) {
    super(scope, id);
    this.key = createKey(this, 'Key', 'Encrypts MSK Connect plugins fetched at deploy time');
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logs can only be delivered to a bucket with S3-managed encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      // Keys are content hashes, so an older version only exists if the same plugin was uploaded twice.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    // Access logging through a bucket policy rather than the log-delivery ACL, so both buckets keep ACLs disabled
    // (BucketOwnerEnforced) whatever the app's feature flags.
    const logPrefix = 'plugin-bucket/';
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: this.accessLogsBucket.bucketName,
      logFilePrefix: logPrefix,
    };
    this.accessLogsBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsOfThePluginBucket',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [this.accessLogsBucket.arnForObjects(`${logPrefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      },
    }));

    if (network) {
      this.securityGroup = egressRestrictedSecurityGroup(this, 'HandlerSecurityGroup', {
        vpc: network.vpc,
        description: 'MSK Connect plugin fetch handler: HTTPS out only (release downloads, S3, CloudFormation response)',
      });
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
        'HTTPS through the NAT gateway: release artifacts, the plugin bucket (S3) and the CloudFormation response URL');
      acknowledgeChecklistItem(this.securityGroup, 5, 'TCP 443 to any address: the handler runs only during deployments; it downloads release artifacts from their public URLs (checked against the checksums the stack gives), writes to S3 and answers CloudFormation on a pre-signed S3 URL; the release hosts have no address range a security group can name. The traffic leaves through the NAT gateways.');
      const subnets = network.subnets.subnets;
      this.node.addValidation({
        validate: () => checkNatEgress('the plugin fetch handler', subnets,
          'release artifacts, S3 and the CloudFormation response URL on TCP 443'),
      });
    }
    const { fn, policy } = createDeployTimeHandler(this, {
      prefix: 'Handler',
      functionId: 'Handler',
      handlerAsset: 'plugin-fetch',
      description: 'Downloads pinned MSK Connect plugin artifacts, verifies their SHA-256 and stores the plugin ZIP',
      roleDescription: 'Fetches pinned MSK Connect plugin artifacts into the plugin bucket',
      policyDescription: 'Write plugins to the plugin bucket, with its key, and log to the handler log group',
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${PluginStore.KEY_PREFIX}*`)] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Encrypt'], resources: [this.key.keyArn] }),
      ],
      timeout: FETCH_TIMEOUT,
      memorySize: 2048,
      vpc: network && this.securityGroup ? { vpc: network.vpc, subnets: network.subnets, securityGroup: this.securityGroup } : undefined,
      reasons: {
        // True only of a store created without a VPC: ConnectorPlugin used directly, with no \`vpc\` given.
        outsideVpc: 'The plugin was created without a `vpc`, so no VPC of the stack is known to this handler; it runs only during deployments, downloads public release artifacts over HTTPS, refuses any whose SHA-256 differs from the checksum the stack gives, writes to S3, and reaches nothing inside a VPC.',
        invokedBy: 'Invoked only by CloudFormation, once per plugin change',
      },
    });
    this.handler = fn;
    acknowledgeWildcardResources(policy, [
      {
        matches: (r) => r.endsWith(`/${PluginStore.KEY_PREFIX}*`),
        reason: 'The handler writes plugin ZIPs under plugins/ with names derived from their checksums; the prefix is the narrowest fixed part.',
      },
      {
        matches: (r) => /:network-interface\/\*$/.test(r),
        reason: 'Lambda creates and names the network interfaces of the function in the VPC, so their ids are not known before deploy. ec2:CreateNetworkInterface is also limited to the handler\'s subnets and security group by the same statement; DeleteNetworkInterface and Assign/UnassignPrivateIpAddresses (which Lambda calls on those interfaces) are not limited further.',
      },
      {
        matches: (r) => r === '*',
        reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets have no resource types (Service Authorization Reference); Lambda calls them to attach the function to the VPC.',
      },
    ]);
    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    const logs3 = this.accessLogsBucket;
    acknowledge(logs3, 'AwsSolutions-S1', 'This bucket is the target of the plugin bucket\'s server access logs; logging it to itself would loop.');
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
      acknowledge(logs3, `${pack}-S3BucketLoggingEnabled`, 'This bucket is the target of the plugin bucket\'s server access logs; logging it to itself would loop.');
      acknowledge(logs3, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access logs can only be delivered to a bucket encrypted with S3-managed keys (SSE-S3).');
    }
    acknowledge(logs3, `${GUARD}::s3_bucket_default_encryption_kms_check`, 'S3 server access logs can only be delivered to a bucket encrypted with S3-managed keys (SSE-S3).');
    acknowledge(logs3, `${GUARD}::s3_bucket_logging_enabled_check`, 'This bucket is the target of the plugin bucket\'s server access logs; logging it to itself would loop.');
    for (const bucket of [this.bucket, logs3]) {
      acknowledge(bucket, `${GUARD}::s3_event_notifications_enabled_check`,
        'Nothing consumes events of this bucket: it is written only by the deploy-time plugin handler (or by S3 log delivery), and access is recorded in server access logs.');
      acknowledge(bucket, `${GUARD}::s3_bucket_object_lock_enabled_check`,
        'Versioning and retain-on-delete protect the objects; the handler re-creates a plugin from its release URLs (checked against the checksums the stack gives) on the next deployment, and WORM retention would stop superseded plugins and old logs from ever being removed.');
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
        acknowledge(bucket, `${pack}-S3BucketReplicationEnabled`,
          'The handler re-creates a plugin from its release URLs (checked against the checksums the stack gives) on the next deployment, and access logs are kept for a year; a cross-region copy adds cost without a recovery need.');
      }
    }
  }
}

/** Attributes of an existing custom plugin, for {@link ConnectorPlugin.fromConnectorPluginAttributes}. */
export interface ConnectorPluginAttributes {
  /** ARN of the custom plugin (`arn:<partition>:kafkaconnect:<region>:<account>:custom-plugin/<name>/<uuid>`). */
  readonly customPluginArn: string;

  /** The revision of the plugin the connectors use (revisions start at 1). */
  readonly revision: number;
}

/** Properties of {@link ConnectorPlugin}. */
export interface ConnectorPluginProps {
  /** Where the plugin comes from. */
  readonly source: PluginSource;

  /**
   * Name prefix; a hash of the source identity, content type and description is appended, so a changed plugin is a new
   * resource with a new name (CloudFormation replaces custom plugins on any change, creating the new one first).
   * @default - derived from the construct path
   */
  readonly namePrefix?: string;

  /**
   * Description.
   * @default - none
   */
  readonly description?: string;

  /**
   * VPC whose private subnets run the deploy-time fetch handler of a `PluginSource.fromUrl` source, with a security
   * group of its own that allows only HTTPS out: the downloads then leave through the NAT gateways' Elastic IPs and
   * are recorded in the VPC's flow logs. The subnets must route 0.0.0.0/0 to a NAT gateway. The stack has one fetch
   * handler: the first plugin with a `vpc` places it, and every fromUrl plugin of the stack must then give one.
   *
   * A function in a VPC holds Lambda-managed network interfaces; when the stack (or the VPC) is deleted, Lambda can
   * take up to about 20 minutes to release them before the security group and subnets can go.
   *
   * Only for a `PluginSource.fromUrl` source (the other sources fetch nothing).
   * @default - the handler runs outside any VPC, with Lambda's own internet access
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Private subnets of `vpc` for the fetch handler. Only with `vpc`.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * An MSK Connect custom plugin (`AWS::KafkaConnect::CustomPlugin`) from an S3 object, a local file or a pinned,
 * checksum-verified release URL.
 *
 * @example
 * const plugin = new ConnectorPlugin(this, 'ClickHouseSink', {
 *   source: PluginSource.fromUrl({
 *     url: 'https://github.com/ClickHouse/clickhouse-kafka-connect/releases/download/v1.3.5/clickhouse-kafka-connect-v1.3.5.zip',
 *     sha256: '<sha256 of that file>',
 *   }),
 * });
 */
export class ConnectorPlugin extends Resource implements IConnectorPlugin {
  /**
   * Uses an existing custom plugin.
   *
   * @example
   * ConnectorPlugin.fromConnectorPluginAttributes(this, 'Plugin', {
   *   customPluginArn: 'arn:aws:kafkaconnect:eu-west-1:123456789012:custom-plugin/clickhouse-sink/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2',
   *   revision: 1,
   * });
   */
  public static fromConnectorPluginAttributes(scope: Construct, id: string, attrs: ConnectorPluginAttributes): IConnectorPlugin {
    const { customPluginArn, revision } = attrs;
    // MSK Connect: arn:<partition>:kafkaconnect:<region>:<account>:custom-plugin/<name>/<uuid>; revisions start at 1.
    const parts = Token.isUnresolved(customPluginArn) ? undefined : parseArn(customPluginArn);
    if (!Token.isUnresolved(customPluginArn) && (parts?.service !== 'kafkaconnect' || !/^custom-plugin\/[a-zA-Z0-9-]+\/.+$/.test(parts.resource))) {
      throw new Error(`\`customPluginArn\` must be an MSK Connect custom plugin ARN (arn:<partition>:kafkaconnect:<region>:<account>:custom-plugin/<name>/<uuid>), got ${show(customPluginArn)}`);
    }
    checkIntegerAtLeast('revision', revision, 1);
    class Import extends Resource implements IConnectorPlugin {
      public readonly customPluginArn = customPluginArn;
      public readonly revision = revision;
    }
    return new Import(scope, id);
  }

  /**
   * Uses an existing custom plugin.
   * @deprecated use `fromConnectorPluginAttributes` (attributes by name, the shape of the other imports)
   */
  public static fromAttributes(scope: Construct, id: string, customPluginArn: string, revision: number): IConnectorPlugin {
    return ConnectorPlugin.fromConnectorPluginAttributes(scope, id, { customPluginArn, revision });
  }

  public readonly customPluginArn: string;
  public readonly revision: number;

  /** Name of the custom plugin. */
  public readonly pluginName: string;

  constructor(scope: Construct, id: string, props: ConnectorPluginProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    if (!Token.isUnresolved(prefix) && !/^[a-zA-Z0-9-]{1,100}$/.test(prefix)) {
      throw new Error(`\`namePrefix\` must be 1-100 letters, digits and hyphens, got ${show(prefix)}`);
    }
    // AWS::KafkaConnect::CustomPlugin Description: maxLength 1024.
    checkMaxLength('description', props.description, 1024);
    if (props.vpcSubnets !== undefined && props.vpc === undefined) {
      throw new Error('`vpcSubnets` is set but `vpc` is not, so it would be ignored; give `vpc` too or drop `vpcSubnets`');
    }
    if (props.vpc !== undefined && !props.source._fetchesAtDeploy) {
      throw new Error(`\`vpc\` ${show(props.vpc.node.path)} is only for a PluginSource.fromUrl source (it places the deploy-time fetch handler); this source fetches nothing, drop \`vpc\``);
    }
    let network: StoreNetwork | undefined;
    if (props.vpc) {
      const subnets = selectPrivateSubnets(props.vpc, props.vpcSubnets);
      const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
      const publicOnes = subnets.subnets.filter((s) => publicIds.has(s.subnetId));
      if (subnets.hasPublic || publicOnes.length > 0) {
        throw new Error(`\`vpcSubnets\` must select private subnets only: a Lambda function gets no public IP, so the fetch handler would reach nothing from a public subnet, got public subnet(s) ${show(publicOnes.map((s) => s.node.path))}`);
      }
      if (subnets.subnets.length === 0) {
        throw new Error('`vpcSubnets` must select at least one private subnet, got none');
      }
      network = { vpc: props.vpc, subnets, requestedBy: this.node.path };
    }
    const bound = props.source._bind(this, prefix, network);
    // Every property of AWS::KafkaConnect::CustomPlugin is create-only and CloudFormation replaces it create-then-delete,
    // so the name hashes all of them: the content's identity, its type and the description.
    this.pluginName = Lazy.string({
      produce: () => `${prefix}-${createOnlyHash(this, { identity: bound.identity, contentType: bound.contentType, description: props.description })}`,
    });
    const resource = new kafkaconnect.CfnCustomPlugin(this, 'Resource', {
      name: this.pluginName,
      description: props.description,
      contentType: bound.contentType,
      location: {
        s3Location: { bucketArn: bound.bucketArn, fileKey: bound.fileKey, objectVersion: bound.objectVersion },
      },
    });
    this.customPluginArn = resource.attrCustomPluginArn;
    this.revision = Token.asNumber(resource.attrRevision);
  }
}
