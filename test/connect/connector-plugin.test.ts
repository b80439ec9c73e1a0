import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ConnectorPlugin, PluginSource, PluginStore, PrivateSubnetWithNat } from '../../lib';
import { testApp } from '../support/compliance';
import { EXAMPLE_SHA256 } from '../support/fixtures';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'example-connector.zip');

describe('ConnectorPlugin', () => {
  test('fromUrl: a custom resource fetches and verifies the artifact before the custom plugin is created', () => {
    const stack = new Stack(testApp(), 'S');
    const plugin = new ConnectorPlugin(stack, 'Debezium', {
      source: PluginSource.fromUrl({
        url: 'https://repo1.maven.org/maven2/io/debezium/debezium-connector-mysql/2.7.4.Final/debezium-connector-mysql-2.7.4.Final-plugin.tar.gz',
        sha256: EXAMPLE_SHA256,
        extraArtifacts: [{ url: 'https://example.com/msk-config-providers-0.3.1-with-dependencies.jar', sha256: 'B'.repeat(64) }],
      }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::ConnectorPluginArtifact', {
      Bucket: { Ref: Match.stringLikeRegexp('ConnectorPluginStoreBucket') },
      KeyPrefix: 'plugins/',
      Sources: [
        { Url: Match.stringLikeRegexp('debezium-connector-mysql'), Sha256: EXAMPLE_SHA256 },
        { Url: Match.stringLikeRegexp('msk-config-providers'), Sha256: 'b'.repeat(64) },
      ],
    });
    t.hasResourceProperties('AWS::KafkaConnect::CustomPlugin', {
      ContentType: 'ZIP',
      Name: stack.resolve(plugin.pluginName),
      Location: {
        S3Location: {
          BucketArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ConnectorPluginStoreBucket'), 'Arn'] },
          FileKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('DebeziumArtifact'), 'Key'] },
          ObjectVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('DebeziumArtifact'), 'VersionId'] },
        },
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Timeout: 600, Handler: 'index.handler' });
  });

  test('the plugin bucket is KMS-encrypted, versioned, SSL-only, private, ACL-free and access-logged', () => {
    const stack = new Stack(testApp(), 'S');
    new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 }) });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('ConnectorPluginStoreAccessLogs') }, LogFilePrefix: 'plugin-bucket/' },
      },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('ConnectorPluginStoreBucket') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  test('the handler may only put plugins under plugins/, with the bucket key, and write its own logs', () => {
    const stack = new Stack(testApp(), 'S');
    new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 }) });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('plugin bucket') } }))[0];
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).toEqual([
      's3:PutObject', ['kms:GenerateDataKey', 'kms:Encrypt'], ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    expect(JSON.stringify(policy.Properties.PolicyDocument.Statement[0].Resource)).toContain('/plugins/*');
  });

  test('one store per stack, shared by every fetched plugin', () => {
    const stack = new Stack(testApp(), 'S');
    new ConnectorPlugin(stack, 'A', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 }) });
    new ConnectorPlugin(stack, 'B', { source: PluginSource.fromUrl({ url: 'https://example.com/b.zip', sha256: 'c'.repeat(64) }) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.resourceCountIs('Custom::ConnectorPluginArtifact', 2);
  });

  test('fromS3Object pins the object version', () => {
    const stack = new Stack(testApp(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'my-plugins');
    new ConnectorPlugin(stack, 'P', { source: PluginSource.fromS3Object(bucket, 'plugins/sink.jar', 'v123') });
    Template.fromStack(stack).hasResourceProperties('AWS::KafkaConnect::CustomPlugin', {
      ContentType: 'JAR',
      Location: { S3Location: { BucketArn: Match.anyValue(), FileKey: 'plugins/sink.jar', ObjectVersion: 'v123' } },
    });
  });

  test('fromAsset uploads a local file as an asset keyed by its content hash', () => {
    const stack = new Stack(testApp(), 'S');
    new ConnectorPlugin(stack, 'P', { source: PluginSource.fromAsset(FIXTURE) });
    Template.fromStack(stack).hasResourceProperties('AWS::KafkaConnect::CustomPlugin', {
      ContentType: 'ZIP',
      Location: { S3Location: { FileKey: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') } },
    });
  });

  test('a new checksum gives the plugin a new name (custom plugins are replaced on any change)', () => {
    const a = new ConnectorPlugin(new Stack(testApp(), 'S'), 'P', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 }) });
    const b = new ConnectorPlugin(new Stack(testApp(), 'S'), 'P', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: 'd'.repeat(64) }) });
    expect(Stack.of(a).resolve(a.pluginName)).not.toBe(Stack.of(b).resolve(b.pluginName));
    expect(Stack.of(a).resolve(a.pluginName)).toMatch(/^S-P-[0-9A-F]{8}-[0-9a-f]{8}$/);
  });

  describe('bad input', () => {
    test('fails on an S3 key that is not a .zip or .jar', () => {
      const stack = new Stack(testApp(), 'S');
      expect(() => PluginSource.fromS3Object(s3.Bucket.fromBucketName(stack, 'B', 'my-plugins'), 'plugin.tar.gz'))
        .toThrow("`key` must name a .zip or .jar object (MSK Connect takes no other format), got 'plugin.tar.gz'");
    });
    test('fails on a missing local file', () => {
      expect(() => PluginSource.fromAsset('/nonexistent/plugin.zip')).toThrow("`file` must be an existing file, got '/nonexistent/plugin.zip'");
    });
    test('fails on an invalid name prefix', () => {
      expect(() => new ConnectorPlugin(new Stack(testApp(), 'S'), 'P', { namePrefix: 'bad name', source: PluginSource.fromAsset(FIXTURE) }))
        .toThrow("`namePrefix` must be 1-100 letters, digits and hyphens, got 'bad name'");
    });
  });
});

describe('bad input (#14)', () => {
  test('fails on a plugin URL with credentials', () => {
    expect(() => PluginSource.fromUrl({ url: 'https://ci:s3cr3t@artifacts.example.com/a.zip', sha256: EXAMPLE_SHA256 }))
      .toThrow("`url` must not carry credentials ('user:password@'): the URL is stored in plain text in the template, got 'https://***@artifacts.example.com/a.zip'");
  });
  test('fails on an extra artifact URL with credentials', () => {
    expect(() => PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256, extraArtifacts: [{ url: 'https://u:p@example.com/b.jar', sha256: EXAMPLE_SHA256 }] }))
      .toThrow("`extraArtifacts[0].url` must not carry credentials ('user:password@')");
  });
  test('fails on an S3 key with a leading slash', () => {
    const stack = new Stack(testApp(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'plugins');
    expect(() => PluginSource.fromS3Object(bucket, '/plugins/connector.zip')).toThrow("`key` must be an S3 object key without a leading '/', got '/plugins/connector.zip'");
  });
  test('fails on an s3:// URL given as the key', () => {
    const stack = new Stack(testApp(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'plugins');
    expect(() => PluginSource.fromS3Object(bucket, 's3://plugins/connector.zip')).toThrow("`key` must be an object key, not an s3:// URL (the bucket is given apart), got 's3://plugins/connector.zip'");
  });
  test('fails on an S3 key longer than S3 allows', () => {
    const stack = new Stack(testApp(), 'S');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'plugins');
    expect(() => PluginSource.fromS3Object(bucket, `${'k'.repeat(1100)}.zip`)).toThrow('`key` must be at most 1024 bytes (the S3 object key limit), got 1104');
  });
  test('fromAttributes fails on an ARN that is not a custom plugin\'s, or a revision MSK Connect never gives', () => {
    const stack = new Stack(testApp(), 'S');
    const arn = 'arn:aws:kafkaconnect:eu-west-1:111111111111:custom-plugin/clickhouse/0a1b2c3d-4e5f-6789-abcd-ef0123456789-3';
    expect(() => ConnectorPlugin.fromConnectorPluginAttributes(stack, 'A', { customPluginArn: 'arn:aws:kafkaconnect:eu-west-1:111111111111:worker-configuration/w/1', revision: 1 }))
      .toThrow("`customPluginArn` must be an MSK Connect custom plugin ARN (arn:<partition>:kafkaconnect:<region>:<account>:custom-plugin/<name>/<uuid>), got 'arn:aws:kafkaconnect:eu-west-1:111111111111:worker-configuration/w/1'");
    expect(() => ConnectorPlugin.fromConnectorPluginAttributes(stack, 'B', { customPluginArn: 'clickhouse', revision: 1 })).toThrow('`customPluginArn` must be an MSK Connect custom plugin ARN');
    expect(() => ConnectorPlugin.fromConnectorPluginAttributes(stack, 'C', { customPluginArn: arn, revision: 0 })).toThrow('`revision` must be a whole number of at least 1, got 0');
    expect(ConnectorPlugin.fromConnectorPluginAttributes(stack, 'D', { customPluginArn: arn, revision: 3 }).revision).toBe(3);
    // The deprecated positional form is the same import.
    const old = ConnectorPlugin.fromAttributes(stack, 'E', arn, 2);
    expect([old.customPluginArn, old.revision]).toEqual([arn, 2]);
    expect(() => ConnectorPlugin.fromAttributes(stack, 'F', arn, 0)).toThrow('`revision` must be a whole number of at least 1, got 0');
  });
  test('fails on a description longer than CloudFormation takes', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 }), description: 'd'.repeat(1100) }))
      .toThrow('`description` must be at most 1024 characters, got 1100');
  });

  describe('fetch handler placement', () => {
    const url = { url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 };

    test('with `vpc`, the handler runs in the private subnets with its own HTTPS-only security group and scoped ENI permissions', () => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl(url), vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
      const t = Template.fromStack(stack);
      const sgs = t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('plugin fetch handler') } });
      const [sgId] = Object.keys(sgs);
      expect(sgs[sgId].Properties.SecurityGroupEgress).toEqual([{
        CidrIp: '0.0.0.0/0',
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'HTTPS through the NAT gateway: release artifacts, the plugin bucket (S3) and the CloudFormation response URL',
      }]);
      const fns = t.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('plugin artifacts') } });
      const fn = Object.values(fns)[0];
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
      const subnetRefs = network.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) }));
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(subnetRefs);
      // No AWS managed policy (AWSLambdaVPCAccessExecutionRole): the customer-managed policy carries the ENI actions.
      t.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('Fetches pinned'), ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
      t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: Match.stringLikeRegexp('ConnectorPluginStoreHandlerRole') }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ec2:CreateNetworkInterface' })]) },
      });
      // In the VPC there is nothing to acknowledge about VPC placement.
      expect(JSON.stringify(fn.Metadata)).not.toContain('LambdaInsideVPC');
      expect(PluginStore.of(stack).securityGroup).toBeDefined();
    });

    test('without `vpc`, the handler stays outside any VPC and says why', () => {
      const stack = new Stack(testApp(), 'S');
      new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl(url) });
      const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
      expect(fn.Properties.VpcConfig).toBeUndefined();
      expect(fn.Metadata.acknowledged_rules).toContainEqual({
        id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason: 'The plugin was created without a `vpc`, so no VPC of the stack is known to this handler; it runs only during deployments, downloads public release artifacts over HTTPS, refuses any whose SHA-256 differs from the checksum the stack gives, writes to S3, and reaches nothing inside a VPC.',
      });
    });

    test('a later plugin with `vpc` reuses a handler created outside any VPC, with a warning (the order of constructs does not decide validity)', () => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      new ConnectorPlugin(stack, 'A', { source: PluginSource.fromUrl(url) });
      expect(() => new ConnectorPlugin(stack, 'B', { source: PluginSource.fromUrl({ ...url, sha256: 'b'.repeat(64) }), vpc: network.vpc })).not.toThrow();
      Annotations.fromStack(stack).hasWarning('/S/B', Match.stringLikeRegexp("^`vpc` 'S/Net/Vpc' of 'S/B' does not place the fetch handler: the stack's plugin store 'S/ConnectorPluginStore' was created first, with its handler outside any VPC"));
      expect(Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties.VpcConfig).toBeUndefined();
    });

    test('a later plugin without `vpc` uses the handler already in the VPC', () => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      new ConnectorPlugin(stack, 'A', { source: PluginSource.fromUrl(url), vpc: network.vpc });
      new ConnectorPlugin(stack, 'B', { source: PluginSource.fromUrl({ ...url, sha256: 'b'.repeat(64) }) });
      Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2); // the fetch handler + CDK's default-SG handler
    });

    test('`vpc` on a source that fetches nothing, and `vpcSubnets` without `vpc`, are errors', () => {
      const stack = new Stack(testApp(), 'S');
      const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
      expect(() => new ConnectorPlugin(stack, 'A', { source: PluginSource.fromAsset(FIXTURE), vpc: network.vpc }))
        .toThrow("`vpc` 'S/Net/Vpc' is only for a PluginSource.fromUrl source (it places the deploy-time fetch handler); this source fetches nothing, drop `vpc`");
      expect(() => new ConnectorPlugin(stack, 'B', { source: PluginSource.fromUrl(url), vpcSubnets: network.privateSubnetSelection }))
        .toThrow('`vpcSubnets` is set but `vpc` is not, so it would be ignored; give `vpc` too or drop `vpcSubnets`');
    });

    test('public subnets are refused', () => {
      const stack = new Stack(testApp(), 'S');
      const vpc = new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false });
      expect(() => new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl(url), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
        .toThrow("`vpcSubnets` must select private subnets only: a Lambda function gets no public IP, so the fetch handler would reach nothing from a public subnet, got public subnet(s) ['S/Vpc/PublicSubnet1', 'S/Vpc/PublicSubnet2']");
    });

    test('subnets without a NAT route fail synthesis, naming the subnet', () => {
      const app = testApp();
      const stack = new Stack(app, 'S');
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      new ConnectorPlugin(stack, 'P', { source: PluginSource.fromUrl(url), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
      expect(() => app.synth()).toThrow(/the plugin fetch handler needs internet egress \(release artifacts, S3 and the CloudFormation response URL on TCP 443\), but subnet S\/Vpc\/IsolatedSubnet1 has no 0\.0\.0\.0\/0 route to a NAT gateway/);
    });
  });
});
