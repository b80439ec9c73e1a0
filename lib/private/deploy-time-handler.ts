import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
  /** Runs the function in these subnets with this security group; without it, the function runs outside any VPC. */
  readonly vpc?: DeployTimeHandlerVpc;
}

/** Where a deploy-time handler runs inside a VPC. */
export interface DeployTimeHandlerVpc {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SelectedSubnets;
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * What Lambda needs to attach a function to a VPC, granted to the execution role itself instead of the AWS managed
 * AWSLambdaVPCAccessExecutionRole (Lambda developer guide, configuration-vpc, "Required IAM permissions"):
 * CreateNetworkInterface in the function's subnets with its security group; Describe* (no resource types, so "*");
 * Delete/Assign/Unassign on network interfaces, whose ids Lambda assigns.
 */
export function vpcAccessStatements(scope: Construct, vpc: DeployTimeHandlerVpc): iam.PolicyStatement[] {
  const arn = (resource: string, resourceName: string) => Stack.of(scope).formatArn({ service: 'ec2', resource, resourceName });
  return [
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        arn('network-interface', '*'),
        ...vpc.subnets.subnetIds.map((id) => arn('subnet', id)),
        arn('security-group', vpc.securityGroup.securityGroupId),
      ],
    }),
    new iam.PolicyStatement({
      actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [arn('network-interface', '*')],
    }),
    new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
  ];
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
      ...(options.vpc ? vpcAccessStatements(scope, options.vpc) : []),
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
    ...(options.vpc ? {
      vpc: options.vpc.vpc,
      vpcSubnets: { subnets: options.vpc.subnets.subnets },
      securityGroups: [options.vpc.securityGroup],
    } : {}),
  });
  // The permissions must be attached before CloudFormation first invokes the handler.
  fn.node.addDependency(policy);
  acknowledgeDeployTimeHandler(fn.node.defaultChild!, options.reasons, options.vpc !== undefined);
  return { fn, policy, logGroup };
}
