import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeDeployTimeHandler } from './acknowledge';
import { acknowledgeWildcardResources } from './iam-findings';
import { roleWithManagedPolicy } from './roles';
import { createLogGroup } from './secure-defaults';

const SINGLETON_ID = 'MskBootstrapBrokersLookup';

/**
 * What every bootstrap-broker lookup of a stack shares: the role and log group of CDK's `AwsCustomResource`
 * handler, which is itself one function per stack. The role's only permissions are a customer-managed policy.
 */
class BootstrapBrokersLookupShared extends Construct {
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.logGroup = createLogGroup(this, 'Logs', {});
    const { role, policy } = roleWithManagedPolicy(this, '', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      roleDescription: 'Reads MSK bootstrap brokers for CloudFormation (AwsCustomResource handler)',
      policyDescription: 'kafka:GetBootstrapBrokers and the lookup\'s own log group',
      statements: [
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      ],
    });
    this.role = role;
    acknowledgeWildcardResources(policy, [{
      matches: (r) => r === '*',
      reason: 'kafka:GetBootstrapBrokers has no IAM resource type, so it cannot be scoped to a cluster ARN; it returns broker host names only.',
    }]);
  }
}

/** Findings on CDK's `AwsCustomResource` handler (one per stack) that do not apply to a deploy-time lookup. */
function acknowledgeHandler(stack: Stack): void {
  const fn = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`)?.node.defaultChild;
  if (!fn || fn.node.metadata.some((m) => m.type === 'acknowledged_rules')) {
    return;
  }
  acknowledgeDeployTimeHandler(fn, {
    outsideVpc: 'The handler calls only the MSK control-plane API (kafka:GetBootstrapBrokers) and is invoked only by CloudFormation during deployments; running it in the VPC would add network interfaces and EC2 permissions without shrinking what it can reach.',
    invokedBy: 'Invoked only by CloudFormation, once per deployment of a lookup',
  });
}

/**
 * Reads a cluster's bootstrap broker strings at deploy time (`kafka:GetBootstrapBrokers`): no AWS call at synth.
 * Returns the lookup; read fields with `getResponseField('BootstrapBrokerStringSaslIam')` etc.
 */
export function bootstrapBrokersLookup(scope: Construct, id: string, clusterArn: string, fields: string[]): cr.AwsCustomResource {
  const stack = Stack.of(scope);
  const shared = (stack.node.tryFindChild(SINGLETON_ID) as BootstrapBrokersLookupShared | undefined)
    ?? new BootstrapBrokersLookupShared(stack, SINGLETON_ID);
  const lookup = new cr.AwsCustomResource(scope, id, {
    onUpdate: {
      service: 'Kafka',
      action: 'getBootstrapBrokers',
      parameters: { ClusterArn: clusterArn },
      physicalResourceId: cr.PhysicalResourceId.of(`${clusterArn}/bootstrap-brokers`),
      outputPaths: fields,
    },
    role: shared.role,
    installLatestAwsSdk: false,
    // The handler's own timeout is 2 minutes: a lost response fails the deployment soon after, not after an hour.
    serviceTimeout: Duration.minutes(3),
    logGroup: shared.logGroup,
  });
  acknowledgeHandler(stack);
  return lookup;
}
