import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** A security-group rule as found in the app, flattened. */
interface FoundRule {
  readonly stack: Stack;
  readonly groupId: string;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidr?: string;
  readonly peerGroupId?: string;
}

function key(stack: Stack, value: unknown): string {
  return JSON.stringify(stack.resolve(value));
}

/** Every security-group rule of the app the construct lives in: inline rules and separate rule resources. */
function rulesOf(scope: IConstruct): FoundRule[] {
  const rules: FoundRule[] = [];
  for (const c of scope.node.root.node.findAll()) {
    if (!(c instanceof CfnResource)) {
      continue;
    }
    const stack = Stack.of(c);
    if (c instanceof ec2.CfnSecurityGroup) {
      const groupId = key(stack, { 'Fn::GetAtt': [c.logicalId, 'GroupId'] });
      const inline = (list: unknown, direction: 'ingress' | 'egress') => {
        for (const r of (stack.resolve(list) ?? []) as any[]) {
          const peer = r.sourceSecurityGroupId ?? r.destinationSecurityGroupId ?? r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId;
          rules.push({
            stack,
            groupId,
            direction,
            protocol: String(r.ipProtocol ?? r.IpProtocol),
            fromPort: r.fromPort ?? r.FromPort,
            toPort: r.toPort ?? r.ToPort,
            cidr: r.cidrIp ?? r.CidrIp,
            peerGroupId: peer === undefined ? undefined : JSON.stringify(peer),
          });
        }
      };
      inline(c.securityGroupIngress, 'ingress');
      inline(c.securityGroupEgress, 'egress');
    } else if (c instanceof ec2.CfnSecurityGroupIngress) {
      rules.push({
        stack,
        groupId: key(stack, c.groupId),
        direction: 'ingress',
        protocol: c.ipProtocol,
        fromPort: c.fromPort,
        toPort: c.toPort,
        cidr: c.cidrIp,
        peerGroupId: c.sourceSecurityGroupId === undefined ? undefined : key(stack, c.sourceSecurityGroupId),
      });
    } else if (c instanceof ec2.CfnSecurityGroupEgress) {
      rules.push({
        stack,
        groupId: key(stack, c.groupId),
        direction: 'egress',
        protocol: c.ipProtocol,
        fromPort: c.fromPort,
        toPort: c.toPort,
        cidr: c.cidrIp,
        peerGroupId: c.destinationSecurityGroupId === undefined ? undefined : key(stack, c.destinationSecurityGroupId),
      });
    }
  }
  return rules;
}

function coversPort(rule: FoundRule, port: number): boolean {
  if (rule.protocol === '-1') {
    return true;
  }
  return rule.protocol === 'tcp' && (rule.fromPort ?? -1) <= port && port <= (rule.toPort ?? -1);
}

/** A destination of a connector's traffic. */
export interface Destination {
  /** What it is, for the error message (`cluster 'S/Cluster'`). */
  readonly name: string;
  readonly port: number;
  /** Security groups of the destination, when it has them (then ingress must allow the source too). */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** A CIDR destination (e.g. 0.0.0.0/0 through the NAT gateway). */
  readonly cidr?: string;
}

/**
 * Checks that traffic from `sources` can reach `destination` on its port: an egress rule on a source group and, for
 * a destination with security groups, an ingress rule from a source group. Security groups created outside this app
 * (imported by id) are taken on trust. Returns the problems found, naming both ends.
 */
export function checkSecurityGroupPath(from: string, sources: ec2.ISecurityGroup[], destination: Destination): string[] {
  if (sources.length === 0) {
    return [];
  }
  const rules = rulesOf(sources[0]);
  const owned = (sg: ec2.ISecurityGroup) => sg instanceof ec2.SecurityGroup;
  const problems: string[] = [];
  const sourceIds = (stack: Stack) => sources.map((sg) => key(stack, sg.securityGroupId));

  if (destination.securityGroups !== undefined) {
    if (destination.securityGroups.length === 0) {
      return [`no security-group path from ${from} to ${destination.name} on TCP ${destination.port}: the destination has no known security groups to open (give them, e.g. \`securityGroups\` of MskCluster.fromClusterAttributes)`];
    }
    const ownedTargets = destination.securityGroups.filter(owned);
    const ingressOk = ownedTargets.length === 0 || ownedTargets.some((sg) => rules.some((r) => r.direction === 'ingress'
      && r.groupId === key(r.stack, sg.securityGroupId) && coversPort(r, destination.port)
      && ((r.peerGroupId !== undefined && sourceIds(r.stack).includes(r.peerGroupId)) || r.cidr === '0.0.0.0/0')));
    if (!ingressOk) {
      problems.push(`no security-group path from ${from} to ${destination.name} on TCP ${destination.port}: no ingress rule of the destination's security groups admits the source's security groups`);
    }
  }

  const ownedSources = sources.filter(owned) as ec2.SecurityGroup[];
  if (ownedSources.length === sources.length && !ownedSources.some((sg) => sg.allowAllOutbound)) {
    const egressOk = ownedSources.some((sg) => rules.some((r) => r.direction === 'egress' && r.groupId === key(r.stack, sg.securityGroupId)
      && coversPort(r, destination.port) && (
      (destination.cidr !== undefined && r.cidr === destination.cidr)
        || (destination.securityGroups ?? []).some((d) => r.peerGroupId === key(r.stack, d.securityGroupId))
        || r.cidr === '0.0.0.0/0')));
    if (!egressOk) {
      problems.push(`no security-group path from ${from} to ${destination.name} on TCP ${destination.port}: no egress rule of the source's security groups allows it`);
    }
  }
  return problems;
}

/**
 * Checks that each subnet routes 0.0.0.0/0 to a NAT gateway (subnets whose route table this app does not define are
 * taken on trust). Returns the problems found.
 */
export function checkNatEgress(from: string, subnets: ec2.ISubnet[], why: string): string[] {
  const problems: string[] = [];
  for (const subnet of subnets) {
    if (!(subnet.node.defaultChild instanceof ec2.CfnSubnet)) {
      continue;
    }
    const route = subnet.node.tryFindChild('DefaultRoute') as ec2.CfnRoute | undefined;
    const natId = route?.natGatewayId;
    if (!route || natId === undefined || (!Token.isUnresolved(natId) && natId === '')) {
      problems.push(`${from} needs internet egress (${why}), but subnet ${subnet.node.path} has no 0.0.0.0/0 route to a NAT gateway`);
    }
  }
  return problems;
}

/** The VPC each cluster and database construct of the library was placed in (read by the constructs that reach it). */
const PLACEMENT = new WeakMap<IConstruct, ec2.IVpc>();

/** Records that `construct` sits in `vpc`. */
export function recordVpc(construct: IConstruct, vpc: ec2.IVpc): void {
  PLACEMENT.set(construct, vpc);
}

/** The VPC `construct` was placed in, when it is a construct of this library that records one. */
export function recordedVpc(construct: IConstruct): ec2.IVpc | undefined {
  return PLACEMENT.get(construct);
}

/**
 * Whether `a` and `b` are known at synth to be different VPCs: two VPCs this app creates, a created one and an
 * imported one, or two imported ones with different literal ids. Two views of one VPC (the same construct, or imports
 * of the same id) are not different; ids that are tokens of no VPC in the app are taken on trust.
 */
export function differentVpcs(a: ec2.IVpc, b: ec2.IVpc): boolean {
  if (a === b) {
    return false;
  }
  const created = (v: ec2.IVpc) => v.node.defaultChild instanceof ec2.CfnVPC;
  const literal = (v: ec2.IVpc) => !Token.isUnresolved(v.vpcId);
  if (literal(a) && literal(b)) {
    return a.vpcId !== b.vpcId;
  }
  return (created(a) && (created(b) || literal(b))) || (created(b) && literal(a));
}

/** A VPC for an error message: its construct path, and its id when known. */
export function describeVpc(vpc: ec2.IVpc): string {
  return Token.isUnresolved(vpc.vpcId) ? vpc.node.path : `${vpc.node.path} (${vpc.vpcId})`;
}

/**
 * Whether the app shows that `subnet` is not in `vpc`: the subnet belongs to another VPC construct, or (for a subnet
 * this app adds to an existing VPC) its `AWS::EC2::Subnet` names another literal VPC id.
 */
export function subnetOutside(subnet: ec2.ISubnet, vpc: ec2.IVpc): boolean {
  const isVpc = (s: IConstruct) => s !== subnet && (s as ec2.IVpc).vpcId !== undefined && s.node.defaultChild instanceof ec2.CfnVPC;
  const owner = subnet.node.scopes.find(isVpc);
  if (owner) {
    return differentVpcs(owner as unknown as ec2.IVpc, vpc);
  }
  const cfn = subnet.node.defaultChild;
  if (cfn instanceof ec2.CfnSubnet && !Token.isUnresolved(cfn.vpcId) && !Token.isUnresolved(vpc.vpcId)) {
    return cfn.vpcId !== vpc.vpcId;
  }
  return false;
}

/** Throws when the app shows that a selected subnet is not in `vpc` (CloudFormation would refuse the placement). */
export function checkSubnetsInVpc(subnets: ec2.ISubnet[], vpc: ec2.IVpc): void {
  const outside = subnets.filter((s) => subnetOutside(s, vpc));
  if (outside.length > 0) {
    throw new Error(`\`vpcSubnets\` must select subnets of \`vpc\` ${describeVpc(vpc)}, got ${outside.map((s) => `'${s.node.path}'`).join(', ')} of another VPC`);
  }
}

/**
 * Where a connector's plugin-fetch handler runs: in the workers' subnets when the app shows they route to a NAT
 * gateway (the handler downloads from the internet), else outside the VPC, as a plugin without `vpc` does. A fully
 * private connector (PrivateLink, VPC endpoints, isolated subnets) thus keeps working without internet in its subnets.
 */
export function fetchHandlerPlacement(
  vpc: ec2.IVpc, subnets: ec2.ISubnet[], vpcSubnets?: ec2.SubnetSelection,
): { vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection } {
  return checkNatEgress('', subnets, '').length === 0 ? { vpc, vpcSubnets } : {};
}
