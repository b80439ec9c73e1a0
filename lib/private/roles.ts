import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Options of {@link roleWithManagedPolicy}. */
export interface ManagedPolicyRoleOptions {
  readonly assumedBy: iam.IPrincipal;
  readonly roleDescription: string;
  readonly policyDescription: string;
  readonly statements: iam.PolicyStatement[];
}

/**
 * A role whose only permissions are one customer-managed policy (ids `${prefix}Role` and `${prefix}Policy`): no inline
 * policy (HIPAA / NIST / PCI IAMNoInlinePolicy) and no AWS managed policy. Hand the role to constructs as
 * `role.withoutPolicyUpdates()`, so their own grants cannot add an inline policy behind the managed one.
 */
export function roleWithManagedPolicy(scope: Construct, prefix: string, options: ManagedPolicyRoleOptions):
{ role: iam.Role; policy: iam.ManagedPolicy } {
  const role = new ManagedPolicyRole(scope, `${prefix}Role`, {
    description: options.roleDescription,
    assumedBy: options.assumedBy,
  });
  const policy = new iam.ManagedPolicy(scope, `${prefix}Policy`, {
    description: options.policyDescription,
    roles: [role],
    statements: options.statements,
  });
  role.managedPolicy = policy;
  return { role, policy };
}

/**
 * A role whose grants (`bucket.grantRead(role)`, `role.addToPrincipalPolicy(...)`) land in its customer-managed policy
 * instead of a new inline default policy: resources that wait for that policy (a connector waits for its role's) then
 * wait for the grants too, and the role keeps no inline policy. IAM caps a managed policy at 6,144 characters.
 */
class ManagedPolicyRole extends iam.Role {
  public managedPolicy?: iam.ManagedPolicy;

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.managedPolicy) {
      return super.addToPrincipalPolicy(statement);
    }
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
