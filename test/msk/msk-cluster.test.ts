import { CfnElement, CfnOutput, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { KafkaVersion, MonitoringLevel, MskBrokerType, MskCluster, MskClusterProps, MskPorts, MskPublicAccess, MskTopic, PrivateSubnetWithNat } from '../../lib';
import { testApp } from '../support/compliance';
import { inventory, policyStatements, propertiesFiles, propertiesOf, securityGroupRules } from '../support/focused';

function setup(props: Partial<MskClusterProps> = {}, networkProps = {}) {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, ...networkProps });
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, ...props });
  return { stack, network, cluster, template: () => Template.fromStack(stack) };
}

function decodedConfiguration(template: Template): string {
  const config = Object.values(template.findResources('AWS::MSK::Configuration'))[0];
  return config.Properties.ServerProperties;
}

describe('encryption and authentication', () => {
  test('TLS client-broker and in-cluster, CMK at rest, IAM on, unauthenticated off — all explicit', () => {
    const { template } = setup();
    template().hasResourceProperties('AWS::MSK::Cluster', {
      EncryptionInfo: {
        EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterKey'), 'Arn'] } },
        EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
      },
      ClientAuthentication: {
        Sasl: { Iam: { Enabled: true }, Scram: { Enabled: false } },
        Tls: { Enabled: false },
        Unauthenticated: { Enabled: false },
      },
    });
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('data volumes') });
  });

  test('SASL/SCRAM and mutual TLS can be added; TLS in transit stays on', () => {
    const { stack, network } = setup();
    const ca = acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', 'arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/0a1b2c3d-0000-1111-2222-333344445555');
    const cluster = new MskCluster(stack, 'Other', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, clientAuthentication: { iam: true, scram: true, tlsCertificateAuthorities: [ca] } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: cluster.clusterName,
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      ClientAuthentication: {
        Sasl: { Iam: { Enabled: true }, Scram: { Enabled: true } },
        Tls: { Enabled: true, CertificateAuthorityArnList: [ca.certificateAuthorityArn] },
      },
    });
    expect(cluster.scramAuthenticationEnabled).toBe(true);
    expect(cluster.tlsAuthenticationEnabled).toBe(true);
  });

  test('a given key is used as is', () => {
    const { stack, network } = setup();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new MskCluster(stack, 'Other', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::MSK::Cluster', {
      EncryptionInfo: { EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('MyKey'), 'Arn'] } } },
    });
  });
});

describe('placement and brokers', () => {
  test('one broker per private subnet of three AZs, on a current KRaft version and Graviton instances', () => {
    const { template, cluster } = setup();
    template().hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.9.x.kraft',
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: { InstanceType: 'kafka.m7g.large', ClientSubnets: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('PrivateSubnet1') })]), StorageInfo: { EBSStorageInfo: { VolumeSize: 1000 } } },
    });
    expect(cluster.kafkaVersion.isKraft).toBe(true);
  });

  test('six brokers over three AZs', () => {
    const { template } = setup({ brokerCount: 6, kafkaVersion: KafkaVersion.V3_8_X });
    template().hasResourceProperties('AWS::MSK::Cluster', { NumberOfBrokerNodes: 6, KafkaVersion: '3.8.x' });
  });

  test('alarms over more than 10 brokers are split in groups of 10 (CloudWatch\'s limit per alarm)', () => {
    const { cluster, template } = setup({ brokerCount: 12 });
    expect(cluster.alarms.map((a) => a.node.id)).toEqual([
      'DiskUsedAlarm', 'DiskUsedAlarm2', 'CpuAlarm', 'CpuAlarm2', 'UnderReplicatedPartitionsAlarm', 'UnderReplicatedPartitionsAlarm2', 'OfflinePartitionsAlarm',
    ]);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([b11, b12])' })]) });
  });

  test('the security group has no ingress until a client is allowed, and then only the IAM port', () => {
    const { stack, network, cluster } = setup();
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc: network.vpc, allowAllOutbound: false });
    cluster.connections.allowDefaultPortFrom(client, 'client to brokers');
    const t = Template.fromStack(stack);
    const sg = Object.values(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('MSK brokers') } }))[0];
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    // CDK's marker rule for "no egress at all".
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Client'), 'GroupId'] } });
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test('Express brokers carry no storage settings', () => {
    const { template, cluster } = setup({ instanceType: new ec2.InstanceType('m7g.large'), brokerType: MskBrokerType.EXPRESS });
    const c = Object.values(template().findResources('AWS::MSK::Cluster'))[0];
    expect(c.Properties.BrokerNodeGroupInfo.StorageInfo).toBeUndefined();
    expect(cluster.isExpress).toBe(true);
  });

  test('a two-AZ cluster lowers replication to what two brokers can keep', () => {
    const { template, cluster } = setup({}, { availabilityZoneCount: 2 });
    expect(decodedConfiguration(template())).toBe([
      'auto.create.topics.enable=false', 'default.replication.factor=2', 'min.insync.replicas=1', 'unclean.leader.election.enable=false',
    ].join('\n'));
    expect(cluster.brokerCount).toBe(2);
  });
});

describe('broker configuration', () => {
  test('durable defaults: no unclean election, RF 3, min ISR 2, no auto-created topics', () => {
    const { template } = setup();
    expect(decodedConfiguration(template())).toBe([
      'auto.create.topics.enable=false', 'default.replication.factor=3', 'min.insync.replicas=2', 'unclean.leader.election.enable=false',
    ].join('\n'));
    template().hasResourceProperties('AWS::MSK::Cluster', {
      ConfigurationInfo: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Configuration'), 'Arn'] }, Revision: { 'Fn::GetAtt': [Match.stringLikeRegexp('Configuration'), 'LatestRevision.Revision'] } },
    });
  });

  test('user settings are added to the durable ones', () => {
    const { template } = setup({ serverProperties: { 'log.retention.hours': '72', 'num.partitions': '6' } });
    expect(decodedConfiguration(template())).toContain('log.retention.hours=72\nnum.partitions=6');
    expect(decodedConfiguration(template())).toContain('unclean.leader.election.enable=false');
  });
});

describe('logs, monitoring and alarms', () => {
  test('broker logs go to a KMS-encrypted log group kept a year; cluster, keys and log group are retained', () => {
    const { template } = setup();
    template().hasResourceProperties('AWS::MSK::Cluster', {
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: { Ref: Match.stringLikeRegexp('ClusterBrokerLogs') } } } },
      EnhancedMonitoring: 'PER_BROKER',
    });
    template().hasResource('AWS::MSK::Cluster', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template().hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() }, DeletionPolicy: 'Retain' });
    const keys = Object.values(template().findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });

  test('broker logs can also go to S3 and Firehose, or to S3 only', () => {
    const base = setup();
    const bucket = new s3.Bucket(base.stack, 'LogBucket');
    new MskCluster(base.stack, 'Other', {
      vpc: base.network.vpc,
      vpcSubnets: base.network.privateSubnetSelection,
      logging: { cloudWatch: false, s3Bucket: bucket, s3Prefix: 'msk/', firehoseDeliveryStreamName: 'broker-logs' },
    });
    Template.fromStack(base.stack).hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: Match.stringLikeRegexp('Other'),
      LoggingInfo: {
        BrokerLogs: {
          CloudWatchLogs: { Enabled: false },
          S3: { Enabled: true, Bucket: { Ref: Match.stringLikeRegexp('LogBucket') }, Prefix: 'msk/' },
          Firehose: { Enabled: true, DeliveryStream: 'broker-logs' },
        },
      },
    });
  });

  test('removalPolicy DESTROY reaches the cluster', () => {
    const { template } = setup({ removalPolicy: RemovalPolicy.DESTROY });
    template().hasResource('AWS::MSK::Cluster', { DeletionPolicy: 'Delete' });
  });

  test('monitoring level and Prometheus exporters', () => {
    const { template } = setup({ monitoringLevel: MonitoringLevel.PER_TOPIC_PER_PARTITION, prometheus: { jmxExporter: true, nodeExporter: true } });
    template().hasResourceProperties('AWS::MSK::Cluster', {
      EnhancedMonitoring: 'PER_TOPIC_PER_PARTITION',
      OpenMonitoring: { Prometheus: { JmxExporter: { EnabledInBroker: true }, NodeExporter: { EnabledInBroker: true } } },
    });
  });

  test('disk alarm fires above 85% on the fullest broker and notifies the alarm topic', () => {
    const { template, cluster } = setup();
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 85,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([b1, b2, b3])' }),
        Match.objectLike({ Id: 'b2', MetricStat: { Metric: { MetricName: 'KafkaDataLogsDiskUsed', Namespace: 'AWS/Kafka', Dimensions: Match.arrayWith([{ Name: 'Broker ID', Value: '2' }]) }, Period: 300, Stat: 'Maximum' } }),
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^PipelineAlarmTopic') }],
    });
    expect(cluster.alarms).toHaveLength(4);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'SUM([b1, b2, b3])' })]) });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0, MetricName: 'OfflinePartitionsCount' });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 60, Metrics: Match.arrayWith([Match.objectLike({ Expression: '100 - MIN([b1, b2, b3])' })]) });
    template().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('a given topic and threshold are used', () => {
    const { stack, network } = setup();
    const topic = new sns.Topic(stack, 'Ops');
    const c = new MskCluster(stack, 'C2', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, alarms: { topic, diskUsedPercent: 70 } });
    expect(c.alarmTopic).toBe(topic);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 70, AlarmActions: [{ Ref: Match.stringLikeRegexp('Ops') }] });
  });
});

describe('metrics', () => {
  const summary = (stack: Stack, m: cloudwatch.Metric) => ({
    namespace: m.namespace, metricName: m.metricName, statistic: m.statistic, period: m.period.toSeconds(), dimensions: stack.resolve(m.dimensions),
  });

  test('metric() is an AWS/Kafka metric of the cluster, metricForBroker() of one broker; average over 5 minutes unless told', () => {
    const { stack, cluster } = setup({ clusterName: 'orders' });
    expect(summary(stack, cluster.metric('GlobalPartitionCount'))).toEqual({
      namespace: 'AWS/Kafka', metricName: 'GlobalPartitionCount', statistic: 'Average', period: 300, dimensions: { 'Cluster Name': 'orders' },
    });
    expect(summary(stack, cluster.metricForBroker('LeaderCount', 3, { statistic: 'Maximum', period: Duration.minutes(1) }))).toEqual({
      namespace: 'AWS/Kafka', metricName: 'LeaderCount', statistic: 'Maximum', period: 60, dimensions: { 'Cluster Name': 'orders', 'Broker ID': '3' },
    });
  });

  test('named metrics: cluster- or broker-level, with the statistic the alarms use; props override it', () => {
    const { stack, cluster } = setup({ clusterName: 'orders' });
    const named = (m: cloudwatch.Metric) => {
      const { metricName, statistic, dimensions } = summary(stack, m);
      return `${metricName} ${statistic} ${dimensions['Broker ID'] ?? 'cluster'}`;
    };
    expect([
      cluster.metricOfflinePartitionsCount(), cluster.metricKafkaDataLogsDiskUsed(2), cluster.metricCpuIdle(1), cluster.metricCpuUser(1),
      cluster.metricCpuSystem(1), cluster.metricUnderReplicatedPartitions(3), cluster.metricBytesInPerSec(2),
    ].map(named)).toEqual([
      'OfflinePartitionsCount Maximum cluster', 'KafkaDataLogsDiskUsed Maximum 2', 'CpuIdle Average 1', 'CpuUser Average 1',
      'CpuSystem Average 1', 'UnderReplicatedPartitions Maximum 3', 'BytesInPerSec Average 2',
    ]);
    expect(cluster.metricKafkaDataLogsDiskUsed(1, { statistic: 'Average' }).statistic).toBe('Average');
  });

  test('the alarms are built from the same metrics', () => {
    const { template } = setup({ clusterName: 'orders' });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kafka', MetricName: 'OfflinePartitionsCount', Statistic: 'Maximum', Period: 300, Dimensions: [{ Name: 'Cluster Name', Value: 'orders' }],
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({
        Id: 'b2',
        MetricStat: {
          Metric: { Namespace: 'AWS/Kafka', MetricName: 'CpuIdle', Dimensions: [{ Name: 'Broker ID', Value: '2' }, { Name: 'Cluster Name', Value: 'orders' }] },
          Period: 300,
          Stat: 'Average',
        },
      })]),
    });
  });

  test('an imported cluster has the same metrics, named from its ARN', () => {
    const stack = new Stack(testApp(), 'S');
    const cluster = MskCluster.fromClusterArn(stack, 'Imported', 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b2c3d-1111-2222-3333-444455556666-7');
    expect(stack.resolve(cluster.metricCpuUser(2).dimensions)).toEqual({ 'Cluster Name': 'prod', 'Broker ID': '2' });
    expect(stack.resolve(cluster.metricOfflinePartitionsCount().dimensions)).toEqual({ 'Cluster Name': 'prod' });
  });

  test('fails on a broker ID that is not a whole number from 1 (MSK numbers brokers from 1)', () => {
    const { cluster } = setup();
    expect(() => cluster.metricForBroker('CpuIdle', 0)).toThrow('`brokerId` must be a whole number of at least 1, got 0');
    expect(() => cluster.metricCpuIdle(1.5)).toThrow('`brokerId` must be a whole number of at least 1, got 1.5');
  });
});

describe('storage', () => {
  test('storage autoscaling tracks utilization up to the maximum and never scales in', () => {
    const { template } = setup({ volumeSize: 500, storageAutoScaling: { maxVolumeSize: 4000 } });
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'kafka', ScalableDimension: 'kafka:broker-storage:VolumeSize', MinCapacity: 500, MaxCapacity: 4000,
    });
    template().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, DisableScaleIn: true, PredefinedMetricSpecification: { PredefinedMetricType: 'KafkaBrokerStorageUtilization' } },
    });
  });

  test('provisioned throughput on a large enough broker', () => {
    const { template } = setup({ instanceType: new ec2.InstanceType('m7g.2xlarge'), provisionedThroughput: 250 });
    template().hasResourceProperties('AWS::MSK::Cluster', {
      BrokerNodeGroupInfo: { StorageInfo: { EBSStorageInfo: { ProvisionedThroughput: { Enabled: true, VolumeThroughput: 250 } } } },
    });
  });
});

describe('attributes, grants and imports', () => {
  test('bootstrap brokers are read at deploy time by a custom resource, no synth-time call', () => {
    const { stack, cluster } = setup();
    new CfnOutput(stack, 'Brokers', { value: cluster.bootstrapBrokersSaslIam });
    const t = Template.fromStack(stack);
    const lookup = Object.values(t.findResources('Custom::AWS'))[0];
    expect(JSON.stringify(lookup.Properties.Create)).toContain('getBootstrapBrokers');
    expect(JSON.stringify(lookup.Properties.Create)).toContain('BootstrapBrokerStringSaslIam');
    t.hasOutput('Brokers', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterBootstrapBrokers'), 'BootstrapBrokerStringSaslIam'] } });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'kafka:GetBootstrapBrokers', Effect: 'Allow', Resource: '*' }]) },
    });
  });

  test('no lookup resources exist until a bootstrap attribute is read', () => {
    const { template } = setup();
    template().resourceCountIs('Custom::AWS', 0);
    expect(JSON.stringify(template().toJSON())).not.toContain('GetBootstrapBrokers');
  });

  test('grantConsume gives exactly the consume actions on topic and group ARNs with the cluster UUID', () => {
    const { stack, cluster } = setup();
    const role = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    cluster.grantConsume(role, ['orders'], ['billing']);
    const statements = Template.fromStack(stack).toJSON().Resources;
    const policy = Object.values(statements as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes('Consumer'));
    const actions = policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action);
    expect(actions).toEqual([
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
    ]);
    const topicArn = JSON.stringify(policy.Properties.PolicyDocument.Statement[1].Resource);
    expect(topicArn).toContain(':topic/');
    expect(topicArn).toContain('/orders');
    expect(topicArn).toContain('"Fn::Split":["/",{"Ref":"Cluster');
    expect(JSON.stringify(policy.Properties.PolicyDocument.Statement[2].Resource)).toContain(':group/');
  });

  test('grantProduce adds idempotent writes on the cluster and writes on the topics', () => {
    const { stack, cluster } = setup();
    const role = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    cluster.grantProduce(role, ['orders', 'cdc.*']);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).find((r) => JSON.stringify(r).includes('Producer'))!;
    const actions = policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action);
    expect(actions).toEqual([
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
    ]);
    expect(policy.Properties.PolicyDocument.Statement[1].Resource).toHaveLength(2);
  });

  test('fails on two subnets in the same availability zone (MSK would refuse the cluster after minutes)', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    const extra = new ec2.PrivateSubnet(stack, 'Extra', { vpcId: network.vpc.vpcId, availabilityZone: 'eu-west-1a', cidrBlock: '10.0.250.0/24' });
    expect(() => new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: { subnets: [network.privateSubnets[0], extra] } }))
      .toThrow(/^`vpcSubnets` must select subnets in different availability zones \(MSK puts each broker group in its own AZ\), got \[.*\(eu-west-1a\)', '.*\(eu-west-1a\)'\]$/);
  });

  test('an imported cluster without IAM needs its client port, and refuses 9098', () => {
    const stack = new Stack(testApp(), 'S');
    const arn = 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b2c3d-4e5f-6789-abcd-ef0123456789-7';
    expect(() => MskCluster.fromClusterAttributes(stack, 'A', { clusterArn: arn, iamAuthenticationEnabled: false }))
      .toThrow('`defaultPort` is required when `iamAuthenticationEnabled` is false: give the port of the cluster\'s client authentication (MskPorts.SASL_SCRAM 9096 or MskPorts.TLS 9094), got undefined');
    expect(() => MskCluster.fromClusterAttributes(stack, 'B', { clusterArn: arn, iamAuthenticationEnabled: false, defaultPort: MskPorts.SASL_IAM }))
      .toThrow('`defaultPort` 9098 is the IAM port, but `iamAuthenticationEnabled` is false');
    expect(() => MskCluster.fromClusterAttributes(stack, 'C', { clusterArn: arn, defaultPort: 9092 })).toThrow('`defaultPort` must be one of 9098, 9096, 9094, got 9092');
    const scram = MskCluster.fromClusterAttributes(stack, 'D', { clusterArn: arn, iamAuthenticationEnabled: false, defaultPort: MskPorts.SASL_SCRAM });
    expect(scram.connections.defaultPort?.toString()).toBe('9096');
  });

  test('fromClusterAttributes reads the name from the ARN and builds UUID-scoped ARNs', () => {
    const stack = new Stack(testApp(), 'S');
    const arn = 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/0a1b2c3d-1111-2222-3333-444455556666-7';
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0a1b2c3d4e5f60718');
    const cluster = MskCluster.fromClusterAttributes(stack, 'Imported', { clusterArn: arn, bootstrapBrokersSaslIam: 'b-1.prod:9098', securityGroups: [sg] });
    expect(cluster.clusterName).toBe('prod');
    expect(stack.resolve(cluster.topicArn('orders'))).toBe('arn:aws:kafka:eu-west-1:111122223333:topic/prod/0a1b2c3d-1111-2222-3333-444455556666-7/orders');
    expect(stack.resolve(cluster.groupArn('connect-*'))).toBe('arn:aws:kafka:eu-west-1:111122223333:group/prod/0a1b2c3d-1111-2222-3333-444455556666-7/connect-*');
    expect(cluster.bootstrapBrokersSaslIam).toBe('b-1.prod:9098');
    expect(cluster.connections.defaultPort?.toString()).toBe('9098');
  });

  test('fails if an imported cluster is asked for bootstrap brokers it was not given', () => {
    const stack = new Stack(testApp(), 'S');
    const cluster = MskCluster.fromClusterArn(stack, 'Imported', 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/uuid-1');
    expect(() => cluster.bootstrapBrokersSaslIam).toThrow('`bootstrapBrokersSaslIam` was not given to MskCluster.fromClusterAttributes');
  });
});

describe('topics', () => {
  test('a topic is an AWS::MSK::Topic with the cluster RF, base64 JSON settings, retained', () => {
    const { template, cluster } = setup();
    const topic = cluster.addTopic('Orders', { topicName: 'orders', partitions: 12, configs: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' } });
    const t = template();
    t.hasResource('AWS::MSK::Topic', {
      Properties: {
        ClusterArn: { Ref: Match.stringLikeRegexp('Cluster') },
        TopicName: 'orders',
        PartitionCount: 12,
        ReplicationFactor: 3,
        Configs: Buffer.from(JSON.stringify({ 'retention.ms': '604800000', 'cleanup.policy': 'delete' })).toString('base64'),
      },
      DeletionPolicy: 'Retain',
    });
    expect(topic).toBeInstanceOf(MskTopic);
  });
});

// Focused snapshots of the default cluster, a backstop for the assertions: one line per resource, statement or rule.
describe('snapshots of the default cluster', () => {
  const t = setup().template();
  test('inventory: every resource, its type and deletion policy', () => {
    expect(inventory(t)).toMatchSnapshot();
  });
  test('cluster: encryption, authentication, brokers, logging; broker server properties', () => {
    expect(propertiesOf(t, 'AWS::MSK::Cluster')).toMatchSnapshot();
    expect(propertiesFiles(t)).toMatchSnapshot();
  });
  test('policies: key policies and the trust and permissions of roles, one line per statement', () => {
    expect(policyStatements(t)).toMatchSnapshot();
  });
  test('security groups and their rules', () => {
    expect(securityGroupRules(t)).toMatchSnapshot();
  });
});

describe('SASL/SCRAM users', () => {
  const scram = { clientAuthentication: { iam: true, scram: true } };
  const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);

  test('a user is an AmazonMSK_ secret with a generated password, encrypted with the SCRAM key and associated with the cluster', () => {
    const { stack, cluster, template } = setup(scram);
    const secret = cluster.addScramUser('alice');
    const t = template();
    const secretId = logicalId(stack, secret);
    const keyId = logicalId(stack, cluster.scramSecretKey!);
    expect(secretId).toMatch(/^ClusterScramUseralice/);
    t.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: `AmazonMSK_${cluster.clusterName}_alice`,
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        GenerateSecretString: {
          SecretStringTemplate: '{"username":"alice"}',
          GenerateStringKey: 'password',
          PasswordLength: 32,
          ExcludePunctuation: true,
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    t.hasResource('AWS::KMS::Key', {
      Properties: {
        Description: `Encrypts the SASL/SCRAM user secrets of MSK cluster ${cluster.clusterName}`,
        EnableKeyRotation: true,
        // The Secret lets Secrets Manager use the key for this account, and the key lets only AWS services make grants.
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant' }),
            Match.objectLike({
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
              Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
            }),
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
    expect(keyId).not.toBe(logicalId(stack, cluster.encryptionKey));
    t.resourceCountIs('AWS::MSK::BatchScramSecret', 1);
    t.hasResource('AWS::MSK::BatchScramSecret', {
      Properties: { ClusterArn: { Ref: logicalId(stack, cluster) }, SecretArnList: [{ Ref: secretId }] },
      DeletionPolicy: 'Retain',
    });
    expect(stack.resolve(secret.secretArn)).toEqual({ Ref: secretId });
    // No resource policy: MSK attaches its own to an associated secret and asks that it not be changed.
    t.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });

  test('no password is in the template: only the generation request', () => {
    const { cluster, template } = setup(scram);
    cluster.addScramUser('alice');
    cluster.addScramUser('bob');
    const secrets = Object.values(template().findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(Object.keys(secret.Properties.GenerateSecretString).sort())
        .toEqual(['ExcludePunctuation', 'GenerateStringKey', 'PasswordLength', 'SecretStringTemplate']);
      expect(Object.keys(JSON.parse(secret.Properties.GenerateSecretString.SecretStringTemplate))).toEqual(['username']);
    }
    // No secret anywhere in the template carries a value (a literal SecretString would be readable by anyone with the template).
    expect(JSON.stringify(template().toJSON())).not.toContain('"SecretString"');
  });

  test('users share one association and one key; construct ids depend on the username only', () => {
    const { stack, cluster, template } = setup(scram);
    const alice = cluster.addScramUser('alice');
    const bob = cluster.addScramUser('bob.smith@payments');
    const t = template();
    t.resourceCountIs('AWS::MSK::BatchScramSecret', 1);
    t.hasResourceProperties('AWS::MSK::BatchScramSecret', { SecretArnList: [{ Ref: logicalId(stack, alice) }, { Ref: logicalId(stack, bob) }] });
    expect(Object.keys(t.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('SASL/SCRAM') } }))).toHaveLength(1);
    expect(bob.node.id).toBe('ScramUser-bob.smith@payments');
    const other = setup(scram);
    expect(logicalId(other.stack, other.cluster.addScramUser('bob.smith@payments'))).toBe(logicalId(stack, bob));
  });

  test('a given key and secret name are used, and no SCRAM key is made for them', () => {
    const { stack, cluster, template } = setup(scram);
    const key = new kms.Key(stack, 'TeamKey', { enableKeyRotation: true });
    cluster.addScramUser('alice', { secretName: 'AmazonMSK_payments/alice', encryptionKey: key });
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'AmazonMSK_payments/alice',
      KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] },
    });
    expect(cluster.scramSecretKey).toBeUndefined();
  });

  test('removalPolicy DESTROY reaches the secrets, their key and the association', () => {
    const { cluster, template } = setup({ ...scram, removalPolicy: RemovalPolicy.DESTROY });
    cluster.addScramUser('alice');
    const t = template();
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::MSK::BatchScramSecret', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('SASL/SCRAM') }, DeletionPolicy: 'Delete' });
  });

  test('fails if the cluster has no SASL/SCRAM authentication', () => {
    const { cluster } = setup();
    expect(() => cluster.addScramUser('alice'))
      .toThrow(new Error('`clientAuthentication.scram` must be true to add SASL/SCRAM users (addScramUser(\'alice\') on \'S/Cluster\'), got false'));
  });

  test.each([
    ['a space', 'bad name'],
    ['an empty name', ''],
    ['a slash', 'team/alice'],
    ['a comma (escaped in SCRAM)', 'a,b'],
    ['65 characters', 'a'.repeat(65)],
  ])('fails on a username with %s', (_name, username) => {
    const { cluster } = setup(scram);
    expect(() => cluster.addScramUser(username))
      .toThrow(new Error(`\`username\` must be 1-64 letters, digits, '.', '_', '-' or '@', known at synth (it names the user's secret and construct), got '${username}'`));
  });

  test('fails on a username known only at deploy time', () => {
    const { cluster } = setup(scram);
    expect(() => cluster.addScramUser(Lazy.string({ produce: () => 'alice' })))
      .toThrow(/^`username` must be 1-64 letters, digits, '\.', '_', '-' or '@', known at synth \(it names the user's secret and construct\), got '\$\{Token\[/);
  });

  test('fails on the same username twice', () => {
    const { cluster } = setup(scram);
    cluster.addScramUser('alice');
    expect(() => cluster.addScramUser('alice')).toThrow(new Error('`username` \'alice\' is already a SASL/SCRAM user of \'S/Cluster\''));
  });

  test('fails on a secret name without the AmazonMSK_ prefix', () => {
    const { cluster } = setup(scram);
    expect(() => cluster.addScramUser('alice', { secretName: 'kafka/alice' }))
      .toThrow(new Error('`secretName` must start with \'AmazonMSK_\' (MSK associates no other secret) and be at most 512 letters, digits and \'/_+=.@-\', got \'kafka/alice\''));
  });
});

describe('bad input', () => {
  test('fails if the broker count is not a multiple of the AZ count', () => {
    expect(() => setup({ brokerCount: 4 })).toThrow('`brokerCount` must be a positive multiple of the number of availability zones (3, the subnets `vpcSubnets` selects), got 4');
  });

  test('fails with fewer than 2 subnets', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    expect(() => new MskCluster(stack, 'C', { vpc: network.vpc, vpcSubnets: { subnets: [network.privateSubnets[0]] } }))
      .toThrow('`vpcSubnets` must select 2 or 3 subnets (one per availability zone), got 1');
  });

  test('fails if the volume size is out of range', () => {
    expect(() => setup({ volumeSize: 20000 })).toThrow('`volumeSize` must be a whole number between 1 and 16384, got 20000');
  });

  test('fails if no authentication is enabled', () => {
    expect(() => setup({ clientAuthentication: { iam: false } })).toThrow('`clientAuthentication` must enable at least one of `iam`, `scram` or `tlsCertificateAuthorities`');
  });

  test('fails if min.insync.replicas is not below the replication factor', () => {
    expect(() => setup({ serverProperties: { 'min.insync.replicas': '3' } }))
      .toThrow("`serverProperties` 'min.insync.replicas' must be at least 1 and below 'default.replication.factor' (3) so writes survive a rolling broker update, got '3'");
  });

  test('fails if the replication factor exceeds the brokers', () => {
    expect(() => setup({ serverProperties: { 'default.replication.factor': '4' } }))
      .toThrow("`serverProperties` 'default.replication.factor' must be a whole number from 1 to the broker count (3), got '4'");
  });

  test('fails if unclean.leader.election.enable is not a boolean', () => {
    expect(() => setup({ serverProperties: { 'unclean.leader.election.enable': 'yes' } }))
      .toThrow("`serverProperties` 'unclean.leader.election.enable' must be 'true' or 'false', got 'yes'");
  });

  test('fails if a server property value spans lines', () => {
    expect(() => setup({ serverProperties: { 'log.retention.hours': '1\nfoo=bar' } })).toThrow('`serverProperties` must map property names');
  });

  test('fails on an unknown monitoring level', () => {
    expect(() => setup({ monitoringLevel: 'PER_EVERYTHING' as MonitoringLevel }))
      .toThrow("`monitoringLevel` must be one of 'DEFAULT', 'PER_BROKER', 'PER_TOPIC_PER_BROKER', 'PER_TOPIC_PER_PARTITION', got 'PER_EVERYTHING'");
  });

  test('fails if Express brokers are given storage settings', () => {
    expect(() => setup({ brokerType: MskBrokerType.EXPRESS, volumeSize: 100 }))
      .toThrow('`volumeSize` is not supported by Express brokers (`brokerType` MskBrokerType.EXPRESS), which manage their own storage; got 100');
  });

  test('fails if Express brokers are given durability overrides', () => {
    expect(() => setup({ brokerType: MskBrokerType.EXPRESS, serverProperties: { 'min.insync.replicas': '1' } }))
      .toThrow("`serverProperties` cannot set 'min.insync.replicas' on Express brokers");
  });

  test('fails if Express brokers have only two AZs', () => {
    expect(() => setup({ brokerType: MskBrokerType.EXPRESS }, { availabilityZoneCount: 2 }))
      .toThrow("Express brokers (`brokerType` MskBrokerType.EXPRESS, 'express.m7g.large') need 3 availability zones, but `vpcSubnets` selects 2 subnets");
  });

  test('fails on a malformed instance type', () => {
    expect(() => setup({ instanceType: new ec2.InstanceType('m5') })).toThrow("`instanceType` must be an instance type such as 'm7g.large', got 'm5'");
    // MSK's own name, the prop's type before 0.x: the prefix belongs to `brokerType`.
    expect(() => setup({ instanceType: new ec2.InstanceType('kafka.m5.large') }))
      .toThrow("`instanceType` is the EC2 instance type without MSK's prefix (`brokerType` chooses 'kafka.' or 'express.'), e.g. new ec2.InstanceType('m5.large'), got 'kafka.m5.large'");
    // A JavaScript caller passing an enum's name instead of its value.
    expect(() => setup({ brokerType: 'EXPRESS' as MskBrokerType }))
      .toThrow("`brokerType` must be one of 'kafka', 'express', got 'EXPRESS'");
    // A JavaScript caller passing the string the prop used to take.
    expect(() => setup({ instanceType: 'kafka.m5.large' as unknown as ec2.InstanceType }))
      .toThrow("`instanceType` must be an ec2.InstanceType such as new ec2.InstanceType('m7g.large') (`brokerType` chooses Standard or Express brokers), got 'kafka.m5.large'");
  });

  test('fails if provisioned throughput is asked of a small broker', () => {
    expect(() => setup({ provisionedThroughput: 250 }))
      .toThrow("`provisionedThroughput` needs a broker of size m5.4xlarge / m7g.2xlarge or larger, got `instanceType` 'm7g.large'");
  });

  test('fails if storage autoscaling cannot grow', () => {
    expect(() => setup({ volumeSize: 1000, storageAutoScaling: { maxVolumeSize: 1000 } }))
      .toThrow('`storageAutoScaling.maxVolumeSize` must be larger than `volumeSize` (1000), got 1000');
  });

  test('fails if public access is asked for private subnets', () => {
    expect(() => setup({ publicAccess: MskPublicAccess.ON_DEPLOYED_CLUSTER })).toThrow('`publicAccess` needs the brokers in public subnets');
  });

  test('public access is a change to a deployed cluster: absent by default, SERVICE_PROVIDED_EIPS only when asked for', () => {
    const build = (publicAccess?: MskPublicAccess, extra: Partial<MskClusterProps> = {}) => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, publicAccess, ...extra });
      return Template.fromStack(stack).toJSON();
    };
    const connectivity = (t: any) => Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::MSK::Cluster').Properties.BrokerNodeGroupInfo.ConnectivityInfo;
    expect(connectivity(build())).toBeUndefined();
    expect(connectivity(build(MskPublicAccess.DISABLED))).toBeUndefined();
    expect(connectivity(build(MskPublicAccess.ON_DEPLOYED_CLUSTER))).toEqual({ PublicAccess: { Type: 'SERVICE_PROVIDED_EIPS' } });
  });

  test('public access with SASL/SCRAM needs Kafka ACLs in force', () => {
    const build = (serverProperties?: { [key: string]: string }) => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      return new MskCluster(stack, 'Cluster', {
        vpc: network.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        publicAccess: MskPublicAccess.ON_DEPLOYED_CLUSTER,
        clientAuthentication: { iam: true, scram: true },
        serverProperties,
      });
    };
    expect(() => build()).toThrow("`publicAccess` with SASL/SCRAM or mutual TLS needs Apache Kafka ACLs in force: set `serverProperties` 'allow.everyone.if.no.acl.found' to 'false' (after creating the ACLs), got undefined");
    expect(() => build({ 'allow.everyone.if.no.acl.found': 'false' })).not.toThrow();
  });

  test('fails on an invalid cluster name', () => {
    expect(() => setup({ clusterName: '1-bad_name' })).toThrow("`clusterName` must be 1-64 letters, digits and hyphens starting with a letter, got '1-bad_name'");
  });

  test('fails on a malformed Kafka version', () => {
    expect(() => KafkaVersion.of('latest')).toThrow("`kafkaVersion` must look like an MSK version such as '3.9.x.kraft' or '3.6.0', got 'latest'");
  });

  test('fails on an invalid topic name', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 'orders/eu' }))
      .toThrow("`topicName` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got 'orders/eu'");
  });

  test('fails if a topic has more replicas than brokers', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 'orders', replicationFactor: 5 })).toThrow('`replicationFactor` must be a whole number between 1 and 3, got 5');
  });

  test('fails if a topic keeps min ISR at its replication factor', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 'orders', replicationFactor: 2 }))
      .toThrow("`configs` 'min.insync.replicas' ('2') must be at least 1 and below the replication factor (2)");
  });

  test('fails on an invalid cleanup policy', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 'orders', configs: { 'cleanup.policy': 'forever' } }))
      .toThrow("`configs` 'cleanup.policy' must be one of 'delete', 'compact', 'compact,delete', 'delete,compact', got 'forever'");
  });

  test('fails if a grant names a wildcard-only topic', () => {
    const { stack, cluster } = setup();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => cluster.grantProduce(role, ['*'])).toThrow("`topicName` must be a name of letters, digits, '.', '_' and '-', optionally ending in '*' (and not '*' alone), got '*'");
  });

  test('fails on an ARN that is not an MSK cluster', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => MskCluster.fromClusterArn(stack, 'I', 'arn:aws:s3:::bucket')).toThrow('`clusterArn` must be an MSK cluster ARN');
  });
});

describe('bad input (#14): values passed through, duplicates', () => {
  test('fails on an unknown broker family', () => {
    expect(() => setup({ instanceType: new ec2.InstanceType('r5.large') }))
      .toThrow("`instanceType` must be of a family MSK offers as Standard brokers (t3.*, m5.*, m7g.*), got 'r5.large'");
    expect(() => setup({ instanceType: new ec2.InstanceType('m5.large'), brokerType: MskBrokerType.EXPRESS }))
      .toThrow("`instanceType` must be of a family MSK offers as Express brokers (m7g.*), got 'm5.large'");
  });

  test('fails on a broker size MSK does not offer', () => {
    expect(() => setup({ instanceType: new ec2.InstanceType('m7g.24xlarge') }))
      .toThrow("`instanceType` 'm7g.24xlarge' is not an MSK broker size; Standard m7g brokers come in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge");
  });

  test('fails on a server property MSK manages', () => {
    expect(() => setup({ serverProperties: { 'advertised.listeners': 'PLAINTEXT://x:9092' } }))
      .toThrow("`serverProperties` cannot set 'advertised.listeners': MSK manages it and rejects the configuration (see \"Custom MSK configurations\"), got 'PLAINTEXT://x:9092'");
    // A password is not echoed into the message (it lands in build logs).
    expect(() => setup({ serverProperties: { 'ssl.keystore.password': 'hunter2' } }))
      .toThrow("`serverProperties` cannot set 'ssl.keystore.password': MSK manages it and rejects the configuration (see \"Custom MSK configurations\"), got '***'");
  });

  test('fails on a non-numeric log.retention.hours', () => {
    expect(() => setup({ serverProperties: { 'log.retention.hours': '7d' } }))
      .toThrow("`serverProperties` 'log.retention.hours' must be a whole number of at least -1, got '7d'");
  });

  test('fails on num.partitions of 0', () => {
    expect(() => setup({ serverProperties: { 'num.partitions': '0' } }))
      .toThrow("`serverProperties` 'num.partitions' must be a whole number of at least 1, got '0'");
  });

  test('fails on a non-boolean auto.leader.rebalance.enable', () => {
    expect(() => setup({ serverProperties: { 'auto.leader.rebalance.enable': 'on' } }))
      .toThrow("`serverProperties` 'auto.leader.rebalance.enable' must be 'true' or 'false', got 'on'");
  });

  test('fails on an unknown compression.type', () => {
    expect(() => setup({ serverProperties: { 'compression.type': 'brotli' } }))
      .toThrow("`serverProperties` 'compression.type' must be one of 'uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer', got 'brotli'");
  });

  test('fails on an unknown log.cleanup.policy', () => {
    expect(() => setup({ serverProperties: { 'log.cleanup.policy': 'compacted' } }))
      .toThrow("`serverProperties` 'log.cleanup.policy' must be one of 'delete', 'compact', 'compact,delete', 'delete,compact', got 'compacted'");
  });

  test('fails if offsets.topic.replication.factor exceeds the brokers', () => {
    expect(() => setup({ serverProperties: { 'offsets.topic.replication.factor': '4' } }))
      .toThrow("`serverProperties` 'offsets.topic.replication.factor' must be at most the broker count (3, from `brokerCount`/`vpcSubnets`), got '4'");
  });

  test('fails if transaction.state.log.replication.factor exceeds the brokers', () => {
    expect(() => setup({ serverProperties: { 'transaction.state.log.replication.factor': '4' } }))
      .toThrow("`serverProperties` 'transaction.state.log.replication.factor' must be at most the broker count (3, from `brokerCount`/`vpcSubnets`), got '4'");
    expect(() => setup({ serverProperties: { 'transaction.state.log.replication.factor': '3' } })).not.toThrow();
  });

  test('fails if transaction.state.log.min.isr exceeds its replication factor', () => {
    expect(() => setup({ serverProperties: { 'transaction.state.log.replication.factor': '2', 'transaction.state.log.min.isr': '3' } }))
      .toThrow("`serverProperties` 'transaction.state.log.min.isr' must be at most 'transaction.state.log.replication.factor' (2), got '3'");
  });

  test('fails on two clusters of one name in one stack', () => {
    const { stack, network } = setup({ clusterName: 'orders' });
    expect(() => new MskCluster(stack, 'Other', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, clusterName: 'orders' }))
      .toThrow("`clusterName` 'orders' is already the name of cluster S/Cluster in the same account and region; MSK cluster names are unique per account and Region");
  });

  test('fails on two clusters of one name in two stacks of one account and region', () => {
    const app = testApp();
    const env = { account: '111111111111', region: 'eu-west-1' };
    for (const name of ['A', 'B']) {
      const stack = new Stack(app, name, { env });
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
      const make = () => new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, clusterName: 'orders' });
      if (name === 'A') make();
      else expect(make).toThrow("`clusterName` 'orders' is already the name of cluster A/Cluster in the same account and region");
    }
  });

  test('fails if logging.logRetention is not a RetentionDays value', () => {
    expect(() => setup({ logging: { logRetention: 45 as any } }))
      .toThrow('`logging.logRetention` must be a logs.RetentionDays value (one of');
    expect(() => setup({ logging: { logRetention: 45 as any } })).toThrow('days), got 45');
  });

  test('fails if logging gives its own log group and a retention for it', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Logs', 'msk-brokers');
    expect(() => new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, logging: { logGroup, logRetention: 30 } }))
      .toThrow('`logging.logRetention` only applies to a log group created here, but `logging.logGroup` is given; set the retention on that log group, got 30');
  });

  test('fails if logging turns CloudWatch off but sets its retention', () => {
    expect(() => setup({ logging: { cloudWatch: false, logRetention: 30 } }))
      .toThrow('`logging.logRetention` is set but `logging.cloudWatch` is false, so it would be ignored; drop one of them');
  });

  test('fails if logging turns CloudWatch off but gives a log group', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Logs', 'msk-brokers');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'logs-bucket');
    expect(() => new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, logging: { cloudWatch: false, logGroup, s3Bucket: bucket } }))
      .toThrow('`logging.logGroup` is set but `logging.cloudWatch` is false, so it would be ignored; drop one of them');
    expect(() => new MskCluster(stack, 'Other', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, logging: { cloudWatch: true, logGroup } })).not.toThrow();
  });

  test('brokerLogging, the deprecated name of logging, still works alone and is refused together with logging', () => {
    expect(() => setup({ brokerLogging: { cloudWatch: false } }))
      .toThrow('`brokerLogging` turns CloudWatch off and gives no `s3Bucket` or `firehoseDeliveryStreamName`, so the logs would go nowhere');
    const { template } = setup({ brokerLogging: { logRetention: logs.RetentionDays.ONE_MONTH } });
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(() => setup({ logging: {}, brokerLogging: {} }))
      .toThrow('`brokerLogging` is the deprecated name of `logging`: give only `logging`, got both');
  });

  test('fails if logging sends the logs nowhere', () => {
    expect(() => setup({ logging: { cloudWatch: false } }))
      .toThrow('`logging` turns CloudWatch off and gives no `s3Bucket` or `firehoseDeliveryStreamName`, so the logs would go nowhere');
  });

  test('fails on an s3Prefix without a bucket', () => {
    expect(() => setup({ logging: { s3Prefix: 'msk/' } }))
      .toThrow("`logging.s3Prefix` is set but `logging.s3Bucket` is not, so it would be ignored, got 'msk/'");
  });

  test('fails on an s3Prefix starting with a slash', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'logs-bucket');
    expect(() => new MskCluster(stack, 'C', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, logging: { s3Bucket: bucket, s3Prefix: '/msk' } }))
      .toThrow("`logging.s3Prefix` must be an S3 key prefix of 1-1024 characters on one line, not starting with '/', got '/msk'");
  });

  test('fails on a malformed Firehose delivery stream name', () => {
    expect(() => setup({ logging: { firehoseDeliveryStreamName: 'broker logs' } }))
      .toThrow("`logging.firehoseDeliveryStreamName` must be a Firehose delivery stream name (1-64 letters, digits, '_', '.', '-'), got 'broker logs'");
  });

  test('fails on a KRaft version before 3.7 and a ZooKeeper 4.x version', () => {
    expect(() => KafkaVersion.of('3.6.0.kraft')).toThrow("`kafkaVersion` KRaft mode needs Kafka 3.7 or later on MSK, got '3.6.0.kraft'");
    expect(() => KafkaVersion.of('4.0.x')).toThrow("`kafkaVersion` 4.x runs in KRaft mode only on MSK: write '4.0.x.kraft', got '4.0.x'");
  });
});

describe('bad input (#14): placement', () => {
  test('fails on subnets of another VPC than `vpc`', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const other = new PrivateSubnetWithNat(stack, 'Other', { vpcCidr: '10.1.0.0/16', flowLogs: false });
    expect(() => new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: { subnets: other.privateSubnets } }))
      .toThrow("`vpcSubnets` must select subnets of `vpc` S/Net/Vpc, got 'S/Other/Vpc/PrivateSubnet1', 'S/Other/Vpc/PrivateSubnet2', 'S/Other/Vpc/PrivateSubnet3' of another VPC");
  });
});

describe('bad input (#14): topics', () => {
  test('fails on a reserved MSK Connect topic name', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: '__amazon_msk_connect_offsets_sink' }))
      .toThrow("`topicName` must not be an internal topic of Kafka, MSK or MSK Connect ('__consumer_offsets', '__transaction_state', '__cluster_metadata', '__amazon_msk*'), got '__amazon_msk_connect_offsets_sink'");
  });

  test('fails on __consumer_offsets', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: '__consumer_offsets' })).toThrow("got '__consumer_offsets'");
  });

  test('fails on a duplicate topic name on one cluster', () => {
    const { cluster } = setup();
    cluster.addTopic('A', { topicName: 'orders' });
    expect(() => cluster.addTopic('B', { topicName: 'orders' }))
      .toThrow("`topicName` 'orders' is already a topic of this cluster (S/Cluster/A); topic names are unique per cluster");
  });

  test('fails on topic names that differ only in . and _', () => {
    const { cluster } = setup();
    cluster.addTopic('A', { topicName: 'orders.v1' });
    expect(() => cluster.addTopic('B', { topicName: 'orders_v1' }))
      .toThrow("`topicName` 'orders_v1' collides with topic 'orders.v1' of this cluster (S/Cluster/A): Kafka refuses names that differ only in '.' and '_'");
  });

  test('accepts one topic name on two clusters', () => {
    const { stack, network, cluster } = setup();
    const other = new MskCluster(stack, 'Other', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
    cluster.addTopic('A', { topicName: 'orders' });
    expect(() => other.addTopic('A', { topicName: 'orders' })).not.toThrow();
  });

  test('fails on a topic compression.type Kafka does not know', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 't', configs: { 'compression.type': 'brotli' } }))
      .toThrow("`configs` 'compression.type' must be one of 'uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer', got 'brotli'");
    expect(() => cluster.addTopic('U', { topicName: 'u', configs: { 'compression.type': 'zstd' } })).not.toThrow();
  });

  test('fails on an unknown message.timestamp.type', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 't', configs: { 'message.timestamp.type': 'EventTime' } }))
      .toThrow("`configs` 'message.timestamp.type' must be one of 'CreateTime', 'LogAppendTime', got 'EventTime'");
  });

  test('fails on a non-boolean topic unclean.leader.election.enable', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 't', configs: { 'unclean.leader.election.enable': 'no' } }))
      .toThrow("`configs` 'unclean.leader.election.enable' must be one of 'true', 'false', got 'no'");
  });

  test('fails on segment.ms of 0', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 't', configs: { 'segment.ms': '0' } }))
      .toThrow("`configs` 'segment.ms' must be a whole number of at least 1, got '0'");
  });

  test('fails on min.cleanable.dirty.ratio above 1', () => {
    const { cluster } = setup();
    expect(() => cluster.addTopic('T', { topicName: 't', configs: { 'min.cleanable.dirty.ratio': '1.5' } }))
      .toThrow("`configs` 'min.cleanable.dirty.ratio' must be a number from 0 to 1, got '1.5'");
  });
});

