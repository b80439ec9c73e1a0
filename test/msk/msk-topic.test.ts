import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IMskTopic, MskCluster, MskTopic, PrivateSubnetWithNat } from '../../lib';
import { CfnTemplate, TemplateResolver } from '../support/cfn-resolver';
import { testApp } from '../support/compliance';
import { RuntimeOracle, RuntimeRequest } from '../support/runtime-oracle';

const IMPORTED_ARN = 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b2c3d-1111-2222-3333-444455556666-7';

function setup() {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  const topic = cluster.addTopic('Orders', { topicName: 'orders' });
  const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  return { stack, cluster, topic, role };
}

/** The statements of the role's policy, resolved. */
function statementsOf(stack: Stack, role: iam.Role): Array<{ Action: string[]; Resource: unknown }> {
  const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .find((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }]))!;
  return policy.Properties.PolicyDocument.Statement.map((s: any) => ({ Action: s.Action, Resource: s.Resource }));
}

describe('grants', () => {
  test('grantWrite is the cluster\'s grantProduce for this topic: exact actions on the cluster and topic ARNs', () => {
    const { stack, cluster, topic, role } = setup();
    topic.grantWrite(role);
    expect(statementsOf(stack, role)).toEqual([
      {
        Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
        Resource: stack.resolve(cluster.clusterArn),
      },
      { Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: stack.resolve(cluster.topicArn('orders')) },
    ]);
  });

  test('grantRead is the cluster\'s grantConsume for this topic as the given groups', () => {
    const { stack, cluster, topic, role } = setup();
    topic.grantRead(role, ['billing', 'audit-*']);
    expect(statementsOf(stack, role)).toEqual([
      { Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: stack.resolve(cluster.clusterArn) },
      { Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: stack.resolve(topic.topicArn) },
      {
        Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        Resource: [stack.resolve(cluster.groupArn('billing')), stack.resolve(cluster.groupArn('audit-*'))],
      },
    ]);
  });

  test('grantReadWrite combines both', () => {
    const { stack, topic, role } = setup();
    const grant = topic.grantReadWrite(role, ['billing']);
    expect(grant.success).toBe(true);
    expect(statementsOf(stack, role).map((s) => s.Action)).toEqual([
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
    ]);
  });

  test('IAM evaluation: a role granted read may ReadData on the topic, not on another topic nor write', async () => {
    const { stack, topic, role } = setup();
    topic.grantRead(role, ['billing']);
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    const t = new TemplateResolver(template, 'S');
    const roleArn = t.str(stack.resolve(role.roleArn));
    const topicArn = t.str(stack.resolve(topic.topicArn));
    const request = (expect: 'allow' | 'deny', action: string, resource: string): RuntimeRequest => ({
      actor: 'app', principal: roleArn, action, resource, expect, why: 'test', source: 'MskTopic.grantRead',
    });
    const requests = [
      request('allow', 'kafka-cluster:ReadData', topicArn),
      request('allow', 'kafka-cluster:DescribeTopic', topicArn),
      request('deny', 'kafka-cluster:ReadData', topicArn.replace(/\/orders$/, '/payments')),
      request('deny', 'kafka-cluster:WriteData', topicArn),
    ];
    expect(topicArn).toMatch(/^arn:aws:kafka:eu-west-1:111122223333:topic\/[^/]+\/[^/]+\/orders$/);
    expect(await new RuntimeOracle(template, 'S').failures(requests)).toEqual([]);
  });
});

describe('imports', () => {
  test('fromTopicName creates nothing and grants on the UUID-scoped ARN of the imported cluster', () => {
    const stack = new Stack(testApp(), 'S');
    const cluster = MskCluster.fromClusterArn(stack, 'Cluster', IMPORTED_ARN);
    const topic: IMskTopic = MskTopic.fromTopicName(stack, 'Orders', cluster, 'orders');
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    topic.grantWrite(role);
    expect(topic.topicName).toBe('orders');
    expect(stack.resolve(topic.topicArn)).toBe('arn:aws:kafka:eu-west-1:111122223333:topic/prod/0a1b2c3d-1111-2222-3333-444455556666-7/orders');
    Template.fromStack(stack).resourceCountIs('AWS::MSK::Topic', 0);
    expect(statementsOf(stack, role)[1].Resource).toBe('arn:aws:kafka:eu-west-1:111122223333:topic/prod/0a1b2c3d-1111-2222-3333-444455556666-7/orders');
  });

  test('fails if fromTopicName is given a name Kafka refuses', () => {
    const stack = new Stack(testApp(), 'S');
    const cluster = MskCluster.fromClusterArn(stack, 'Cluster', IMPORTED_ARN);
    expect(() => MskTopic.fromTopicName(stack, 'Bad', cluster, 'orders/eu'))
      .toThrow('`topicName` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, \'.\', \'_\', \'-\'; not \'.\' or \'..\'), got \'orders/eu\'');
  });
});

describe('replication settings', () => {
  test('a topic of a created cluster takes its replication factor and is checked against its broker count and min ISR', () => {
    const { cluster } = setup();
    expect(cluster.replication).toEqual({ brokerCount: 3, defaultReplicationFactor: 3, minInSyncReplicas: 2 });
    expect(() => cluster.addTopic('Wide', { topicName: 'wide', replicationFactor: 4 }))
      .toThrow('`replicationFactor` must be a whole number between 1 and 3, got 4');
    expect(() => cluster.addTopic('Tight', { topicName: 'tight', replicationFactor: 2 }))
      .toThrow('`configs` \'min.insync.replicas\' (\'2\') must be at least 1 and below the replication factor (2), or a rolling broker update blocks writes');
  });

  test('an imported cluster has no known settings: RF 3 by default, up to 32', () => {
    const stack = new Stack(testApp(), 'S');
    const cluster = MskCluster.fromClusterArn(stack, 'Cluster', IMPORTED_ARN);
    expect(cluster.replication).toBeUndefined();
    new MskTopic(stack, 'Orders', { cluster, topicName: 'orders' });
    new MskTopic(stack, 'Wide', { cluster, topicName: 'wide', replicationFactor: 6 });
    const rfs = Object.values(Template.fromStack(stack).findResources('AWS::MSK::Topic')).map((r) => r.Properties.ReplicationFactor);
    expect(rfs).toEqual([3, 6]);
    expect(() => new MskTopic(stack, 'TooWide', { cluster, topicName: 'too-wide', replicationFactor: 33 }))
      .toThrow('`replicationFactor` must be a whole number between 1 and 32, got 33');
  });
});
