import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { MskCluster, PrivateSubnetWithNat, PrivateSubnetWithNatProps } from '../../lib';
import { testApp } from '../support/compliance';

function build(props?: PrivateSubnetWithNatProps) {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', props);
  return { stack, network, template: Template.fromStack(stack) };
}

/** Every 0.0.0.0/0 route of the template. */
function defaultRoutesOf(template: Template) {
  return Object.values(template.findResources('AWS::EC2::Route', { Properties: { DestinationCidrBlock: '0.0.0.0/0' } }));
}

function existingVpc(stack: Stack, publicAzs = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.1.0.0/16',
    availabilityZones: publicAzs,
    publicSubnetIds: publicAzs.map((_, i) => `subnet-0a1b2c3d4e5f6070${i}`),
    publicSubnetIpv4CidrBlocks: publicAzs.map((_, i) => `10.1.${i}.0/24`),
  });
}

describe('new VPC', () => {
  test('private subnets in three AZs route 0.0.0.0/0 to a NAT gateway, never to an internet gateway', () => {
    // GIVEN / WHEN
    const { template, network } = build();
    // THEN
    expect(network.privateSubnets).toHaveLength(3);
    const privateRouteTables = network.privateSubnets.map((s) => s.routeTable.routeTableId);
    const routes = defaultRoutesOf(template);
    const resolvedTables = privateRouteTables.map((id) => JSON.stringify(Stack.of(network).resolve(id)));
    const privateRoutes = routes.filter((r) => resolvedTables.includes(JSON.stringify(r.Properties.RouteTableId)));
    expect(privateRoutes).toHaveLength(3);
    for (const route of privateRoutes) {
      expect(route.Properties.NatGatewayId).toBeDefined();
      expect(route.Properties.GatewayId).toBeUndefined();
    }
  });

  test('one NAT gateway per AZ by default, each in a public subnet with an Elastic IP', () => {
    const { template, network } = build();
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.resourceCountIs('AWS::EC2::EIP', 3);
    const publicSubnetIds = Object.keys(template.findResources('AWS::EC2::Subnet', {
      Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Public' }]) },
    }));
    for (const nat of Object.values(template.findResources('AWS::EC2::NatGateway'))) {
      expect(publicSubnetIds).toContain(nat.Properties.SubnetId.Ref);
      expect(nat.Properties.AllocationId['Fn::GetAtt'][1]).toBe('AllocationId');
    }
    expect(network.natGatewayPublicIps).toHaveLength(3);
  });

  test('natGateways: 1 routes every private subnet through the single NAT gateway', () => {
    const { template } = build({ natGateways: 1 });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const natRoutes = defaultRoutesOf(template).filter((r) => r.Properties.NatGatewayId);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => JSON.stringify(r.Properties.NatGatewayId))).size).toBe(1);
  });

  test('no subnet maps public IPs on launch', () => {
    const { template } = build();
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(6);
    for (const subnet of subnets) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('AZs come from Fn::GetAZs in an environment-agnostic stack (no lookup at synth)', () => {
    const { template } = build();
    const azs = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => JSON.stringify(s.Properties.AvailabilityZone));
    expect(new Set(azs).size).toBe(3);
    expect(azs[0]).toContain('Fn::GetAZs');
  });

  test('explicit availability zones are used as given', () => {
    const { template } = build({ availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'eu-west-1b' });
  });

  test('flow logs of ALL traffic go to a KMS-encrypted log group with one year retention, retained', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineLogsKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('the flow log role has a customer-managed policy scoped to the log group and a confused-deputy guard', () => {
    const { template } = build();
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogs'), 'Arn'] } }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) })] },
    });
  });

  test('flowLogs: false creates no flow log nor its log group (the one log group left is the default-SG handler\'s)', () => {
    const { template, network } = build({ flowLogs: false });
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toEqual([expect.stringMatching(/^RestrictDefaultSecurityGroupHandlerLogs/)]);
    expect(network.flowLogGroup).toBeUndefined();
  });

  test('removalPolicy DESTROY applies to the flow log group; the stack\'s shared logs key stays retained', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('the default security group is restricted', () => {
    const { template } = build();
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', { DefaultSecurityGroupId: { 'Fn::GetAtt': [Match.anyValue(), 'DefaultSecurityGroup'] } });
  });

  test('the key lets CloudWatch Logs of this account use it and denies grants not made for AWS resources', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant', Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } } }),
          Match.objectLike({ Sid: 'AllowCloudWatchLogsOfThisAccount', Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } } }),
        ]),
      },
    });
  });

  test('acknowledgements on the NAT subnets\' internet-gateway routes carry their reason in the template', () => {
    const { template } = build();
    const igwRoutes = defaultRoutesOf(template).filter((r) => r.Properties.GatewayId);
    expect(igwRoutes).toHaveLength(3);
    for (const route of igwRoutes) {
      expect(route.Metadata.cdk_nag.rules_to_suppress.map((r: { id: string }) => r.id)).toEqual([
        'HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW',
      ]);
      expect(route.Metadata.cdk_nag.rules_to_suppress[0].reason).toMatch(/holds only a NAT gateway/);
    }
  });
});

describe('existing VPC', () => {
  function extend(props: Partial<PrivateSubnetWithNatProps> = {}, publicAzs?: string[]) {
    const stack = new Stack(testApp(), 'S');
    const vpc = existingVpc(stack, publicAzs);
    const network = new PrivateSubnetWithNat(stack, 'Net', { vpc, privateSubnetCidrs: ['10.1.16.0/20', '10.1.32.0/20', '10.1.48.0/20'], ...props });
    return { stack, vpc, network, template: Template.fromStack(stack) };
  }

  test('adds one private subnet per AZ of the public subnets, each routed to a NAT gateway in a public subnet', () => {
    const { template, network, vpc } = extend();
    expect(network.vpc).toBe(vpc);
    template.resourceCountIs('AWS::EC2::Subnet', 3);
    template.hasResourceProperties('AWS::EC2::Subnet', { VpcId: 'vpc-0a1b2c3d4e5f60718', CidrBlock: '10.1.32.0/20', AvailabilityZone: 'eu-west-1b', MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.hasResourceProperties('AWS::EC2::NatGateway', { SubnetId: 'subnet-0a1b2c3d4e5f60701' });
    const routes = defaultRoutesOf(template);
    expect(routes).toHaveLength(3);
    for (const route of routes) {
      expect(route.Properties.NatGatewayId).toBeDefined();
      expect(route.Properties.GatewayId).toBeUndefined();
    }
  });

  test('natGateways: 1 sends all private subnets through the first NAT gateway', () => {
    const { template } = extend({ natGateways: 1 });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::EIP', 1);
  });

  test('flow logs are added to the existing VPC', () => {
    const { template } = extend();
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceId: 'vpc-0a1b2c3d4e5f60718', ResourceType: 'VPC', TrafficType: 'ALL' });
  });

  test('the private subnet selection is exactly the new subnets', () => {
    const { network, vpc } = extend();
    const selected = vpc.selectSubnets(network.privateSubnetSelection);
    expect(selected.subnets).toEqual(network.privateSubnets);
  });
});

describe('bad input', () => {
  const stack = () => new Stack(testApp(), 'S');

  test('fails if availabilityZoneCount is out of range', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { availabilityZoneCount: 4 }))
      .toThrow('`availabilityZoneCount` must be a whole number between 2 and 3, got 4');
  });

  test('fails if availabilityZones names one AZ', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { availabilityZones: ['eu-west-1a'] }))
      .toThrow("`availabilityZones` must name 2 or 3 availability zones, got ['eu-west-1a']");
  });

  test('fails if availabilityZoneCount contradicts availabilityZones', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { availabilityZones: ['a', 'b'], availabilityZoneCount: 3 }))
      .toThrow('`availabilityZoneCount` (3) must match the number of `availabilityZones`');
  });

  test('fails if there are more NAT gateways than AZs', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { natGateways: 4 }))
      .toThrow('`natGateways` must be at most the number of availability zones (3, from the default of 3), got 4');
  });

  test('fails if natGateways is zero', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { natGateways: 0 }))
      .toThrow('`natGateways` must be a whole number of at least 1, got 0');
  });

  test('fails if vpcCidr is not a CIDR', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { vpcCidr: '10.0.0.1/16' }))
      .toThrow("`vpcCidr` must be an IPv4 CIDR with a prefix length from /16 to /28 and no host bits set, got '10.0.0.1/16'");
  });

  test('fails if the subnets do not fit in vpcCidr', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { vpcCidr: '10.0.0.0/20' }))
      .toThrow('`vpcCidr` 10.0.0.0/20 cannot hold 3 private /20 and 3 public /26 subnets');
  });

  test('fails if privateSubnetCidrMask is out of range', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { privateSubnetCidrMask: 30 }))
      .toThrow('`privateSubnetCidrMask` must be a whole number between 16 and 28, got 30');
  });

  test('fails if privateSubnetCidrs is given for a new VPC', () => {
    expect(() => new PrivateSubnetWithNat(stack(), 'N', { privateSubnetCidrs: ['10.0.0.0/24'] }))
      .toThrow('`privateSubnetCidrs` is only for an existing `vpc`');
  });

  test('fails if an existing VPC has no public subnets', () => {
    const s = stack();
    const vpc = ec2.Vpc.fromVpcAttributes(s, 'V', { vpcId: 'vpc-9', availabilityZones: ['a', 'b'], privateSubnetIds: ['subnet-1', 'subnet-2'] });
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc, privateSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'] }))
      .toThrow("`vpc` must have public subnets to hold the NAT gateways, got none in VPC 'vpc-9'");
  });

  test('fails if an existing VPC has public subnets in only one AZ', () => {
    const s = stack();
    const vpc = existingVpc(s, ['eu-west-1a']);
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc, privateSubnetCidrs: ['10.1.16.0/20'] }))
      .toThrow("`vpc` must have public subnets in at least 2 availability zones, got 1 (['eu-west-1a'])");
  });

  test('fails if privateSubnetCidrs is missing with an existing VPC', () => {
    const s = stack();
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s) }))
      .toThrow('`privateSubnetCidrs` must give one CIDR per availability zone (3) with an existing `vpc`, got undefined');
  });

  test('fails if a private subnet CIDR is outside the VPC', () => {
    const s = stack();
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s), privateSubnetCidrs: ['10.1.16.0/20', '10.2.0.0/20', '10.1.48.0/20'] }))
      .toThrow("`privateSubnetCidrs` entry '10.2.0.0/20' is outside the VPC's CIDR '10.1.0.0/16'");
  });

  test('fails if private subnet CIDRs overlap each other', () => {
    const s = stack();
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s), privateSubnetCidrs: ['10.1.16.0/20', '10.1.20.0/24', '10.1.48.0/20'] }))
      .toThrow("`privateSubnetCidrs` entries '10.1.16.0/20' and '10.1.20.0/24' overlap");
  });

  test('fails if a private subnet CIDR overlaps an existing subnet', () => {
    const s = stack();
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s), privateSubnetCidrs: ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/20'] }))
      .toThrow("`privateSubnetCidrs` entry '10.1.0.0/20' overlaps existing subnet 'subnet-0a1b2c3d4e5f60700' ('10.1.0.0/24')");
  });

  test('fails if an AZ has no public subnet in the existing VPC', () => {
    const s = stack();
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s), availabilityZones: ['eu-west-1a', 'eu-west-1d'], privateSubnetCidrs: ['10.1.16.0/20', '10.1.32.0/20'] }))
      .toThrow("`availabilityZones` includes 'eu-west-1d', but `vpc` has no public subnet there");
  });

  test('fails if the existing VPC was imported without its CIDR', () => {
    const s = stack();
    const vpc = ec2.Vpc.fromVpcAttributes(s, 'NoCidr', { vpcId: 'vpc-7', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-a', 'subnet-b'] });
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc, privateSubnetCidrs: ['10.0.100.0/24', '10.0.101.0/24'] }))
      .toThrow("`vpc` must carry its CIDR so `privateSubnetCidrs` can be checked against it before deploying: import it with `vpcCidrBlock` (Vpc.fromVpcAttributes) or use Vpc.fromLookup, got VPC 'vpc-7' without one");
  });

  test('a VPC of the same app is checked through its literal CIDR, although vpcCidrBlock is a token', () => {
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Other', {
      ipAddresses: ec2.IpAddresses.cidr('10.5.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc, privateSubnetCidrs: ['10.6.0.0/24', '10.6.1.0/24'] }))
      .toThrow("`privateSubnetCidrs` entry '10.6.0.0/24' is outside the VPC's CIDR '10.5.0.0/16'");
    expect(() => new PrivateSubnetWithNat(s, 'N2', { vpc, privateSubnetCidrs: ['10.5.0.0/24', '10.5.100.0/24'] }))
      .toThrow("`privateSubnetCidrs` entry '10.5.0.0/24' overlaps existing subnet");
  });

  test('existing subnets without known CIDRs: a warning says the overlap check could not run', () => {
    const s = stack();
    const vpc = ec2.Vpc.fromVpcAttributes(s, 'Ids', { vpcId: 'vpc-8', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-a', 'subnet-b'], publicSubnetRouteTableIds: ['rtb-a', 'rtb-b'] });
    new PrivateSubnetWithNat(s, 'N', { vpc, privateSubnetCidrs: ['10.0.100.0/24', '10.0.101.0/24'], flowLogs: false });
    const messages = (s.node.root as any).synth().getStackByName('S').messages.map((m: any) => `${m.level}: ${m.entry.data}`);
    expect(messages).toEqual([expect.stringMatching(/^warning: `privateSubnetCidrs` cannot be checked for overlap with existing subnet\(s\) \['subnet-a', 'subnet-b'\], whose CIDRs are unknown/)]);
  });

  test('constructs on the extended VPC name the prop to set instead of failing on the missing private subnet group', () => {
    const s = stack();
    const network = new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s), privateSubnetCidrs: ['10.1.16.0/20', '10.1.32.0/20', '10.1.48.0/20'], flowLogs: false });
    expect(() => new MskCluster(s, 'Cluster', { vpc: network.vpc }))
      .toThrow("`vpcSubnets` is required: `vpc` 'S/Existing' has no private subnets with egress to default to, got none (with a PrivateSubnetWithNat on an existing VPC, pass `network.privateSubnetSelection`)");
    expect(() => new MskCluster(s, 'Cluster2', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection })).not.toThrow();
  });

  test('fails if vpcCidr is given with an existing VPC', () => {
    const s = stack();
    expect(() => new PrivateSubnetWithNat(s, 'N', { vpc: existingVpc(s), vpcCidr: '10.9.0.0/16' }))
      .toThrow("`vpcCidr` is only for a new VPC; with an existing `vpc` give `privateSubnetCidrs`, got '10.9.0.0/16'");
  });
});

describe('bad input (#14)', () => {
  test('fails on a duplicate availability zone', () => {
    expect(() => build({ availabilityZones: ['eu-west-1a', 'eu-west-1a'] }))
      .toThrow("`availabilityZones` must not name the same entry twice, got 'eu-west-1a' twice");
  });

  test('fails on an AZ id instead of an AZ name', () => {
    expect(() => build({ availabilityZones: ['euw1-az1', 'euw1-az2'] }))
      .toThrow("`availabilityZones` must hold availability zone names such as 'eu-west-1a' (not zone ids such as 'euw1-az1'), got 'euw1-az1'");
  });

  test('fails if flowLogRetention is not a RetentionDays value', () => {
    expect(() => build({ flowLogRetention: 45 as any })).toThrow('`flowLogRetention` must be a logs.RetentionDays value (one of 1, 3, 5');
  });

  test('fails if flow logs are off but their retention is set', () => {
    expect(() => build({ flowLogs: false, flowLogRetention: 30 }))
      .toThrow('`flowLogRetention` is set but `flowLogs` is false, so it would be ignored; drop one of them');
  });

  test('fails if flow logs are off but their key is given', () => {
    const stack = new Stack(testApp(), 'S');
    const flowLogEncryptionKey = new kms.Key(stack, 'Key');
    expect(() => new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, flowLogEncryptionKey }))
      .toThrow('`flowLogEncryptionKey` is set but `flowLogs` is false, so it would be ignored; drop one of them');
  });
});

describe('bad input (#14): messages name the props the user set', () => {
  test('natGateways against availabilityZoneCount', () => {
    expect(() => build({ availabilityZoneCount: 2, natGateways: 3 }))
      .toThrow('`natGateways` must be at most the number of availability zones (2, from `availabilityZoneCount`), got 3');
  });

  test('natGateways against availabilityZones', () => {
    expect(() => build({ availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 3 }))
      .toThrow('`natGateways` must be at most the number of availability zones (2, from `availabilityZones`), got 3');
    expect(() => build({ availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 2 })).not.toThrow();
  });

  test('natGateways against the public subnets of an existing VPC', () => {
    const extend = (props: Partial<PrivateSubnetWithNatProps>, cidrs = ['10.1.16.0/20', '10.1.32.0/20', '10.1.48.0/20']) => {
      const stack = new Stack(testApp(), 'S');
      return () => new PrivateSubnetWithNat(stack, 'Net', { vpc: existingVpc(stack), privateSubnetCidrs: cidrs, ...props });
    };
    expect(extend({ natGateways: 4 }))
      .toThrow('`natGateways` must be at most the number of availability zones (3, from the public subnets of `vpc`), got 4');
    expect(extend({ availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 3 }, ['10.1.16.0/20', '10.1.32.0/20']))
      .toThrow('`natGateways` must be at most the number of availability zones (2, from `availabilityZones`), got 3');
    expect(extend({ availabilityZoneCount: 2, natGateways: 3 }, ['10.1.16.0/20', '10.1.32.0/20']))
      .toThrow('`natGateways` must be at most the number of availability zones (2, from `availabilityZoneCount`), got 3');
    expect(extend({ natGateways: 3 })).not.toThrow();
  });
});


describe('Secrets Manager interface endpoint', () => {
  test('off by default', () => {
    const { template, network } = build({ flowLogs: false });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(network.secretsManagerEndpoint).toBeUndefined();
  });

  test('with `secretsManagerEndpoint`: private DNS in the private subnets, its own security group with no rule of its own', () => {
    const { template, network, stack } = build({ flowLogs: false, secretsManagerEndpoint: true });
    const endpoint = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))[0].Properties;
    expect(endpoint).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    expect(stack.resolve(endpoint.ServiceName)).toEqual({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] });
    expect(endpoint.SubnetIds).toEqual(network.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })));
    const groups = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Secrets Manager interface endpoint: HTTPS from the clients let in by security group only' } });
    const [groupId] = Object.keys(groups);
    expect(groups[groupId].Properties.SecurityGroupIngress).toBeUndefined();
    expect(endpoint.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
    expect(network.secretsManagerEndpoint).toBeDefined();
  });

  test('an existing VPC of this app without DNS host names is refused', () => {
    const stack = new Stack(testApp(), 'S');
    const vpc = new ec2.Vpc(stack, 'Own', {
      enableDnsHostnames: false,
      natGateways: 1,
      maxAzs: 2,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }],
    });
    expect(() => new PrivateSubnetWithNat(stack, 'Net', { vpc, privateSubnetCidrs: ['10.0.128.0/20', '10.0.144.0/20'], flowLogs: false, secretsManagerEndpoint: true }))
      .toThrow("`secretsManagerEndpoint` needs DNS support and DNS host names on `vpc` 'S/Own' (the endpoint's private DNS name answers only then), got enableDnsSupport true, enableDnsHostnames false");
  });
});

describe('aws-cdk-lib\'s default-security-group handler', () => {
  test('logs to an encrypted, retained log group, and its role has no AWS managed policy', () => {
    const stack = new Stack(testApp(), 'S');
    new PrivateSubnetWithNat(stack, 'A', { flowLogs: false });
    new PrivateSubnetWithNat(stack, 'B', { flowLogs: false, vpcCidr: '10.1.0.0/16' });
    const t = Template.fromStack(stack);
    const groups = t.findResources('AWS::Logs::LogGroup');
    const logsId = Object.keys(groups).find((id) => id.startsWith('RestrictDefaultSecurityGroupHandlerLogs'))!;
    expect(groups[logsId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^PipelineLogsKey/), 'Arn'] } },
    });
    const handler = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('VPC default security group') } }));
    expect(handler).toHaveLength(1);
    expect(handler[0].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logsId } });
    const role = Object.entries(t.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProviderRole'))![1];
    expect(role.Properties.ManagedPolicyArns).toEqual([]);
    expect(role.Properties.Policies.map((p: any) => p.PolicyName)).toEqual(['Inline', 'Logs']);
    expect(role.Properties.Policies[1].PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logsId, 'Arn'] } },
    ]);
    // The revoke/authorize statement still names both VPCs' default security groups.
    expect(JSON.stringify(role.Properties.Policies[0])).toMatch(/AVpc.*DefaultSecurityGroup.*BVpc.*DefaultSecurityGroup/);
  });
});
