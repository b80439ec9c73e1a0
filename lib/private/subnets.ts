import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { show } from './validation';

/**
 * The subnets of `selection`, or by default the VPC's private subnets with egress. A VPC without such subnets (an
 * imported VPC whose private subnets a `PrivateSubnetWithNat` adds, for instance) gets an error naming the prop to
 * set, instead of aws-cdk-lib's "There are no 'Private' subnet groups in this VPC".
 */
export function selectPrivateSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, prop = 'vpcSubnets'): ec2.SelectedSubnets {
  if (selection === undefined && vpc.privateSubnets.length === 0) {
    throw new Error(`\`${prop}\` is required: \`vpc\` ${show(vpc.node.path)} has no private subnets with egress to default to, got none (with a PrivateSubnetWithNat on an existing VPC, pass \`network.privateSubnetSelection\`)`);
  }
  return vpc.selectSubnets(selection ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
}
