import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MskCluster, MskTopic, PrivateSubnetWithNat } from '../../lib';
import { testApp } from '../support/compliance';

const IMPORTED_ARN = 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b2c3d-1111-2222-3333-444455556666-7';

function setup() {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  return { stack, cluster };
}

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
