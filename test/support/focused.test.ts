import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { testApp } from './compliance';
import { inventory, render, securityGroupRules, statementLine } from './focused';

test('render writes intrinsic functions as Fn::Sub does', () => {
  expect(render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::GetAtt': ['Bucket', 'Arn'] }]] }))
    .toBe('arn:${AWS::Partition}:s3:::${Bucket.Arn}');
  expect(render({ 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'X' }] }] })).toBe("select(1, split('/', ${X}))");
  expect(render({ a: [{ Ref: 'X' }, 2] })).toEqual({ a: ['${X}', 2] });
});

test('a statement is one line: effect, principal, actions, resources, conditions', () => {
  expect(statementLine({
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 's3:*',
    Resource: [{ 'Fn::GetAtt': ['B', 'Arn'] }, 'x/*'],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  })).toBe('Deny AWS:* s3:* on ${B.Arn}, x/* if Bool aws:SecureTransport=false');
  expect(statementLine({ Effect: 'Allow', NotAction: ['iam:*'], NotResource: '*' })).toBe('Allow not(iam:*) on not(*)');
});

test('security groups with their inline and separate rules; inventory one line per resource', () => {
  const stack = new Stack(testApp(), 'S');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const a = new ec2.SecurityGroup(stack, 'A', { vpc, description: 'group a', allowAllOutbound: false });
  const b = new ec2.SecurityGroup(stack, 'B', { vpc, description: 'group b', allowAllOutbound: false });
  a.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcpRange(1000, 1001), 'from the VPC');
  b.connections.allowFrom(a, ec2.Port.tcp(443), 'a to b');
  const t = Template.fromStack(stack);
  const rules = securityGroupRules(t);
  const [aId] = Object.keys(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'group a' } }));
  const [bId] = Object.keys(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'group b' } }));
  expect(rules[aId]).toEqual([
    "'group a'",
    `egress tcp 443 -> \${${bId}.GroupId} 'a to b'`,
    "ingress tcp 1000-1001 <- 10.0.0.0/16 'from the VPC'",
  ]);
  expect(rules[bId]).toEqual(["'group b'", "egress icmp 252-86 -> 255.255.255.255/32 'Disallow all traffic'", `ingress tcp 443 <- \${${aId}.GroupId} 'a to b'`]);
  expect(inventory(t)).toContain(`${aId} -> AWS::EC2::SecurityGroup`);
  expect(inventory(t)).toHaveLength(Object.keys(t.toJSON().Resources).length);
});
