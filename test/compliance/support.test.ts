import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { inapplicableGuardRules, nagFindings, testApp, validatorFindings } from '../support/compliance';

// Negative controls: the compliance helpers must report what they are meant to catch, or a green
// "zero findings" test elsewhere would prove nothing.
describe('compliance helpers', () => {
  test('nagFindings reports an unencrypted log group without retention', () => {
    const stack = new Stack(testApp(), 'S');
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.INFINITE });
    const rules = nagFindings(stack).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['HIPAA.Security-CloudWatchLogGroupEncrypted']));
  });

  test('validatorFindings reports Control Tower and CloudFormation schema violations', () => {
    const stack = new Stack(testApp(), 'S');
    new ec2.CfnSubnet(stack, 'Subnet', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', mapPublicIpOnLaunch: true });
    new CfnResource(stack, 'Bad', { type: 'AWS::KafkaConnect::Connector', properties: { Capacity: { ProvisionedCapacity: { McuCount: 3, WorkerCount: 1 } } } });
    const findings = validatorFindings(stack);
    expect(findings.map((f) => f.source)).toEqual(expect.arrayContaining(['cdk-validator-cfnguard', 'CloudFormation Validate']));
    expect(findings.map((f) => f.rule)).toContain('subnet_auto_assign_public_ip_disabled_check');
  });

  test('Guard with only the rules that can apply finds exactly what all 237 rules find', () => {
    const build = () => {
      const stack = new Stack(testApp(), 'S');
      new ec2.CfnSubnet(stack, 'Subnet', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', mapPublicIpOnLaunch: true });
      new s3.CfnBucket(stack, 'Bucket', {});
      new logs.CfnLogGroup(stack, 'Logs', {});
      new ec2.CfnSecurityGroup(stack, 'Open', {
        groupDescription: 'open', vpcId: 'vpc-1', securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }],
      });
      return stack;
    };
    const guard = (findings: ReturnType<typeof validatorFindings>) => findings.filter((f) => f.source === 'cdk-validator-cfnguard').map((f) => `${f.rule} ${f.path}`).sort();
    const stack = build();
    const skipped = inapplicableGuardRules(stack.node.root);
    expect(skipped.length).toBeGreaterThan(150);
    expect(skipped).not.toContain('ct-s3-pr-1'); // S3 buckets: the stack has one
    expect(skipped).toContain('ct-redshift-pr-1'); // Redshift clusters: it has none
    const filtered = guard(validatorFindings(stack));
    expect(filtered.length).toBeGreaterThan(3);
    expect(filtered).toEqual(guard(validatorFindings(build(), { allGuardRules: true })));
  });
});
