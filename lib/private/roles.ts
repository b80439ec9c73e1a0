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

/**
 * A role made by {@link roleWithManagedPolicy} as a grant target: what `grant*` methods add lands in the role's
 * customer-managed policy, so the role keeps no inline policy and resources that depend on that policy (a connector
 * waits for its role's permissions) also wait for the grants.
 */
export class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;

  constructor(private readonly role: iam.IRole, private readonly policy: iam.ManagedPolicy) {}

  public get assumeRoleAction(): string {
    return this.role.assumeRoleAction;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public get principalAccount(): string | undefined {
    return this.role.principalAccount;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }
}
