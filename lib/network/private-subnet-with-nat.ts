import { Annotations, CfnResource, Fn, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, GUARD } from '../private/acknowledge';
import { checkAvailabilityZoneNames, checkRetentionDays } from '../private/checks-msk';
import { Cidr, cidrContains, cidrsOverlap, parseCidr } from '../private/cidr';
import { registerSecretsManagerEndpoint } from '../private/endpoints';
import { roleWithManagedPolicy } from '../private/roles';
import { createLogGroup, egressRestrictedSecurityGroup } from '../private/secure-defaults';
import { checkIntegerAtLeast, checkIntegerRange, show } from '../private/validation';

/**
 * Properties of {@link PrivateSubnetWithNat}.
 */
export interface PrivateSubnetWithNatProps {
  /**
   * An existing VPC to add the private subnets and NAT gateways to. It must already have public subnets (with a
   * route to an internet gateway): the NAT gateways are placed in them, one AZ each.
   *
   * @default - a new VPC is created with public subnets (for the NAT gateways only) and private subnets
   */
  readonly vpc?: ec2.IVpc;

  /**
   * IPv4 CIDR of the new VPC. Only with a new VPC.
   *
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * The availability zones to use, by name (`eu-west-1a`, ...). Two or three.
   *
   * @default - new VPC: the first `availabilityZoneCount` AZs of the region, resolved at deploy time with
   * `Fn::GetAZs` in an environment-agnostic stack (no AWS call at synth); existing VPC: the AZs of its public subnets
   */
  readonly availabilityZones?: string[];

  /**
   * How many availability zones to spread the private subnets over: 2 or 3. MSK needs brokers in 2 or 3 AZs;
   * three keeps a Kafka quorum through the loss of one AZ. In a region with only two AZs, set 2.
   *
   * @default 3 for a new VPC; for an existing VPC, the number of AZs its public subnets cover (at most 3)
   */
  readonly availabilityZoneCount?: number;

  /**
   * How many NAT gateways to create, at most one per AZ. One per AZ (the default) keeps egress working when an AZ
   * fails, at the price of one NAT gateway and one Elastic IP per AZ (each billed hourly plus per GB). One NAT
   * gateway is cheaper but makes its AZ a single point of failure for all outbound traffic (e.g. to ClickHouse Cloud).
   *
   * @default - one per availability zone
   */
  readonly natGateways?: number;

  /**
   * Prefix length of each private subnet of a new VPC (16–28).
   *
   * @default 20 (4,091 usable addresses per AZ: MSK Connect takes one IP per worker, brokers one each)
   */
  readonly privateSubnetCidrMask?: number;

  /**
   * Prefix length of each public (NAT-only) subnet of a new VPC (16–28).
   *
   * @default 26
   */
  readonly publicSubnetCidrMask?: number;

  /**
   * CIDRs of the private subnets to create in an existing VPC, one per availability zone, in the order of the AZs.
   * Required with `vpc`; must lie inside the VPC's CIDR and overlap neither each other nor the existing subnets.
   *
   * @default - required with `vpc`; not used with a new VPC (subnets are carved from `vpcCidr`)
   */
  readonly privateSubnetCidrs?: string[];

  /**
   * Whether to record VPC flow logs (all traffic) to an encrypted CloudWatch log group.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * Retention of the flow log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * KMS key for the flow log group. CloudWatch Logs of this account and region is allowed to use it.
   *
   * @default - the stack's shared logs key (a customer-managed key with rotation, retained)
   */
  readonly flowLogEncryptionKey?: kms.IKey;

  /**
   * Whether to create a Secrets Manager interface VPC endpoint (AWS PrivateLink, private DNS) in the private subnets,
   * with a security group of its own that admits only the clients the library's constructs let in. MSK Connect
   * connectors of this VPC then reach Secrets Manager (their config provider) through it: their HTTPS egress goes to
   * the endpoint's security group instead of `0.0.0.0/0`.
   *
   * MSK Connect resolves host names with the VPC's DHCP option set (the VPC resolver by default), so the endpoint's
   * private DNS name answers for `secretsmanager.<region>.amazonaws.com` — for connectors created since MSK Connect
   * supports private DNS host names (MSK developer guide, msk-connect-dns-config-dhcp); a connector created before
   * keeps its old resolution and must be re-created. The VPC needs DNS support and DNS host names (a new VPC has
   * both). An interface endpoint is billed per AZ and hour, plus per GB.
   *
   * Private DNS applies to everything in the VPC: every client of Secrets Manager there (the library's connectors,
   * CDC setup handler and rotation are let in already) must be allowed into the endpoint's security group, e.g.
   * `network.secretsManagerEndpoint.connections.allowDefaultPortFrom(myFunction)`, or its calls time out.
   *
   * @default false
   */
  readonly secretsManagerEndpoint?: boolean;

  /**
   * What happens to the flow log group and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Private subnets with no direct internet access, and NAT gateways in public subnets that give them outbound access
 * only — the network the ClickHouse MSK guide recommends for MSK and MSK Connect.
 *
 * Either creates a VPC (public subnets that hold only the NAT gateways, private subnets across 2–3 AZs, flow logs,
 * the default security group stripped of its rules) or adds private subnets and NAT gateways to an existing VPC
 * that has public subnets. No subnet assigns public IPs on launch; the NAT gateways use Elastic IPs, which are the
 * addresses a ClickHouse Cloud IP access list must allow (`natGatewayPublicIps`).
 *
 * @example
 * const network = new PrivateSubnetWithNat(this, 'Network', { availabilityZoneCount: 3 });
 * new CfnOutput(this, 'NatIps', { value: Fn.join(',', network.natGatewayPublicIps) });
 */
export class PrivateSubnetWithNat extends Construct {
  /** The VPC: the one created here, or the one passed in. */
  public readonly vpc: ec2.IVpc;

  /** The private subnets, one per availability zone. */
  public readonly privateSubnets: ec2.ISubnet[];

  /** A selection of exactly the private subnets, for `vpcSubnets` props. */
  public readonly privateSubnetSelection: ec2.SubnetSelection;

  /**
   * The public IPs of the NAT gateways: the source address of everything the private subnets send to the internet.
   * ClickHouse Cloud's IP access list must include each of them.
   */
  public readonly natGatewayPublicIps: string[];

  /** The NAT gateway ids. */
  public readonly natGatewayIds: string[];

  /** The flow log group, when flow logs are on. */
  public readonly flowLogGroup?: logs.ILogGroup;

  /** The Secrets Manager interface endpoint, with `secretsManagerEndpoint`. */
  public readonly secretsManagerEndpoint?: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: PrivateSubnetWithNatProps = {}) {
    super(scope, id);

    // These two decide how many subnets and NAT gateways exist: a token cannot be deferred to deploy time (the
    // template would silently get none), so it is refused with the reason.
    for (const prop of ['availabilityZoneCount', 'natGateways'] as const) {
      if (Token.isUnresolved(props[prop])) {
        throw new Error(`\`${prop}\` must be a number known at synth (it decides how many subnets and NAT gateways the template holds), got a token`);
      }
    }
    checkIntegerRange('availabilityZoneCount', props.availabilityZoneCount, 2, 3);
    if (props.availabilityZones !== undefined && (props.availabilityZones.length < 2 || props.availabilityZones.length > 3)) {
      throw new Error(`\`availabilityZones\` must name 2 or 3 availability zones, got ${show(props.availabilityZones)}`);
    }
    if (props.availabilityZones && props.availabilityZoneCount !== undefined && props.availabilityZones.length !== props.availabilityZoneCount) {
      throw new Error(`\`availabilityZoneCount\` (${props.availabilityZoneCount}) must match the number of \`availabilityZones\` (${show(props.availabilityZones)}); set one of them`);
    }
    checkIntegerAtLeast('natGateways', props.natGateways, 1);
    checkAvailabilityZoneNames('availabilityZones', props.availabilityZones);
    checkRetentionDays('flowLogRetention', props.flowLogRetention);
    if (props.flowLogs === false) {
      for (const prop of ['flowLogRetention', 'flowLogEncryptionKey'] as const) {
        if (props[prop] !== undefined) {
          throw new Error(`\`${prop}\` is set but \`flowLogs\` is false, so it would be ignored; drop one of them`);
        }
      }
    }

    const flowLogsOn = props.flowLogs ?? true;
    if (flowLogsOn) {
      this.flowLogGroup = createLogGroup(this, 'FlowLogs', {
        encryptionKey: props.flowLogEncryptionKey,
        retention: props.flowLogRetention,
        removalPolicy: props.removalPolicy,
      });
    }

    const built = props.vpc ? this.extendVpc(props.vpc, props) : this.createVpc(props);
    this.vpc = built.vpc;
    this.privateSubnets = built.privateSubnets;
    this.natGatewayIds = built.natGatewayIds;
    this.natGatewayPublicIps = built.natGatewayPublicIps;
    this.privateSubnetSelection = { subnets: this.privateSubnets };

    if (this.flowLogGroup) {
      this.addFlowLog(this.flowLogGroup);
    }
    if (props.secretsManagerEndpoint) {
      this.secretsManagerEndpoint = this.addSecretsManagerEndpoint();
    }
    // CDK's default-security-group custom resource sets no service timeout: a lost response would hold the deployment
    // for CloudFormation's default hour. Its provider's function times out after 15 minutes.
    const restrictSg = this.vpc.node.tryFindChild('RestrictDefaultSecurityGroupCustomResource')?.node.defaultChild;
    if (restrictSg instanceof CfnResource) {
      restrictSg.addPropertyOverride('ServiceTimeout', String(16 * 60));
    }
    const restrictSgProvider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const restrictSgHandler = restrictSgProvider?.node.tryFindChild('Handler');
    if (restrictSgProvider && restrictSgHandler instanceof CfnResource) {
      secureRestrictSgProvider(restrictSgProvider, restrictSgHandler, props.removalPolicy);
    }
    if (restrictSgHandler) {
      acknowledge(restrictSgHandler, `${GUARD}::lambda_inside_vpc_check`,
        'CDK-provided handler that removes the rules of the VPC default security group at deploy time. It calls only the EC2 API and runs before the VPC has any egress path, so it cannot run inside the VPC it configures.');
    }
  }

  /**
   * The Secrets Manager interface endpoint in the private subnets (one network interface per AZ), private DNS on. Its
   * security group has no rule of its own: each client is let in by security group (the connectors do it).
   */
  private addSecretsManagerEndpoint(): ec2.InterfaceVpcEndpoint {
    const cfnVpc = this.vpc.node.defaultChild;
    if (cfnVpc instanceof ec2.CfnVPC && (cfnVpc.enableDnsSupport === false || cfnVpc.enableDnsHostnames !== true)) {
      throw new Error(`\`secretsManagerEndpoint\` needs DNS support and DNS host names on \`vpc\` ${show(this.vpc.node.path)} (the endpoint's private DNS name answers only then), got enableDnsSupport ${show(cfnVpc.enableDnsSupport ?? true)}, enableDnsHostnames ${show(cfnVpc.enableDnsHostnames ?? false)}`);
    }
    const securityGroup = egressRestrictedSecurityGroup(this, 'SecretsManagerEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Secrets Manager interface endpoint: HTTPS from the clients let in by security group only',
    });
    const endpoint = new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc: this.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: this.privateSubnetSelection,
      privateDnsEnabled: true,
      securityGroups: [securityGroup],
      // No ingress from the VPC's CIDR: clients are let in by security group.
      open: false,
    });
    registerSecretsManagerEndpoint(this.vpc, endpoint);
    return endpoint;
  }

  /**
   * Flow log of all traffic, delivered by a role whose only permissions are a customer-managed policy scoped to the
   * flow log group (no inline policy), assumable by VPC Flow Logs for this account only.
   */
  private addFlowLog(logGroup: logs.ILogGroup): void {
    const stack = Stack.of(this);
    const { role } = roleWithManagedPolicy(this, 'FlowLog', {
      roleDescription: 'Delivers the VPC flow logs to their log group',
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ec2', resource: 'vpc-flow-log', resourceName: '*' }) },
        },
      }),
      policyDescription: 'Lets VPC Flow Logs write to the flow log group only',
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroup.logGroupArn],
      })],
    });
    new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(this.vpc),
      // The role's permissions are the managed policy above; the construct's own grant would be an inline policy.
      destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }

  private createVpc(props: PrivateSubnetWithNatProps): BuiltNetwork {
    if (props.privateSubnetCidrs !== undefined) {
      throw new Error(`\`privateSubnetCidrs\` is only for an existing \`vpc\`; a new VPC carves its subnets from \`vpcCidr\`, got ${show(props.privateSubnetCidrs)}`);
    }
    const vpcCidrText = props.vpcCidr ?? '10.0.0.0/16';
    const vpcCidr = parseCidr(vpcCidrText);
    if (!vpcCidr || vpcCidr.mask < 16 || vpcCidr.mask > 28) {
      throw new Error(`\`vpcCidr\` must be an IPv4 CIDR with a prefix length from /16 to /28 and no host bits set, got ${show(vpcCidrText)}`);
    }
    const privateMask = props.privateSubnetCidrMask ?? 20;
    const publicMask = props.publicSubnetCidrMask ?? 26;
    checkIntegerRange('privateSubnetCidrMask', privateMask, 16, 28);
    checkIntegerRange('publicSubnetCidrMask', publicMask, 16, 28);

    const azCount = props.availabilityZones?.length ?? props.availabilityZoneCount ?? 3;
    const natGateways = props.natGateways ?? azCount;
    if (natGateways > azCount) {
      throw new Error(`\`natGateways\` must be at most the number of availability zones (${azCount}, from ${props.availabilityZones ? '`availabilityZones`' : props.availabilityZoneCount !== undefined ? '`availabilityZoneCount`' : 'the default of 3'}), got ${natGateways}`);
    }
    const needed = azCount * (2 ** (32 - privateMask) + 2 ** (32 - publicMask));
    const available = 2 ** (32 - vpcCidr.mask);
    if (privateMask < vpcCidr.mask || publicMask < vpcCidr.mask || needed > available) {
      throw new Error(`\`vpcCidr\` ${vpcCidrText} cannot hold ${azCount} private /${privateMask} and ${azCount} public /${publicMask} subnets (${needed} addresses, the VPC has ${available}); use a larger \`vpcCidr\` or smaller subnets`);
    }

    // The construct owns its NAT gateways' Elastic IPs (the addresses ClickHouse Cloud allow-lists) instead of finding
    // them among aws-cdk-lib's internal children. Each is created where aws-cdk-lib would create its own
    // (<public subnet>/EIP), so the logical ids, and so the addresses, of deployed networks stay the same.
    const eips: ec2.CfnEIP[] = [];
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(vpcCidrText),
      ...this.azPlacement(props.availabilityZones, azCount),
      natGateways,
      natGatewayProvider: ec2.NatProvider.gateway({
        eipAllocationIds: Array.from({ length: natGateways }, (_, i) => Lazy.string({ produce: () => eips[i].attrAllocationId })),
      }),
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: publicMask, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: privateMask },
      ],
      restrictDefaultSecurityGroup: true,
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });

    const natIds: string[] = [];
    for (const [i, subnet] of vpc.publicSubnets.entries()) {
      if (i < natGateways) {
        eips.push(new ec2.CfnEIP(subnet, 'EIP', { domain: 'vpc' }));
        const nat = subnet.node.findChild('NATGateway') as ec2.CfnNatGateway;
        natIds.push(nat.ref);
      }
      acknowledgePublicRoute(subnet);
    }
    if (props.availabilityZones) {
      for (const subnet of [...vpc.publicSubnets, ...vpc.privateSubnets]) {
        acknowledgeFixedAz(subnet, 'it was named explicitly in the `availabilityZones` prop');
      }
    }
    return {
      vpc,
      privateSubnets: vpc.privateSubnets,
      natGatewayIds: natIds,
      natGatewayPublicIps: eips.map((e) => e.attrPublicIp),
    };
  }

  /**
   * AZ placement for a new VPC without any AZ lookup at synth: explicit names, or in an environment-agnostic
   * stack `Fn::Select` over `Fn::GetAZs`, or (in a stack with a concrete region) `maxAzs`, which uses the CDK's
   * cached availability-zone context.
   */
  private azPlacement(names: string[] | undefined, count: number): Pick<ec2.VpcProps, 'availabilityZones' | 'maxAzs'> {
    if (names) {
      return { availabilityZones: names };
    }
    if (Token.isUnresolved(Stack.of(this).region)) {
      return { availabilityZones: Array.from({ length: count }, (_, i) => Fn.select(i, Fn.getAzs())) };
    }
    return { maxAzs: count };
  }

  private extendVpc(vpc: ec2.IVpc, props: PrivateSubnetWithNatProps): BuiltNetwork {
    for (const prop of ['vpcCidr', 'privateSubnetCidrMask', 'publicSubnetCidrMask'] as const) {
      if (props[prop] !== undefined) {
        throw new Error(`\`${prop}\` is only for a new VPC; with an existing \`vpc\` give \`privateSubnetCidrs\`, got ${show(props[prop])}`);
      }
    }
    const publicSubnets = onePerAz(vpc.publicSubnets);
    if (publicSubnets.length === 0) {
      throw new Error(`\`vpc\` must have public subnets to hold the NAT gateways, got none in VPC ${show(vpc.vpcId)}`);
    }
    let chosen: ec2.ISubnet[];
    if (props.availabilityZones) {
      chosen = props.availabilityZones.map((az) => {
        const match = publicSubnets.find((s) => s.availabilityZone === az);
        if (!match) {
          throw new Error(`\`availabilityZones\` includes ${show(az)}, but \`vpc\` has no public subnet there (public subnets are in ${show(publicSubnets.map((s) => s.availabilityZone))})`);
        }
        return match;
      });
    } else {
      const count = props.availabilityZoneCount ?? Math.min(publicSubnets.length, 3);
      if (publicSubnets.length < count || count < 2) {
        throw new Error(`\`vpc\` must have public subnets in at least ${Math.max(count, 2)} availability zones, got ${publicSubnets.length} (${show(publicSubnets.map((s) => s.availabilityZone))})`);
      }
      chosen = publicSubnets.slice(0, count);
    }

    const cidrs = props.privateSubnetCidrs;
    if (cidrs === undefined || cidrs.length !== chosen.length) {
      throw new Error(`\`privateSubnetCidrs\` must give one CIDR per availability zone (${chosen.length}) with an existing \`vpc\`, got ${show(cidrs)}`);
    }
    this.checkSubnetCidrs(vpc, cidrs);

    const natGateways = props.natGateways ?? chosen.length;
    if (natGateways > chosen.length) {
      throw new Error(`\`natGateways\` must be at most the number of availability zones (${chosen.length}, from ${props.availabilityZones ? '`availabilityZones`' : props.availabilityZoneCount !== undefined ? '`availabilityZoneCount`' : 'the public subnets of `vpc`'}), got ${natGateways}`);
    }

    const natIds: string[] = [];
    const natIps: string[] = [];
    for (let i = 0; i < natGateways; i++) {
      const publicSubnet = chosen[i];
      const eip = new ec2.CfnEIP(this, `NatEip${i + 1}`, { domain: 'vpc' });
      const nat = new ec2.CfnNatGateway(this, `NatGateway${i + 1}`, {
        subnetId: publicSubnet.subnetId,
        allocationId: eip.attrAllocationId,
      });
      nat.node.addDependency(publicSubnet.internetConnectivityEstablished);
      natIds.push(nat.ref);
      natIps.push(eip.attrPublicIp);
    }

    const privateSubnets = chosen.map((publicSubnet, i) => {
      const subnet = new ec2.PrivateSubnet(this, `PrivateSubnet${i + 1}`, {
        vpcId: vpc.vpcId,
        availabilityZone: publicSubnet.availabilityZone,
        cidrBlock: cidrs[i],
        mapPublicIpOnLaunch: false,
      });
      // The NAT gateway of the same AZ when there is one, else the first: no private route ever reaches an IGW.
      subnet.addDefaultNatRoute(natIds[i < natGateways ? i : 0]);
      acknowledgeFixedAz(subnet, 'it is the AZ of the existing VPC\'s public subnet (and NAT gateway) it pairs with, which a deploy-time lookup cannot choose');
      return subnet;
    });

    return { vpc, privateSubnets, natGatewayIds: natIds, natGatewayPublicIps: natIps };
  }

  private checkSubnetCidrs(vpc: ec2.IVpc, cidrs: string[]): void {
    const parsed: Cidr[] = cidrs.map((text) => {
      const c = parseCidr(text);
      if (!c || c.mask < 16 || c.mask > 28) {
        throw new Error(`\`privateSubnetCidrs\` must hold IPv4 CIDRs with a prefix length from /16 to /28 and no host bits set, got ${show(text)}`);
      }
      return c;
    });
    const vpcCidrText = knownVpcCidr(vpc);
    const vpcCidr = vpcCidrText === undefined ? undefined : parseCidr(vpcCidrText);
    for (const c of parsed) {
      if (vpcCidr && !cidrContains(vpcCidr, c)) {
        throw new Error(`\`privateSubnetCidrs\` entry ${show(c.text)} is outside the VPC's CIDR ${show(vpcCidrText)}`);
      }
    }
    for (let i = 0; i < parsed.length; i++) {
      for (let j = i + 1; j < parsed.length; j++) {
        if (cidrsOverlap(parsed[i], parsed[j])) {
          throw new Error(`\`privateSubnetCidrs\` entries ${show(parsed[i].text)} and ${show(parsed[j].text)} overlap`);
        }
      }
    }
    const existing = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
    const unknown = existing.filter((s) => knownCidr(s) === undefined);
    if (unknown.length > 0) {
      // Not an error: the subnets may be imported by id only. But the overlap check cannot run, so say so.
      Annotations.of(this).addWarningV2('msk-clickhouse-pipeline:subnetOverlapUnchecked',
        `\`privateSubnetCidrs\` cannot be checked for overlap with existing subnet(s) ${show(unknown.map((s) => s.subnetId))}, whose CIDRs are unknown: import them with their CIDRs (e.g. \`publicSubnetIpv4CidrBlocks\` of Vpc.fromVpcAttributes) to have overlaps refused at synth instead of failing the deployment`);
    }
    for (const subnet of existing) {
      const block = knownCidr(subnet);
      const other = block === undefined ? undefined : parseCidr(block);
      const clash = other && parsed.find((c) => cidrsOverlap(c, other));
      if (clash) {
        throw new Error(`\`privateSubnetCidrs\` entry ${show(clash.text)} overlaps existing subnet ${show(subnet.subnetId)} (${show(block)})`);
      }
    }
  }
}

/** Construct id, at the stack's root, of the log group of aws-cdk-lib's default-security-group handler. */
const RESTRICT_SG_LOGS_ID = 'RestrictDefaultSecurityGroupHandlerLogs';

/**
 * aws-cdk-lib's handler behind `restrictDefaultSecurityGroup` (one per stack, shared by its VPCs) comes with the AWS
 * managed AWSLambdaBasicExecutionRole and writes to the log group Lambda creates on first use (unencrypted, kept
 * forever). Here it logs to an encrypted, retained group with a year's retention, and its role loses the managed
 * policy for an inline statement limited to writing that group. Done once per stack.
 */
function secureRestrictSgProvider(provider: Construct, handler: CfnResource, removalPolicy?: RemovalPolicy): void {
  const stack = Stack.of(provider);
  if (stack.node.tryFindChild(RESTRICT_SG_LOGS_ID)) {
    return;
  }
  const role = provider.node.tryFindChild('Role');
  if (!(role instanceof CfnResource)) {
    throw new Error(`aws-cdk-lib's default-security-group provider ${provider.node.path} has no Role: this version of aws-cdk-lib builds it differently, update secureRestrictSgProvider`);
  }
  const logGroup = createLogGroup(stack, RESTRICT_SG_LOGS_ID, { removalPolicy });
  handler.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
  role.addPropertyOverride('ManagedPolicyArns', []);
  role.addPropertyOverride('Policies.1', {
    PolicyName: 'Logs',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.logGroupArn }],
    },
  });
}

interface BuiltNetwork {
  readonly vpc: ec2.IVpc;
  readonly privateSubnets: ec2.ISubnet[];
  readonly natGatewayIds: string[];
  readonly natGatewayPublicIps: string[];
}

/** The first subnet of each AZ, in order. */
function onePerAz(subnets: ec2.ISubnet[]): ec2.ISubnet[] {
  const seen = new Set<string>();
  return subnets.filter((s) => {
    if (seen.has(s.availabilityZone)) {
      return false;
    }
    seen.add(s.availabilityZone);
    return true;
  });
}

/**
 * The CIDR of a VPC, when it can be known at synth: given at import, or the literal CIDR of a VPC of this app (its
 * `vpcCidrBlock` is a token, but the CloudFormation VPC holds the value). A VPC imported without its CIDR is an error:
 * the new subnets must lie inside it, and CloudFormation would otherwise find out only at deploy time.
 */
function knownVpcCidr(vpc: ec2.IVpc): string | undefined {
  let cidr: string;
  try {
    cidr = vpc.vpcCidrBlock;
  } catch {
    throw new Error(`\`vpc\` must carry its CIDR so \`privateSubnetCidrs\` can be checked against it before deploying: import it with \`vpcCidrBlock\` (Vpc.fromVpcAttributes) or use Vpc.fromLookup, got VPC ${show(vpc.vpcId)} without one`);
  }
  if (!Token.isUnresolved(cidr)) {
    return cidr;
  }
  const cfn = vpc.node.defaultChild;
  if (cfn instanceof ec2.CfnVPC && typeof cfn.cidrBlock === 'string' && !Token.isUnresolved(cfn.cidrBlock)) {
    return cfn.cidrBlock;
  }
  return undefined;
}

/** An imported subnet may not know its CIDR (reading it then throws); such a subnet cannot be checked. */
function knownCidr(subnet: ec2.ISubnet): string | undefined {
  try {
    const block = subnet.ipv4CidrBlock;
    return Token.isUnresolved(block) ? undefined : block;
  } catch {
    return undefined;
  }
}

/** CloudFormation Validate warns on literal AZ names (W3010); here the name is a deliberate input. */
function acknowledgeFixedAz(subnet: ec2.ISubnet, why: string): void {
  if (!Token.isUnresolved(subnet.availabilityZone)) {
    acknowledge(subnet.node.defaultChild ?? subnet, 'CloudFormation-Validate::W3010', `The availability zone is fixed because ${why}.`);
  }
}

const NAT_ROUTE_REASON = 'Public subnet that holds only a NAT gateway: its 0.0.0.0/0 route to the internet gateway is how the NAT gateway reaches the internet. No workload runs in this subnet; the private subnets route 0.0.0.0/0 to the NAT gateway, never to the internet gateway.';

/** The public subnets of a new VPC exist only to hold NAT gateways: their route to the internet gateway is the point. */
function acknowledgePublicRoute(subnet: ec2.ISubnet): void {
  const route = subnet.node.tryFindChild('DefaultRoute');
  if (route) {
    for (const rule of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
      acknowledge(route, `${rule}-VPCNoUnrestrictedRouteToIGW`, NAT_ROUTE_REASON);
    }
  }
}
