import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AuroraMySqlCdcSource, ClickHouseEndpoint, ClickHouseSinkConnector, ConnectorCapacity, DebeziumMySqlSourceConnector, MskCluster, MskConnector,
  PrivateSubnetWithNat, WorkerConfiguration,
} from '../lib';
import { testApp } from './support/compliance';
import { EXAMPLE_SHA256, pipelineBase } from './support/fixtures';

/**
 * Values that are tokens (CloudFormation parameters here, resolved only at deploy time) never make a construct throw
 * and never make it drop a resource: every check skips or defers what it cannot know at synth.
 */
const numberParam = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
const stringParam = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
const count = (stack: Stack, type: string) => Object.keys(Template.fromStack(stack).findResources(type)).length;

describe('tokens', () => {
  test('MskCluster: a token broker count keeps every alarm; a token instance type with provisioned throughput', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    new MskCluster(stack, 'Literal', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    const literalAlarms = count(stack, 'AWS::CloudWatch::Alarm');
    const stack2 = new Stack(testApp(), 'S2');
    const network2 = new PrivateSubnetWithNat(stack2, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack2, 'Cluster', {
      vpc: network2.vpc,
      vpcSubnets: network2.privateSubnetSelection,
      brokerCount: numberParam(stack2, 'Brokers'),
      instanceType: new ec2.InstanceType(stringParam(stack2, 'InstanceType')),
      provisionedThroughput: 250,
      volumeSize: numberParam(stack2, 'Volume'),
    });
    // Disk, CPU, under-replicated and offline partitions: every kind of alarm is there, over broker IDs 1-30.
    expect(cluster.alarms.map((a) => a.node.id).sort()).toEqual(
      ['CpuAlarm', 'CpuAlarm2', 'CpuAlarm3', 'DiskUsedAlarm', 'DiskUsedAlarm2', 'DiskUsedAlarm3', 'OfflinePartitionsAlarm', 'UnderReplicatedPartitionsAlarm', 'UnderReplicatedPartitionsAlarm2', 'UnderReplicatedPartitionsAlarm3'].sort());
    expect(literalAlarms).toBeGreaterThanOrEqual(4);
    Template.fromStack(stack2).hasResourceProperties('AWS::MSK::Cluster', { NumberOfBrokerNodes: { Ref: 'Brokers' }, BrokerNodeGroupInfo: { InstanceType: { 'Fn::Join': ['', ['kafka.', { Ref: 'InstanceType' }]] } } });
    // What can still be checked is: the throughput range does not depend on the instance type.
    const stack3 = new Stack(testApp(), 'S3');
    const network3 = new PrivateSubnetWithNat(stack3, 'Net', { flowLogs: false });
    expect(() => new MskCluster(stack3, 'Cluster', {
      vpc: network3.vpc, vpcSubnets: network3.privateSubnetSelection, instanceType: new ec2.InstanceType(stringParam(stack3, 'InstanceType')), provisionedThroughput: 2000,
    })).toThrow('`provisionedThroughput` must be a whole number between 250 and 1000, got 2000');
  });

  test('MskTopic: a token setting value is written through (base64 of the resolved JSON at deploy time)', () => {
    const { stack, cluster } = pipelineBase();
    cluster.addTopic('Orders', { topicName: 'orders', configs: { 'retention.ms': stringParam(stack, 'Retention'), 'min.insync.replicas': stringParam(stack, 'MinIsr') } });
    const topic = Object.values(Template.fromStack(stack).findResources('AWS::MSK::Topic'))[0];
    expect(JSON.stringify(topic.Properties.Configs)).toContain('Fn::Base64');
    expect(JSON.stringify(topic.Properties.Configs)).toContain('{"Ref":"Retention"}');
  });

  test('ConnectorCapacity and MskConnector: token worker counts and CPU thresholds', () => {
    const { stack, network, cluster, plugin } = pipelineBase();
    const capacity = ConnectorCapacity.autoScaled({ minWorkers: numberParam(stack, 'Min'), maxWorkers: numberParam(stack, 'Max'), scaleOutCpuPercent: numberParam(stack, 'Out') });
    expect(() => ConnectorCapacity.autoScaled({ minWorkers: numberParam(stack, 'Min2') })).not.toThrow();
    const connector = new MskConnector(stack, 'Connector', {
      cluster,
      vpc: network.vpc,
      connectorName: 'tokens',
      plugin,
      capacity,
      connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'a' },
      permissions: { readTopics: ['a'] },
      alarms: { cpuPercent: numberParam(stack, 'Cpu') },
    });
    expect(connector.alarms.map((a) => a.node.id)).toEqual(['HealthAlarm', 'CpuAlarm']);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::KafkaConnect::Connector', { Capacity: { AutoScaling: { MinWorkerCount: { Ref: 'Min' }, MaxWorkerCount: { Ref: 'Max' } } } });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: { Ref: 'Cpu' } });
    // The health expression compares with the deployed minimum, not with the token's placeholder number.
    expect(JSON.stringify(t.findResources('AWS::CloudWatch::Alarm'))).toContain('{"Ref":"Min"}');
    expect(JSON.stringify(t.findResources('AWS::CloudWatch::Alarm'))).not.toMatch(/e\+\d{3}/);
  });

  test('WorkerConfiguration and ClickHouseSinkConnector: token tuning, port and host name', () => {
    const { stack, network, cluster } = pipelineBase();
    new WorkerConfiguration(stack, 'Workers', { maxPollRecords: numberParam(stack, 'Poll') });
    new ClickHouseSinkConnector(stack, 'Sink', {
      cluster,
      vpc: network.vpc,
      connectorName: 'sink',
      endpoint: ClickHouseEndpoint.selfHosted({ hostname: stringParam(stack, 'Host'), port: numberParam(stack, 'Port') }),
      credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'clickhouse/ingest'),
      topics: [stringParam(stack, 'Topic')],
      tasksMax: numberParam(stack, 'Tasks'),
      capacity: ConnectorCapacity.provisioned({ workerCount: numberParam(stack, 'Workers2') }),
      release: { version: '1.3.5', sha256: EXAMPLE_SHA256, configProvider: { url: 'https://example.com/p.zip', sha256: 'b'.repeat(64) } },
    });
    expect(count(stack, 'AWS::KafkaConnect::Connector')).toBe(1);
  });

  test('AuroraMySqlCdcSource and DebeziumMySqlSourceConnector: token user name, retention, server id and heartbeat', () => {
    const { stack, network, cluster } = pipelineBase();
    const source = new AuroraMySqlCdcSource(stack, 'Source', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      cdcUsername: stringParam(stack, 'User'),
      binlogRetentionHours: numberParam(stack, 'Hours'),
    });
    new DebeziumMySqlSourceConnector(stack, 'Cdc', {
      cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      connectorName: 'cdc',
      source,
      serverId: numberParam(stack, 'ServerId'),
      topicPrefix: 'orders',
      heartbeatIntervalMs: numberParam(stack, 'Heartbeat'),
      release: { sha256: EXAMPLE_SHA256, configProvider: { url: 'https://example.com/p.zip', sha256: 'b'.repeat(64) } },
    });
    const t = Template.fromStack(stack);
    expect(count(stack, 'Custom::MySqlCdcSetup')).toBe(1);
    expect(JSON.stringify(t.findResources('AWS::SecretsManager::Secret'))).toContain('{"Ref":"User"}');
  });

  test('PrivateSubnetWithNat: counts that decide how many resources exist are refused as tokens, never silently dropped', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => new PrivateSubnetWithNat(stack, 'Net', { natGateways: numberParam(stack, 'Nat'), flowLogs: false }))
      .toThrow('`natGateways` must be a number known at synth (it decides how many subnets and NAT gateways the template holds), got a token');
    expect(() => new PrivateSubnetWithNat(stack, 'Net2', { availabilityZoneCount: numberParam(stack, 'Azs'), flowLogs: false }))
      .toThrow('`availabilityZoneCount` must be a number known at synth (it decides how many subnets and NAT gateways the template holds), got a token');
  });
});
