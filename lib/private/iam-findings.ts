import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from './acknowledge';

/** Why a wildcard resource is needed, for the resources it matches. */
export interface WildcardReason {
  /** Matches the resource as cdk-nag prints it (`<LogicalId.Arn>/plugins/*`, `arn:...:topic/.../__amazon_msk_connect_*`). */
  readonly matches: (resource: string) => boolean;
  readonly reason: string;
}

/** cdk-nag's flat form of a (possibly intrinsic) resource, so an acknowledgement names the exact finding. */
function flatten(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  const value = node as Record<string, any>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'];
    return (items as unknown[]).map(flatten).join(delimiter);
  }
  if (value['Fn::Sub']) {
    return flatten(value['Fn::Sub']);
  }
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (value['Fn::ImportValue']) {
    return flatten(value['Fn::ImportValue']);
  }
  if (value.Ref) {
    return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledges AwsSolutions-IAM5 for each wildcard resource of `policy` that one of `reasons` explains, finding by
 * finding. A wildcard no reason explains stays a finding, so an unexpected one cannot slip through.
 */
export function acknowledgeWildcardResources(policy: iam.ManagedPolicy, reasons: WildcardReason[]): void {
  const cfn = policy.node.defaultChild as iam.CfnManagedPolicy;
  const document = Stack.of(policy).resolve(cfn.policyDocument) as { Statement?: Array<{ Effect: string; Resource: unknown }> };
  const done = new Set<string>();
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') {
      continue;
    }
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources.map(flatten)) {
      const reason = resource.includes('*') ? reasons.find((r) => r.matches(resource)) : undefined;
      if (reason && !done.has(resource)) {
        done.add(resource);
        acknowledge(cfn, `AwsSolutions-IAM5[Resource::${resource}]`, reason.reason);
      }
    }
  }
}
