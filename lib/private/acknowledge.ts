import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Namespace of the cfn-guard validator's rules in `Validations.of(...).acknowledge()` ids. */
export const GUARD = 'cdk-validator-cfnguard';

interface Acknowledged {
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges one rule's finding on one resource, with the reason a reviewer reads.
 *
 * `id` is a cdk-nag rule id (`AwsSolutions-IAM5[Resource::...]`) or a validator rule as `<plugin>::<rule>`
 * (`cdk-validator-cfnguard::lambda_inside_vpc_check`). The acknowledgement is recorded with
 * `Validations.of(resource)` — honoured by cdk-nag 3, the cfn-guard validator and CloudFormation Validate — on the
 * resource itself, never on a parent, so it cannot hide the same finding on anything else.
 *
 * The reason is also written into the template, where reviewers and tools read it: `Metadata.acknowledged_rules`
 * for every rule, `Metadata.cdk_nag.rules_to_suppress` for cdk-nag rules and `Metadata.guard.SuppressedRules` (cfn-guard's
 * own suppression list) for Guard rules.
 */
export function acknowledge(resource: IConstruct, id: string, reason: string): void {
  const target = recordAcknowledgement(resource, id, reason);
  Validations.of(target).acknowledge({ id, reason });
  const [namespace, rule] = id.includes('::') ? id.split('::') : [undefined, id];
  if (namespace === undefined) {
    const nag = (target.getMetadata('cdk_nag') as { rules_to_suppress: Acknowledged[] } | undefined)?.rules_to_suppress ?? [];
    target.addMetadata('cdk_nag', { rules_to_suppress: [...nag, { id, reason }] });
  } else if (namespace === GUARD) {
    const guard = (target.getMetadata('guard') as { SuppressedRules: string[] } | undefined)?.SuppressedRules ?? [];
    target.addMetadata('guard', { SuppressedRules: [...guard, rule] });
  }
}

/** Why the Lambda rules do not apply to a deploy-time custom-resource handler. */
export interface DeployTimeHandlerReasons {
  /** Why it runs outside the VPC (for a handler that does). */
  readonly outsideVpc?: string;
  /** What invokes it, and how often. */
  readonly invokedBy: string;
}

/**
 * Acknowledges, on one custom-resource handler function, the Lambda findings that do not apply to code CloudFormation
 * invokes during deployments: reserved concurrency, a dead-letter queue and, for a handler outside any VPC, VPC
 * placement (each pack's rule).
 */
export function acknowledgeDeployTimeHandler(fn: IConstruct, reasons: DeployTimeHandlerReasons, insideVpc = false): void {
  for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
    acknowledge(fn, `${pack}-LambdaConcurrency`, `${reasons.invokedBy}; a reserved concurrency would only take capacity from the account pool.`);
    acknowledge(fn, `${pack}-LambdaDLQ`, 'The handler reports every failure to CloudFormation, which fails and rolls back the deployment; there is no event to replay later.');
  }
  if (insideVpc) {
    return;
  }
  if (reasons.outsideVpc === undefined) {
    throw new Error(`${fn.node.path}: a deploy-time handler outside the VPC needs its reason (\`reasons.outsideVpc\`)`);
  }
  for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
    acknowledge(fn, `${pack}-LambdaInsideVPC`, reasons.outsideVpc);
  }
  acknowledge(fn, `${GUARD}::lambda_inside_vpc_check`, reasons.outsideVpc);
}

/**
 * Records, in the template only (`Metadata.acknowledged_rules`, id `security-checklist::<item>`), why a resource
 * meets an item of the security checklist that no rule pack checks only with a stated exception (e.g. internet
 * egress to a service with no fixed address range). The security report quotes it next to the item's evidence; no
 * rule pack reads it, so it hides no finding.
 */
export function acknowledgeChecklistItem(resource: IConstruct, item: number, reason: string): void {
  recordAcknowledgement(resource, `security-checklist::${item}`, reason);
}

/** Adds `{ id, reason }` to `Metadata.acknowledged_rules` of the resource itself, and returns that resource. */
function recordAcknowledgement(resource: IConstruct, id: string, reason: string): CfnResource {
  const target = resource instanceof CfnResource ? resource : resource.node.defaultChild;
  if (!(target instanceof CfnResource)) {
    throw new Error(`cannot acknowledge '${id}' on '${resource.node.path}': it is not a CloudFormation resource`);
  }
  const all = (target.getMetadata('acknowledged_rules') as Acknowledged[] | undefined) ?? [];
  target.addMetadata('acknowledged_rules', [...all, { id, reason }]);
  return target;
}
