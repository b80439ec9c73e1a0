import * as fs from 'fs';
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
  /** Name of the handler: its source is lib/handlers/<name>/index.ts, its bundle assets/handlers/<name>/index.js. */
  readonly handlerAsset: string;
  readonly description: string;
  readonly roleDescription: string;
  readonly policyDescription: string;
  /** What the handler may do, besides writing its own logs. */
  readonly statements: iam.PolicyStatement[];
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly removalPolicy?: RemovalPolicy;
  readonly reasons: DeployTimeHandlerReasons;
}

/**
 * Folder of a handler's bundle. `assets/` sits at the package root, and this file is two levels below it both as
 * source (lib/private, run by ts-jest) and compiled (dist/private, in the npm package), so one relative path serves
 * both. The bundles are built by the `bundle` task (scripts/bundle-handlers.js) before jsii compiles.
 */
export function handlerAssetDir(name: string): string {
  const dir = path.join(__dirname, '..', '..', 'assets', 'handlers', name);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`the bundle of the ${name} handler is missing (${dir}/index.js): run \`npx projen bundle\``);
  }
  return dir;
}

/**
 * A custom-resource handler from lib/handlers, bundled into its own asset (editing one handler redeploys only that
 * one): its own encrypted log group, a role whose only permissions are one customer-managed policy (plus writing
 * those logs), and the acknowledgements of the Lambda rules that do not apply to code CloudFormation invokes during
 * deployments.
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
    handler: 'index.handler',
    code: lambda.Code.fromAsset(handlerAssetDir(options.handlerAsset)),
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
