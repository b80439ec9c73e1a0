import { Duration, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConnectorCapacity, ConnectorPlugin, KafkaConnectVersion, LeastPrivilegeConnectorRole, MskCluster, MskConnector, MskConnectorProps, PluginSource,
  PrivateSubnetWithNat, WorkerConfiguration,
} from '../../lib';
import { testApp } from '../support/compliance';
import { EXAMPLE_SHA256, pipelineBase } from '../support/fixtures';

function connector(props: Partial<MskConnectorProps> = {}, base = pipelineBase()) {
  const c = new MskConnector(base.stack, 'Connector', {
    cluster: base.cluster,
    vpc: base.network.vpc,
    vpcSubnets: base.network.privateSubnetSelection,
    connectorName: 'orders-sink',
    plugin: base.plugin,
    connectorConfiguration: { 'connector.class': 'com.example.Sink', 'tasks.max': '1', 'topics': 'orders' },
    permissions: { readTopics: ['orders'] },
    ...props,
  });
  return { ...base, connector: c, template: () => Template.fromStack(base.stack) };
}

function connectorName(stack: Stack, c: MskConnector): string {
  return stack.resolve(c.connectorName);
}

function policyStatements(template: Template, descriptionLike: string): any[] {
  const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Description: Match.stringLikeRegexp(descriptionLike) },
  }))[0];
  return policy.Properties.PolicyDocument.Statement;
}

describe('cluster connection', () => {
  test('IAM authentication and TLS to the IAM bootstrap brokers, in the private subnets', () => {
    const { template } = connector();
    template().hasResourceProperties('AWS::KafkaConnect::Connector', {
      KafkaClusterClientAuthentication: { AuthenticationType: 'IAM' },
      KafkaClusterEncryptionInTransit: { EncryptionType: 'TLS' },
      KafkaConnectVersion: '3.7.x',
      KafkaCluster: {
        ApacheKafkaCluster: {
          BootstrapServers: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterBootstrapBrokers'), 'BootstrapBrokerStringSaslIam'] },
          Vpc: { Subnets: Match.arrayWith([{ Ref: Match.stringLikeRegexp('NetVpcPrivateSubnet1') }]) },
        },
      },
      Capacity: { ProvisionedCapacity: { McuCount: 1, WorkerCount: 1 } },
    });
  });

  test('the connector security group reaches the brokers on 9098 only, and the broker group accepts exactly that', () => {
    const { template } = connector();
    const t = template();
    const connectorSg = Object.entries(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('MSK Connect workers') } }))[0];
    // No inline rule but the no-traffic placeholder: every real egress rule is a separate resource.
    expect(connectorSg[1].Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })]);
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [connectorSg[0], 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterSecurityGroup'), 'GroupId'] },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
      SourceSecurityGroupId: { 'Fn::GetAtt': [connectorSg[0], 'GroupId'] },
      Description: Match.stringLikeRegexp('to the brokers'),
    });
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
  });

  test('worker logs go to a KMS-encrypted, retained log group kept a year', () => {
    const { template } = connector();
    template().hasResourceProperties('AWS::KafkaConnect::Connector', {
      LogDelivery: { WorkerLogDelivery: { CloudWatchLogs: { Enabled: true, LogGroup: { Ref: Match.stringLikeRegexp('ConnectorWorkerLogs') } } } },
    });
    template().hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineLogsKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('worker logs can go to S3 and Firehose instead of CloudWatch', () => {
    const base = pipelineBase();
    const bucket = new s3.Bucket(base.stack, 'LogBucket');
    const { template, connector: c } = connector({ logging: { cloudWatch: false, s3Bucket: bucket, s3Prefix: 'connect/', firehoseDeliveryStreamName: 'worker-logs' } }, base);
    expect(c.logGroup).toBeUndefined();
    template().hasResourceProperties('AWS::KafkaConnect::Connector', {
      LogDelivery: {
        WorkerLogDelivery: {
          CloudWatchLogs: { Enabled: false },
          S3: { Enabled: true, Bucket: { Ref: Match.stringLikeRegexp('LogBucket') }, Prefix: 'connect/' },
          Firehose: { Enabled: true, DeliveryStream: 'worker-logs' },
        },
      },
    });
  });

  test('a health alarm (errored tasks or missing workers) and a CPU alarm notify the alarm topic', () => {
    const { template, connector: c } = connector({ capacity: ConnectorCapacity.autoScaled({ minWorkers: 2, maxWorkers: 4 }) });
    expect(c.alarms.map((a) => a.node.id)).toEqual(['HealthAlarm', 'CpuAlarm']);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(errored > 0 OR FILL(workers, 0) < 2, 1, 0)' }),
        Match.objectLike({
          Id: 'errored', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ErroredTaskCount', Namespace: 'AWS/KafkaConnect' }) }),
        }),
        Match.objectLike({ Id: 'workers', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'WorkerCount' }), Stat: 'Minimum' }) }),
      ]),
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CpuUtilization',
      Threshold: 80,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^PipelineAlarmTopic') }],
      Dimensions: [{ Name: 'ConnectorName', Value: 'orders-sink' }],
    });
  });
});

describe('egress', () => {
  test('a connector whose egress rules all name other security groups keeps the no-traffic rule inline (else EC2 adds allow-all)', () => {
    const { template } = connector();
    const groups = template().findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^MSK Connect workers of orders-sink') } });
    const [group] = Object.values(groups);
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]);
    // Its one real egress rule, to the brokers, is a separate resource.
    template().hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 9098, ToPort: 9098, DestinationSecurityGroupId: Match.anyValue() });
  });
});

describe('shared defaults', () => {
  test('a cluster and its connectors share one alarm topic and one logs key per stack', () => {
    const base = pipelineBase({ flowLogs: true });
    connector({}, base);
    new MskConnector(base.stack, 'Second', {
      cluster: base.cluster,
      vpc: base.network.vpc,
      connectorName: 'second',
      plugin: base.plugin,
      connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'b' },
      permissions: { readTopics: ['b'] },
    });
    const t = Template.fromStack(base.stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(4);
    const actions = new Set(alarms.map((a) => JSON.stringify(a.Properties.AlarmActions)));
    expect([...actions]).toEqual([expect.stringMatching(/^\[\{"Ref":"PipelineAlarmTopic[0-9A-F]{8}"\}\]$/)]);
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(5);
    const logKeys = new Set(groups.map((g) => JSON.stringify(g.Properties.KmsKeyId)));
    expect([...logKeys]).toEqual([expect.stringMatching(/^\{"Fn::GetAtt":\["PipelineLogsKey[0-9A-F]{8}","Arn"\]\}$/)]);
    // Keys: the cluster's data key, the logs key, the alarm topic key, the plugin store key.
    t.resourceCountIs('AWS::KMS::Key', 4);
  });
});

describe('capacity', () => {
  test('autoscaled capacity renders every CloudFormation field', () => {
    const capacity = ConnectorCapacity.autoScaled({ mcuCount: 2, minWorkers: 1, maxWorkers: 4, scaleInCpuPercent: 25, scaleOutCpuPercent: 75 });
    const { template } = connector({ capacity });
    template().hasResourceProperties('AWS::KafkaConnect::Connector', {
      Capacity: {
        AutoScaling: {
          McuCount: 2,
          MinWorkerCount: 1,
          MaxWorkerCount: 4,
          ScaleInPolicy: { CpuUtilizationPercentage: 25 },
          ScaleOutPolicy: { CpuUtilizationPercentage: 75 },
        },
      },
    });
  });

  test('fails if the MCU count is not 1, 2, 4 or 8', () => {
    expect(() => ConnectorCapacity.provisioned({ mcuCount: 3 })).toThrow('`capacity.mcuCount` must be one of 1, 2, 4, 8, got 3');
  });

  test('fails if min workers exceed max workers', () => {
    expect(() => ConnectorCapacity.autoScaled({ minWorkers: 4, maxWorkers: 2 })).toThrow('`capacity.minWorkers` (4) must not exceed `capacity.maxWorkers` (2)');
  });

  test('fails if a CPU percentage is out of 1-100', () => {
    expect(() => ConnectorCapacity.autoScaled({ scaleOutCpuPercent: 120 })).toThrow('`capacity.scaleOutCpuPercent` must be a whole number between 1 and 100, got 120');
  });

  test('fails if scale-in is not below scale-out', () => {
    expect(() => ConnectorCapacity.autoScaled({ scaleInCpuPercent: 80, scaleOutCpuPercent: 80 })).toThrow('`capacity.scaleInCpuPercent` (80) must be below `capacity.scaleOutCpuPercent` (80)');
  });

  test('fails if more than 10 workers are asked', () => {
    expect(() => ConnectorCapacity.provisioned({ workerCount: 11 })).toThrow('`capacity.workerCount` must be a whole number between 1 and 10, got 11');
  });
});

describe('a stable name', () => {
  test('the name is exactly connectorName, whatever else changes (CloudFormation replaces connectors delete-then-create)', () => {
    const a = connector();
    const b = connector({ capacity: ConnectorCapacity.provisioned({ workerCount: 2 }) });
    const c = connector({ kafkaConnectVersion: KafkaConnectVersion.V2_7_1 });
    const base = pipelineBase();
    const otherPlugin = new ConnectorPlugin(base.stack, 'Other', { source: PluginSource.fromUrl({ url: 'https://example.com/releases/connector-2.0.0.zip', sha256: 'b'.repeat(64) }) });
    const d = connector({ plugin: otherPlugin }, base);
    for (const x of [a, b, c, d]) {
      expect(connectorName(x.stack, x.connector)).toBe('orders-sink');
    }
    expect(a.connector.connectorName).toBe('orders-sink');
  });
});

describe('LeastPrivilegeConnectorRole', () => {
  test('trusted only by MSK Connect, for this account\'s connectors of this name', () => {
    const { template } = connector();
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'kafkaconnect.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kafkaconnect:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':connector/orders-sink/*']] } },
          },
        }],
      },
    });
    template().hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('orders-sink'),
      Roles: [{ Ref: Match.stringLikeRegexp('ConnectorExecutionRole') }],
    });
  });

  test('exact statements: guide baseline scoped, internal topics and groups, the read topics, nothing wider', () => {
    const { template } = connector();
    const statements = policyStatements(template(), 'orders-sink');
    const summary = statements.map((s) => ({ sid: s.Sid, actions: s.Action, n: Array.isArray(s.Resource) ? s.Resource.length : 1 }));
    expect(summary).toEqual([
      { sid: 'ClusterControlPlaneRead', actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2'], n: 1 },
      { sid: 'ClusterConnect', actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], n: 1 },
      { sid: 'MskConnectInternalTopics', actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData'], n: 1 },
      { sid: 'ConsumerGroups', actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], n: 2 },
      { sid: 'ReadTopics', actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], n: 1 },
    ]);
    expect(statements[0].Resource).toEqual({ Ref: expect.stringMatching(/^Cluster/) });
    // No statement on "*": the workers get their bootstrap servers from the connector and call no MSK control-plane listing.
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
    const text = JSON.stringify(statements);
    expect(text).not.toContain('kafka:List');
    expect(text).not.toContain('kafka:GetBootstrapBrokers');
    expect(text).not.toContain('kafka-cluster:*');
    expect(text).toContain('/__amazon_msk_connect_*');
    expect(text).toContain('/connect-orders-sink"');
    expect(text).toContain(':topic/');
    template().resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('secrets add GetSecretValue on those secrets and kms:Decrypt on their keys via Secrets Manager only', () => {
    const base = pipelineBase();
    const key = new kms.Key(base.stack, 'SecretKey', { enableKeyRotation: true });
    const secret = new secretsmanager.Secret(base.stack, 'ClickHouse', { encryptionKey: key });
    const workers = new WorkerConfiguration(base.stack, 'Workers', { secretsManagerConfigProvider: true });
    const { template } = connector({
      workerConfiguration: workers,
      connectorConfiguration: { 'connector.class': 'com.example.Sink', 'password': '${secretsmanager:clickhouse:password}' },
      permissions: { readTopics: ['orders'], secrets: [secret] },
    }, base);
    const statements = policyStatements(template(), 'orders-sink');
    expect(statements.find((s) => s.Sid === 'ReadSecrets')).toEqual({
      Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: expect.stringMatching(/^ClickHouse/) },
    });
    expect(statements.find((s) => s.Sid === 'DecryptSecrets')).toMatchObject({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': expect.anything() } } });
    template().hasResourceProperties('AWS::KafkaConnect::Connector', {
      ConnectorConfiguration: { 'config.action.reload': 'none', 'password': '${secretsmanager:clickhouse:password}' },
      WorkerConfiguration: { WorkerConfigurationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Workers'), 'WorkerConfigurationArn'] } },
    });
    // HTTPS egress for the config provider's Secrets Manager calls.
    template().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('MSK Connect workers'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.stringLikeRegexp('Secrets Manager') }],
    });
  });

  test('optional blocks appear only when used: Glue registry, S3 reads, write/create topics, idempotence', () => {
    const base = pipelineBase();
    const bucket = new s3.Bucket(base.stack, 'Truststore');
    const { template } = connector({
      permissions: {
        readTopics: ['orders'],
        writeTopics: ['orders-dlq'],
        createTopics: ['orders-dlq'],
        idempotentWrites: true,
        describeClusterDynamicConfiguration: true,
        glueSchemaRegistryName: 'registry',
        s3Reads: [{ bucket, prefix: 'truststore/' }],
      },
    }, base);
    const sids = policyStatements(template(), 'orders-sink').map((s) => s.Sid);
    expect(sids).toEqual(['ClusterControlPlaneRead', 'ClusterConnect', 'MskConnectInternalTopics', 'ConsumerGroups',
      'ReadTopics', 'WriteTopics', 'CreateTopics', 'ReadSchemaRegistry', 'ReadS3Objects']);
    const connect = policyStatements(template(), 'orders-sink').find((s) => s.Sid === 'ClusterConnect');
    expect(connect.Action).toEqual(['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeClusterDynamicConfiguration', 'kafka-cluster:WriteDataIdempotently']);
  });

  test('a given role is used as is', () => {
    const base = pipelineBase();
    const role = new iam.Role(base.stack, 'Mine', { assumedBy: new iam.ServicePrincipal('kafkaconnect.amazonaws.com') });
    const { connector: c, template } = connector({ role, permissions: undefined }, base);
    expect(c.role).toBe(role);
    expect(c.leastPrivilegeRole).toBeUndefined();
    template().hasResourceProperties('AWS::KafkaConnect::Connector', { ServiceExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Mine'), 'Arn'] } });
  });
});

describe('metrics, grants and imports', () => {
  const summary = (stack: Stack, m: cloudwatch.Metric) =>
    `${m.namespace} ${m.metricName} ${m.statistic} ${m.period.toSeconds()} ${JSON.stringify(stack.resolve(m.dimensions))}`;

  test('metric() is an AWS/KafkaConnect metric of the connector; the named ones carry the statistic the alarms and dashboard use', () => {
    const { stack, connector: c } = connector();
    expect([
      c.metric('MemoryUtilization'), c.metricErroredTaskCount(), c.metricRunningTaskCount(), c.metricWorkerCount(), c.metricCpuUtilization(),
      c.metricSinkRecordReadRate(), c.metricSinkRecordSendRate(), c.metricCpuUtilization({ statistic: 'Maximum', period: Duration.minutes(1) }),
    ].map((m) => summary(stack, m))).toEqual([
      'AWS/KafkaConnect MemoryUtilization Average 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect ErroredTaskCount Maximum 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect RunningTaskCount Average 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect WorkerCount Minimum 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect CpuUtilization Average 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect SinkRecordReadRate Average 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect SinkRecordSendRate Average 300 {"ConnectorName":"orders-sink"}',
      'AWS/KafkaConnect CpuUtilization Maximum 60 {"ConnectorName":"orders-sink"}',
    ]);
  });

  test('grants to the connector land in its least-privilege managed policy (no inline policy), which the connector waits for', () => {
    const { stack, cluster, connector: c, template } = connector();
    expect(stack.resolve(c.grantPrincipal.policyFragment.principalJson)).toEqual(stack.resolve(c.role.policyFragment.principalJson));
    cluster.grantConsume(c, ['payments'], ['billing']);
    const t = template();
    const statements = policyStatements(t, 'Least-privilege permissions of MSK Connect connector orders-sink');
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      Resource: stack.resolve(cluster.topicArn('payments')),
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      Resource: stack.resolve(cluster.groupArn('billing')),
    });
    const roleId = stack.getLogicalId(c.role.node.defaultChild as iam.CfnRole);
    expect(Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))).toEqual([]);
    const policyId = stack.getLogicalId(c.leastPrivilegeRole!.policy.node.defaultChild as iam.CfnManagedPolicy);
    expect(Object.values(t.findResources('AWS::KafkaConnect::Connector'))[0].DependsOn).toContain(policyId);
  });

  test('grants to the connector\'s role object itself also land in the managed policy the connector waits for', () => {
    const { stack, connector: c, template } = connector();
    const bucket = s3.Bucket.fromBucketName(stack, 'Extra', 'extra-bucket');
    bucket.grantRead(c.role);
    const t = template();
    const statements = policyStatements(t, 'Least-privilege permissions of MSK Connect connector orders-sink');
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] }));
    expect(t.findResources('AWS::IAM::Policy')).toEqual({});
    const policyId = stack.getLogicalId(c.leastPrivilegeRole!.policy.node.defaultChild as iam.CfnManagedPolicy);
    expect(Object.values(t.findResources('AWS::KafkaConnect::Connector'))[0].DependsOn).toContain(policyId);
  });

  test('grants to a connector with another given role land on that role, which the connector waits for', () => {
    const base = pipelineBase();
    const role = new iam.Role(base.stack, 'Mine', { assumedBy: new iam.ServicePrincipal('kafkaconnect.amazonaws.com') });
    const { stack, cluster, connector: c, template } = connector({ role, permissions: undefined }, base);
    expect(c.grantPrincipal).toBe(role);
    cluster.grantConsume(c, ['orders'], ['billing']);
    const t = template();
    const [policyId, policy] = Object.entries(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] } }))[0];
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: stack.resolve(cluster.topicArn('orders')),
    });
    expect(Object.values(t.findResources('AWS::KafkaConnect::Connector'))[0].DependsOn).toContain(policyId);
  });

  test('grants to a LeastPrivilegeConnectorRole land in its managed policy too', () => {
    const { stack, cluster } = pipelineBase();
    const role = new LeastPrivilegeConnectorRole(stack, 'Shared', { cluster, connectorName: 'orders-sink' });
    cluster.grantProduce(role, ['audit']);
    const t = Template.fromStack(stack);
    expect(policyStatements(t, 'Least-privilege permissions of MSK Connect connector orders-sink')).toContainEqual({
      Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: stack.resolve(cluster.topicArn('audit')),
    });
    const roleId = stack.getLogicalId(role.role.node.defaultChild as iam.CfnRole);
    expect(Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))).toEqual([]);
  });

  test('fromConnectorAttributes: the name from the ARN, metrics, connections and grants to the given role', () => {
    const { stack, cluster } = pipelineBase();
    const arn = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders-sink/0a1b2c3d-1111-2222-3333-444455556666-2';
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0a1b2c3d4e5f60718');
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111122223333:role/orders-sink-execution');
    const imported = MskConnector.fromConnectorAttributes(stack, 'Imported', { connectorArn: arn, securityGroups: [sg], role });
    expect(imported.connectorArn).toBe(arn);
    expect(imported.connectorName).toBe('orders-sink');
    expect(summary(stack, imported.metricErroredTaskCount())).toBe('AWS/KafkaConnect ErroredTaskCount Maximum 300 {"ConnectorName":"orders-sink"}');
    expect(imported.connections.securityGroups).toEqual([sg]);
    expect(imported.grantPrincipal).toBe(role);
    cluster.grantConnect(imported);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['orders-sink-execution'],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: stack.resolve(cluster.clusterArn) }] },
    });
  });

  test('an imported connector without a role: grants add nothing and warn (aws-cdk\'s UnknownPrincipal); a token ARN names it at deploy time', () => {
    const { stack, cluster } = pipelineBase();
    const imported = MskConnector.fromConnectorAttributes(stack, 'Imported', {
      connectorArn: 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders-sink/0a1b2c3d-2',
    });
    expect(imported.grantPrincipal).toBeInstanceOf(iam.UnknownPrincipal);
    cluster.grantConnect(imported);
    Annotations.fromStack(stack).hasWarning('/S/Imported', Match.stringLikeRegexp("Add statement to this resource's role"));

    const tokenArn = Fn.importValue('ConnectorArn');
    const fromToken = MskConnector.fromConnectorAttributes(stack, 'FromToken', { connectorArn: tokenArn });
    expect(stack.resolve(fromToken.connectorName)).toEqual({ 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::ImportValue': 'ConnectorArn' }] }] });
  });

  test('an imported worker configuration that declares the config provider lets a connector use ${secretsmanager:...}', () => {
    const base = pipelineBase();
    const arn = 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/shared-workers/0a1b2c3d-1111-2222-3333-444455556666-3';
    const workerConfiguration = WorkerConfiguration.fromWorkerConfigurationAttributes(base.stack, 'Workers', {
      workerConfigurationArn: arn, revision: 2, secretsManagerConfigProvider: true,
    });
    const { template } = connector({
      workerConfiguration,
      connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'orders', 'password': '${secretsmanager:orders/db:password}' },
    }, base);
    template().hasResourceProperties('AWS::KafkaConnect::Connector', { WorkerConfiguration: { WorkerConfigurationArn: arn, Revision: 2 } });
  });

  test('fails on an ARN that is not an MSK Connect connector, and on a name that is not the ARN\'s', () => {
    const { stack } = pipelineBase();
    const arn = 'arn:aws:kafkaconnect:eu-west-1:111122223333:connector/orders-sink/0a1b2c3d-2';
    expect(() => MskConnector.fromConnectorAttributes(stack, 'A', { connectorArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/uuid-1' }))
      .toThrow("`connectorArn` must be an MSK Connect connector ARN (arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<uuid>), got 'arn:aws:kafka:eu-west-1:111122223333:cluster/prod/uuid-1'");
    expect(() => MskConnector.fromConnectorAttributes(stack, 'B', { connectorArn: 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/w/uuid-1' }))
      .toThrow("`connectorArn` must be an MSK Connect connector ARN (arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<uuid>), got 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/w/uuid-1'");
    expect(() => MskConnector.fromConnectorAttributes(stack, 'C', { connectorArn: 'orders-sink' }))
      .toThrow("`connectorArn` must be an MSK Connect connector ARN (arn:<partition>:kafkaconnect:<region>:<account>:connector/<name>/<uuid>), got 'orders-sink'");
    expect(() => MskConnector.fromConnectorAttributes(stack, 'D', { connectorArn: arn, connectorName: 'payments-sink' }))
      .toThrow("`connectorName` must be the name in `connectorArn` ('orders-sink'), got 'payments-sink'");
  });
});

describe('bad input', () => {
  test('fails on public subnets', () => {
    const base = pipelineBase();
    expect(() => connector({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, base))
      .toThrow('`vpcSubnets` must select private subnets only: MSK Connect workers must not sit in public subnets');
  });

  test('fails on a cluster without IAM authentication', () => {
    const base = pipelineBase();
    const scramOnly = new MskCluster(base.stack, 'Scram', { vpc: base.network.vpc, vpcSubnets: base.network.privateSubnetSelection, clientAuthentication: { iam: false, scram: true } });
    expect(() => connector({ cluster: scramOnly }, base)).toThrow("`cluster` 'S/Scram' does not accept IAM authentication");
  });

  test('fails on a literal password', () => {
    expect(() => connector({ connectorConfiguration: { 'connector.class': 'x', 'database.password': 'hunter2' } }))
      .toThrow("`connectorConfiguration` 'database.password' must be a config-provider reference such as '${secretsmanager:<secret-name>:<key>}', not a literal value");
  });

  test('fails on a literal JAAS config', () => {
    expect(() => connector({ connectorConfiguration: { 'connector.class': 'x', 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";' } }))
      .toThrow("`connectorConfiguration` 'sasl.jaas.config' must be a config-provider reference");
  });

  test('fails when secrets are referenced without the config provider', () => {
    expect(() => connector({ connectorConfiguration: { 'connector.class': 'x', 'password': '${secretsmanager:ch:password}' } }))
      .toThrow('`connectorConfiguration` references ${secretsmanager:...}, so `workerConfiguration` must declare the Secrets Manager config provider');
  });

  test('fails without connector.class', () => {
    expect(() => connector({ connectorConfiguration: { topics: 'orders' } })).toThrow("`connectorConfiguration` must set 'connector.class'");
  });

  test('fails on an invalid connector name', () => {
    expect(() => connector({ connectorName: 'orders_sink' })).toThrow("`connectorName` must be 1-100 letters, digits and hyphens, got 'orders_sink'");
  });

  test('fails on a topic name Kafka would reject', () => {
    expect(() => connector({ permissions: { readTopics: ['orders/eu'] } }))
      .toThrow("`topicName` must be a name of letters, digits, '.', '_' and '-', optionally ending in '*' (and not '*' alone), got 'orders/eu'");
  });

  test('fails on an empty topic list', () => {
    expect(() => connector({ permissions: { readTopics: [] } })).toThrow('`readTopics` must not be empty, got []');
  });

  test('fails on a connector that reads topics with a built role that may read none', () => {
    expect(() => connector({ permissions: undefined }))
      .toThrow("`permissions` must be given when `connectorConfiguration` reads topics ('topics=orders'): without it the connector's role may read none of them and the connector would move no data; give `permissions.readTopics`");
    expect(() => connector({ permissions: undefined, connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics.regex': 'orders-.*' } }))
      .toThrow("`permissions` must be given when `connectorConfiguration` reads topics ('topics.regex=orders-.*')");
    // A source connector reads no topics: no read permission needed.
    expect(() => connector({ permissions: undefined, connectorConfiguration: { 'connector.class': 'com.example.Source' } })).not.toThrow();
  });
  test('checks the worker log delivery like the broker one', () => {
    expect(() => connector({ logging: { cloudWatch: false } }))
      .toThrow('`logging` turns CloudWatch off and gives no `s3Bucket` or `firehoseDeliveryStreamName`, so the logs would go nowhere');
    expect(() => connector({ logging: { logRetention: 45 as any } })).toThrow('`logging.logRetention` must be a logs.RetentionDays value (one of');
    expect(() => connector({ logging: { firehoseDeliveryStreamName: 'worker logs' } }))
      .toThrow("`logging.firehoseDeliveryStreamName` must be a Firehose delivery stream name (1-64 letters, digits, '_', '.', '-'), got 'worker logs'");
  });
  test('fails when both role and permissions are given', () => {
    const base = pipelineBase();
    const role = new iam.Role(base.stack, 'Mine', { assumedBy: new iam.ServicePrincipal('kafkaconnect.amazonaws.com') });
    expect(() => connector({ role }, base)).toThrow("`permissions` builds the connector's role; it cannot be combined with `role`, got both");
  });

  test('fails on a malformed checksum', () => {
    expect(() => PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: 'abc' })).toThrow("`sha256` must be a SHA-256 checksum of 64 hex digits, got 'abc'");
  });

  test('fails on a non-https URL', () => {
    expect(() => PluginSource.fromUrl({ url: 'http://example.com/a.zip', sha256: EXAMPLE_SHA256 })).toThrow("`url` must be an https:// URL of a release artifact, got 'http://example.com/a.zip'");
  });

  test('fails on a malformed extra artifact', () => {
    expect(() => PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256, extraArtifacts: [{ url: 'ftp://x/y.jar', sha256: EXAMPLE_SHA256 }] }))
      .toThrow("`extraArtifacts[0].url` must be an https:// URL of a release artifact, got 'ftp://x/y.jar'");
  });
});

describe('bad input: consistency and values passed through (#14)', () => {
  const config = (extra: { [key: string]: string }) => ({ connectorConfiguration: { 'connector.class': 'com.example.Sink', ...extra } });

  test('fails on a tasks.max that is not a whole number of at least 1', () => {
    expect(() => connector(config({ 'tasks.max': '0', 'topics': 'orders' }))).toThrow("`connectorConfiguration` 'tasks.max' must be a whole number of at least 1, got '0'");
  });
  test('fails on an errors.tolerance Kafka Connect does not know', () => {
    expect(() => connector(config({ 'errors.tolerance': 'ALL', 'topics': 'orders' }))).toThrow("`connectorConfiguration` 'errors.tolerance' must be 'none' or 'all', got 'ALL'");
  });
  test('fails on workers in another VPC than the cluster\'s (the broker rules could not name their security group)', () => {
    const base = pipelineBase();
    const other = new PrivateSubnetWithNat(base.stack, 'Other', { vpcCidr: '10.1.0.0/16', flowLogs: false });
    expect(() => connector({ vpc: other.vpc, vpcSubnets: other.privateSubnetSelection }, base))
      .toThrow("`vpc` S/Other/Vpc is not the VPC of `cluster` 'S/Cluster', S/Net/Vpc: the workers reach the brokers through security-group rules, which this library writes within one VPC; give the cluster's VPC");
    const again = pipelineBase();
    const imported = ec2.Vpc.fromVpcAttributes(again.stack, 'Imported', { vpcId: 'vpc-0abc', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] });
    expect(() => connector({ vpc: imported, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }, again))
      .toThrow("`vpc` S/Imported (vpc-0abc) is not the VPC of `cluster` 'S/Cluster', S/Net/Vpc");
  });
  test('fails on subnets of another VPC than `vpc`', () => {
    const base = pipelineBase();
    const other = new PrivateSubnetWithNat(base.stack, 'Other', { vpcCidr: '10.1.0.0/16', flowLogs: false });
    expect(() => connector({ vpcSubnets: { subnets: other.privateSubnets } }, base))
      .toThrow("`vpcSubnets` must select subnets of `vpc` S/Net/Vpc, got 'S/Other/Vpc/PrivateSubnet1'");
  });
  test('fails on values Kafka Connect refuses at the first start: topic names, untyped transforms, converter classes, DLQ replication', () => {
    expect(() => connector({ ...config({ topics: 'orders,returns/eu' }), permissions: { readTopics: ['orders', 'returns/eu'] } }))
      .toThrow("`connectorConfiguration` 'topics' entry 'returns/eu' must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got 'returns/eu'");
    expect(() => connector(config({ 'transforms': 'route, flatten', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter' })))
      .toThrow("`connectorConfiguration` 'transforms' names 'flatten', but 'transforms.flatten.type' is not set: Kafka Connect needs the class of every transform it lists");
    expect(() => connector(config({ 'transforms': 'route', 'transforms.route.type': 'RegexRouter' })))
      .toThrow("`connectorConfiguration` 'transforms.route.type' must be a fully qualified Java class name such as 'org.apache.kafka.connect.storage.StringConverter', got 'RegexRouter'");
    expect(() => connector(config({ 'value.converter': 'json' })))
      .toThrow("`connectorConfiguration` 'value.converter' must be a fully qualified Java class name");
    expect(() => connector(config({ 'errors.deadletterqueue.topic.name': 'orders dlq' })))
      .toThrow("`connectorConfiguration` 'errors.deadletterqueue.topic.name' must be a Kafka topic name");
    // The example cluster has 3 brokers.
    expect(() => connector(config({ 'errors.deadletterqueue.topic.name': 'orders-dlq', 'errors.deadletterqueue.topic.replication.factor': '5' })))
      .toThrow("`connectorConfiguration` 'errors.deadletterqueue.topic.replication.factor' must be -1 (the broker default) or 1 to the cluster's 3 brokers, got '5'");
    expect(() => connector(config({ 'transforms': 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'errors.deadletterqueue.topic.replication.factor': '-1' }))).not.toThrow();
  });
  test('a MirrorMaker 2 source reads `topics` as regexes of the source cluster: no topic-name check, no read permission needed', () => {
    expect(() => connector({ permissions: undefined, connectorConfiguration: { 'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector', 'topics': 'orders.*, .*-events' } }))
      .not.toThrow();
  });
  test('fails on both topics and topics.regex', () => {
    expect(() => connector(config({ 'topics': 'orders', 'topics.regex': 'orders.*' })))
      .toThrow("`connectorConfiguration` must set one of 'topics' and 'topics.regex', got both ('orders' and 'orders.*')");
  });
  test('fails on a topic listed twice', () => {
    expect(() => connector({ ...config({ topics: 'orders,returns, orders' }), permissions: { readTopics: ['orders', 'returns'] } }))
      .toThrow("`connectorConfiguration` 'topics' must not name the same entry twice, got 'orders' twice");
  });
  test('fails on a topics.regex that does not compile', () => {
    expect(() => connector(config({ 'topics.regex': 'orders-(' }))).toThrow("`connectorConfiguration` 'topics.regex' must be a valid regular expression, got 'orders-('");
  });
  test('fails on an empty topics.regex (it would read no topic)', () => {
    expect(() => connector({ ...config({ 'topics.regex': '' }), permissions: { readTopics: ['orders-*'] } }))
      .toThrow("`connectorConfiguration` 'topics.regex' must not be empty (it would match no topic), got ''");
  });
  test('fails on a topics.regex Java would not compile', () => {
    expect(() => connector({ ...config({ 'topics.regex': 'orders-{eu}' }), permissions: { readTopics: ['orders-*'] } }))
      .toThrow("`connectorConfiguration` 'topics.regex' has a '{' that is not a quantifier (write '\\{'), which Java's regex engine (which Kafka Connect uses) rejects, got 'orders-{eu}'");
  });
  test('fails on an unbounded look-behind', () => {
    expect(() => connector({ ...config({ 'topics.regex': 'orders-(?<!test.*)eu' }), permissions: { readTopics: ['orders-*'] } }))
      .toThrow("`connectorConfiguration` 'topics.regex' has a look-behind without a maximum length, which Java's regex engine (which Kafka Connect uses) rejects, got 'orders-(?<!test.*)eu'");
  });
  test('fails on a group name Java would not take', () => {
    expect(() => connector({ ...config({ 'topics.regex': 'orders-(?<eu_west>eu)' }), permissions: { readTopics: ['orders-*'] } }))
      .toThrow("`connectorConfiguration` 'topics.regex' has a group name 'eu_west' that is not ASCII letters and digits starting with a letter, which Java's regex engine (which Kafka Connect uses) rejects, got 'orders-(?<eu_west>eu)'");
    expect(() => connector({ ...config({ 'topics.regex': 'orders-(?<euWest1>eu)' }), permissions: { readTopics: ['orders-*'] } })).not.toThrow();
  });
  test('fails on a dead letter queue among the topics read', () => {
    expect(() => connector(config({ 'topics': 'orders', 'errors.deadletterqueue.topic.name': 'orders' })))
      .toThrow("`connectorConfiguration` 'errors.deadletterqueue.topic.name' 'orders' is among the topics the connector reads ('topics' 'orders'): Kafka Connect refuses a sink that reads its own dead letter queue");
  });
  test('fails on a dead letter queue matched by topics.regex', () => {
    expect(() => connector({ ...config({ 'topics.regex': 'orders.*', 'errors.deadletterqueue.topic.name': 'orders-dlq' }), permissions: { readTopics: ['orders*'] } }))
      .toThrow("`connectorConfiguration` 'errors.deadletterqueue.topic.name' 'orders-dlq' is among the topics the connector reads ('topics.regex' 'orders.*')");
  });
  test('fails when the permissions do not allow reading a topic the connector reads', () => {
    expect(() => connector({ ...config({ topics: 'orders,returns' }), permissions: { readTopics: ['orders'] } }))
      .toThrow("`permissions.readTopics` ['orders'] does not allow reading ['returns'] from 'topics': the connector would start and move no data from them (TopicAuthorizationException)");
  });
  test('fails when the permissions do not cover topics.regex', () => {
    expect(() => connector({ ...config({ 'topics.regex': 'events-.*' }), permissions: { readTopics: ['orders-*'] } }))
      .toThrow("`permissions.readTopics` ['orders-*'] does not cover every topic 'topics.regex' 'events-.*' can match (e.g. ones starting 'events-')");
  });
  test('fails when a LeastPrivilegeConnectorRole given as role does not allow reading the topics', () => {
    const base = pipelineBase();
    const mine = new LeastPrivilegeConnectorRole(base.stack, 'Mine', { cluster: base.cluster, connectorName: 'orders-sink', readTopics: ['payments'] });
    expect(() => connector({ permissions: undefined, role: mine.role }, base))
      .toThrow("`role` ('S/Mine') `readTopics` ['payments'] does not allow reading ['orders'] from 'topics'");
  });
  test('fails on a LeastPrivilegeConnectorRole made for another connector', () => {
    const base = pipelineBase();
    const theirs = new LeastPrivilegeConnectorRole(base.stack, 'Theirs', { cluster: base.cluster, connectorName: 'payments-sink', readTopics: ['orders'] });
    expect(() => connector({ permissions: undefined, role: theirs.role }, base))
      .toThrow("`role` ('S/Theirs') is the role of connector 'payments-sink', not of `connectorName` 'orders-sink'");
  });
  test('a role read pattern covers the topics and the regex alternatives it prefixes', () => {
    expect(() => connector({ ...config({ 'topics.regex': '(orders-eu|orders-us)\\..+' }), permissions: { readTopics: ['orders-*'] } })).not.toThrow();
  });
  test('fails on two connectors with one name in one account and region', () => {
    const base = pipelineBase();
    connector({}, base);
    expect(() => new MskConnector(base.stack, 'Again', {
      cluster: base.cluster,
      vpc: base.network.vpc,
      vpcSubnets: base.network.privateSubnetSelection,
      connectorName: 'orders-sink',
      plugin: base.plugin,
      connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'orders' },
      permissions: { readTopics: ['orders'] },
    })).toThrow("`connectorName` 'orders-sink' is already used by 'S/Connector' in the same account and region: MSK Connect connector names are unique per account and region");
  });
  test('the same name in two regions passes, and twice in one region fails across stacks', () => {
    const app = testApp();
    const inStack = (id: string, region: string) => {
      const stack = new Stack(app, id, { env: { account: '111111111111', region } });
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
      const plugin = new ConnectorPlugin(stack, 'Plugin', { source: PluginSource.fromUrl({ url: 'https://example.com/c.zip', sha256: EXAMPLE_SHA256 }) });
      return new MskConnector(stack, 'Connector', {
        cluster,
        vpc: network.vpc,
        vpcSubnets: network.privateSubnetSelection,
        connectorName: 'orders-sink',
        plugin,
        connectorConfiguration: { 'connector.class': 'com.example.Sink', 'topics': 'orders' },
        permissions: { readTopics: ['orders'] },
      });
    };
    inStack('Eu', 'eu-west-1');
    inStack('Us', 'us-east-1');
    expect(() => inStack('Eu2', 'eu-west-1')).toThrow("`connectorName` 'orders-sink' is already used by 'Eu/Connector' in the same account and region");
  });
  test('fails on a password inside a connection string', () => {
    expect(() => connector(config({ 'topics': 'orders', 'connection.url': 'jdbc:postgresql://db:5432/app?user=app&password=hunter2' })))
      .toThrow("`connectorConfiguration` 'connection.url' must not carry credentials (found 'user='): it is stored in plain text in the template and the connector");
  });
  test('fails on a URL with credentials in the configuration', () => {
    expect(() => connector(config({ 'topics': 'orders', 'value.converter.schema.registry.url': 'https://key:secret@registry.example.com' })))
      .toThrow("`connectorConfiguration` 'value.converter.schema.registry.url' must not carry credentials ('user:password@' in a URL)");
  });
  test('fails on a Kafka Connect version MSK Connect cannot parse', () => {
    expect(() => KafkaConnectVersion.of('3.7', 17)).toThrow("`version` must be a Kafka Connect version such as '3.7.x' or '2.7.1', got '3.7'");
  });
  test('fails on a description longer than CloudFormation takes', () => {
    expect(() => connector({ description: 'd'.repeat(1025) })).toThrow('`description` must be at most 1024 characters, got 1025');
  });
});
