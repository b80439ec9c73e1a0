import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeDeployTimeHandler, DeployTimeHandlerReasons } from './acknowledge';
import { roleWithManagedPolicy } from './roles';
import { createLogGroup } from './secure-defaults';

/** Options of {@link createDeployTimeHandler}. */
export interface DeployTimeHandlerOptions {
  /** Prefix of the ids of the log group, role and policy (`${prefix}Logs`, `${prefix}Role`, `${prefix}Policy`). */
  readonly prefix: string;
  /** Id of the function. */
  readonly functionId: string;
  /** `<file>.handler` in lib/handlers. */
  readonly handler: string;
  readonly description: string;
  readonly roleDescription: string;
  readonly policyDescription: string;
  readonly logsKeyDescription: string;
  /** What the handler may do, besides writing its own logs. */
  readonly statements: iam.PolicyStatement[];
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly removalPolicy?: RemovalPolicy;
  readonly reasons: DeployTimeHandlerReasons;
}

/**
 * A custom-resource handler from lib/handlers (plain JavaScript, shipped as tested): its own encrypted log group, a
 * role whose only permissions are one customer-managed policy (plus writing those logs), and the acknowledgements of
 * the Lambda rules that do not apply to code CloudFormation invokes during deployments.
 */
export function createDeployTimeHandler(scope: Construct, options: DeployTimeHandlerOptions): {
  fn: lambda.Function; policy: iam.ManagedPolicy; logGroup: logs.LogGroup;
} {
  const logGroup = createLogGroup(scope, `${options.prefix}Logs`, { removalPolicy: options.removalPolicy });
  const { role, policy } = roleWithManagedPolicy(scope, options.prefix, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleDescription: options.roleDescription,
    policyDescription: options.policyDescription,
    statements: [
      ...options.statements,
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    ],
  });
  const fn = new lambda.Function(scope, options.functionId, {
    description: options.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: options.handler,
    code: lambda.Code.fromAsset(path.join(__dirname, '..', 'handlers')),
    timeout: options.timeout,
    memorySize: options.memorySize,
    role: role.withoutPolicyUpdates(),
    logGroup,
  });
  // The permissions must be attached before CloudFormation first invokes the handler.
  fn.node.addDependency(policy);
  acknowledgeDeployTimeHandler(fn.node.defaultChild!, options.reasons);
  return { fn, policy, logGroup };
}
