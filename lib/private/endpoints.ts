import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The Secrets Manager interface endpoint of each VPC that a `PrivateSubnetWithNat` gave one. */
const SECRETS_MANAGER_ENDPOINTS = new WeakMap<ec2.IVpc, ec2.InterfaceVpcEndpoint>();

/** Records `endpoint` as the Secrets Manager interface endpoint (private DNS) of `vpc`. */
export function registerSecretsManagerEndpoint(vpc: ec2.IVpc, endpoint: ec2.InterfaceVpcEndpoint): void {
  SECRETS_MANAGER_ENDPOINTS.set(vpc, endpoint);
}

/** The Secrets Manager interface endpoint of `vpc`, when this app created one with private DNS. */
export function secretsManagerEndpointOf(vpc: ec2.IVpc): ec2.InterfaceVpcEndpoint | undefined {
  return SECRETS_MANAGER_ENDPOINTS.get(vpc);
}
