import { Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Secure, durable defaults shared by every construct of the library: customer-managed keys with rotation,
 * encrypted and retained log groups.
 */

/** Log retention used when a construct's `logRetention` prop is not set: the 365 days Control Tower asks for. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/** Creates a customer-managed key with rotation on, retained (unless told otherwise) when the stack is deleted. */
export function createKey(scope: Construct, id: string, description: string, removalPolicy?: RemovalPolicy): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    pendingWindow: Duration.days(30),
  });
  // Grants on this key may be created only by AWS services acting for a resource (MSK, CloudWatch Logs, ...),
  // never handed out directly by a principal (Control Tower CT.KMS.PR.3).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/**
 * Lets CloudWatch Logs use `key` for log groups of this account and region only: the service principal is
 * conditioned on `kms:EncryptionContext:aws:logs:arn`, so no other account's log group can use the key.
 */
export function allowCloudWatchLogs(key: kms.IKey): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
    },
  }));
}

/** Options of {@link createLogGroup}. */
export interface SecureLogGroupOptions {
  readonly encryptionKey?: kms.IKey;
  readonly retention?: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
  /** A fixed name, for groups a service writes to by name. */
  readonly logGroupName?: string;
}

/** Construct id, at the stack's root, of the key every log group of the library in that stack shares. */
const SHARED_LOGS_KEY_ID = 'PipelineLogsKey';

/**
 * The stack's one key for the library's log groups (one key per purpose, not per log group: each customer-managed key
 * costs a monthly fee). Created on first use, retained with the stack's logs.
 */
export function sharedLogsKey(scope: Construct): kms.Key {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(SHARED_LOGS_KEY_ID) as kms.Key | undefined;
  if (existing) {
    return existing;
  }
  const key = createKey(stack, SHARED_LOGS_KEY_ID, 'Encrypts the log groups of the MSK to ClickHouse pipeline constructs of this stack');
  allowCloudWatchLogs(key);
  return key;
}

/**
 * Creates a KMS-encrypted log group with explicit retention, retained by default. When no key is given it uses the
 * stack's shared logs key ({@link sharedLogsKey}); CloudWatch Logs is allowed to use the key.
 */
export function createLogGroup(scope: Construct, id: string, options: SecureLogGroupOptions): logs.LogGroup {
  const key = options.encryptionKey ?? sharedLogsKey(scope);
  // A no-op for imported keys, whose policy their owner manages.
  allowCloudWatchLogs(key);
  return new logs.LogGroup(scope, id, {
    logGroupName: options.logGroupName,
    encryptionKey: key,
    retention: options.retention ?? DEFAULT_LOG_RETENTION,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}

/** The egress rule aws-cdk-lib uses to match no traffic (an address no host has, an ICMP type that does not exist). */
const NO_TRAFFIC = { cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86 };

/**
 * A security group that allows no egress but the rules added to it. aws-cdk-lib drops its no-traffic placeholder from
 * the group as soon as any egress rule is added, also when that rule is a separate `AWS::EC2::SecurityGroupEgress`
 * (every rule to another security group). The group is then created with no `SecurityGroupEgress`, which EC2 answers
 * with an allow-all rule ("if you do not add egress rules, we add egress rules that allow all outbound IPv4 and IPv6
 * traffic", AWS::EC2::SecurityGroup reference), and the template alone no longer shows that egress is closed. Here the
 * placeholder stays whenever the group has no inline egress rule of its own.
 */
export function egressRestrictedSecurityGroup(scope: Construct, id: string, props: Omit<ec2.SecurityGroupProps, 'allowAllOutbound'>): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, id, { ...props, allowAllOutbound: false });
  const cfn = group.node.defaultChild as ec2.CfnSecurityGroup;
  const inline = cfn.securityGroupEgress;
  cfn.securityGroupEgress = Lazy.any({
    produce: () => {
      // Resolved only to count the rules; the original token is returned, so references to other stacks in it are
      // still found (and exported) by CDK.
      const rules = Stack.of(group).resolve(inline) as unknown[] | undefined;
      return rules && rules.length > 0 ? inline : [NO_TRAFFIC];
    },
  });
  return group;
}
