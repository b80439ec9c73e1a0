import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { nagFindings, testApp, validatorFindings } from '../support/compliance';

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
});
