import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AuroraMySqlCdcSource, AuroraMySqlCdcSourceProps, PrivateSubnetWithNat } from '../../lib';
import { testApp } from '../support/compliance';

function setup(props: Partial<AuroraMySqlCdcSourceProps> = {}) {
  const stack = new Stack(testApp(), 'S');
  const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
  const source = new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, ...props });
  return { stack, network, source, template: Template.fromStack(stack) };
}

describe('AuroraMySqlCdcSource', () => {
  const { template, source, stack } = setup();

  test('the cluster\'s own security group allows no egress: the cluster opens no connection for anything turned on here', () => {
    const groups = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Aurora MySQL CDC source') } });
    const [id] = Object.keys(groups);
    expect(groups[id].Properties.GroupDescription).toBe('Aurora MySQL CDC source S/Source: ingress from its declared clients on the DB port; no egress');
    // aws-cdk-lib's placeholder for "no egress rule" (an ICMP rule to a broadcast address that matches nothing).
    expect(groups[id].Properties.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]);
    template.hasResourceProperties('AWS::RDS::DBCluster', { VpcSecurityGroupIds: [{ 'Fn::GetAtt': [id, 'GroupId'] }] });
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: { 'Fn::GetAtt': [id, 'GroupId'] } } }))).toEqual([]);
  });

  test('RDS may assume the enhanced-monitoring role only for DB instances of this account and region (confused deputy)', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Publishes enhanced monitoring of the CDC source to CloudWatch',
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'monitoring.rds.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':db:*']] } },
          },
        }],
      },
    });
  });

  test('the DB cluster parameter group turns on ROW binlogs with full images and requires TLS', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-mysql8.0',
      Parameters: { binlog_format: 'ROW', binlog_row_image: 'FULL', require_secure_transport: 'ON' },
    });
  });

  test('every exported log is filled: audit (connections, DDL, DCL), slow queries, general; the general log can be turned off, and is then not exported', () => {
    const params = Object.values(template.findResources('AWS::RDS::DBClusterParameterGroup'))[0].Properties.Parameters;
    expect(params).toMatchObject({
      server_audit_logging: '1', server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL', slow_query_log: '1', log_output: 'FILE', general_log: '1',
    });
    const quiet = setup({ generalLog: false }).template;
    expect(Object.values(quiet.findResources('AWS::RDS::DBClusterParameterGroup'))[0].Properties.Parameters.general_log).toBeUndefined();
    quiet.hasResourceProperties('AWS::RDS::DBCluster', { EnableCloudwatchLogsExports: ['audit', 'error', 'slowquery'] });
  });

  test('the cluster: CMK storage encryption, deletion protection, IAM auth, no Data API, all logs, 14-day backups, non-default port, no backtrack', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: {
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceKey'), 'Arn'] },
        DeletionProtection: true,
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery'],
        BackupRetentionPeriod: 14,
        Port: 3307,
        MasterUsername: 'cdc_source_admin',
        DBClusterParameterGroupName: { Ref: Match.stringLikeRegexp('ClusterParameters') },
      },
      DeletionPolicy: 'Retain',
    });
    const cluster = Object.values(template.findResources('AWS::RDS::DBCluster'))[0];
    expect(cluster.Properties.BacktrackWindow).toBeUndefined();
    expect(cluster.Properties.EnableHttpEndpoint).toBeUndefined();
  });

  test('instances are private, monitored every minute, patched, with encrypted Performance Insights', () => {
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const i of instances) {
      expect(i.Properties).toMatchObject({
        PubliclyAccessible: false, MonitoringInterval: 60, AutoMinorVersionUpgrade: true, EnablePerformanceInsights: true,
      });
    }
  });

  test('exported logs go to pre-created, encrypted log groups kept a year (no log-retention Lambda)', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => JSON.stringify(g.Properties.LogGroupName ?? ''));
    for (const log of ['audit', 'error', 'general', 'slowquery']) {
      expect(groups.some((g) => g.includes(`/${log}`) && g.includes('/aws/rds/cluster/'))).toBe(true);
    }
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('credentials are generated secrets encrypted with the CMK; the Debezium password never appears', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceKey'), 'Arn'] },
      GenerateSecretString: { SecretStringTemplate: '{"username":"debezium"}', GenerateStringKey: 'password', PasswordLength: 32 },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('"SecretString"');
    expect(source.cdcCredentialsKey).toBe(source.key);
  });

  test('binlog retention and the Debezium user are set at deploy time, by a handler in the VPC connecting to the writer, after the cluster and its network path', () => {
    template.hasResource('Custom::MySqlCdcSetup', {
      Properties: {
        BinlogRetentionHours: '72',
        ClusterArn: Match.anyValue(),
        Hostname: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceCluster'), 'Endpoint.Address'] },
        Port: '3307',
        AdminSecretArn: { Ref: Match.stringLikeRegexp('SourceClusterSecretAttachment') },
        CdcSecretArn: { Ref: Match.stringLikeRegexp('SourceCdcCredentials') },
      },
      DependsOn: Match.arrayWith([
        Match.stringLikeRegexp('SourceCluster'),
        Match.stringLikeRegexp('SourceClusterSecurityGroupfromSSourceSetupSecurityGroup'),
        Match.stringLikeRegexp('SourceSetupSecurityGrouptoSSourceClusterSecurityGroup'),
      ]),
    });
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('two secrets') } }))[0];
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).toEqual([
      'secretsmanager:GetSecretValue', 'kms:Decrypt', 'ec2:CreateNetworkInterface',
      ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/rds-data|AWSLambdaVPCAccessExecutionRole/);
  });

  test('the setup handler runs in the private subnets with its own security group: in to nothing, out to the cluster port and HTTPS only', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', VpcConfig: Match.anyValue() } }));
    expect(fn).toHaveLength(1);
    expect(fn[0].Properties.VpcConfig.SubnetIds).toEqual([1, 2, 3].map((i) => ({ Ref: expect.stringMatching(new RegExp(`^NetVpcPrivateSubnet${i}Subnet`)) })));
    const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('setup handler') } });
    const [sgId, group] = Object.entries(sg)[0];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 3307,
      ToPort: 3307,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceClusterSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceClusterSecurityGroup'), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 3307,
      ToPort: 3307,
      SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
    });
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).filter((r) => JSON.stringify(r.Properties.GroupId).includes(sgId));
    expect(egress).toHaveLength(1);
  });

  test('only the setup handler\'s role may read the master secret', () => {
    const readers = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('SourceClusterSecretAttachment'));
    expect(readers.map(([id]) => id)).toEqual([expect.stringMatching(/^SourceSetupPolicy/)]);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the connection port is the cluster port', () => {
    expect(source.connections.defaultPort?.toString()).toBe('3307');
    expect(stack.resolve(source.hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/SourceCluster/), 'Endpoint.Address'] });
  });

  test('removalPolicy DESTROY reaches the cluster', () => {
    setup({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete' });
  });

  test('the Debezium user reads only the captured databases: defaultDatabaseName by default, or capturedDatabases', () => {
    const setupProps = (t: Template) => Object.values(t.findResources('Custom::MySqlCdcSetup'))[0].Properties;
    expect(setupProps(template).CapturedDatabases).toBeUndefined();
    expect(setupProps(setup({ defaultDatabaseName: 'shop' }).template).CapturedDatabases).toBe('shop');
    expect(setupProps(setup({ defaultDatabaseName: 'shop', capturedDatabases: ['shop', 'billing'] }).template).CapturedDatabases).toBe('shop,billing');
    expect(() => setup({ capturedDatabases: ['shop-db'] })).toThrow("`capturedDatabases` must be MySQL database names (1-64 letters, digits, '_' or '$'), got 'shop-db'");
    expect(() => setup({ capturedDatabases: [] })).toThrow('`capturedDatabases` must not be empty, got []');
  });

  test('the master secret is retained with the cluster (and deleted with it under DESTROY)', () => {
    const secrets = (t: Template) => Object.values(t.findResources('AWS::SecretsManager::Secret')).map((s) => s.DeletionPolicy);
    expect(secrets(template)).toEqual(['Retain', 'Retain']);
    expect(secrets(setup({ removalPolicy: RemovalPolicy.DESTROY }).template)).toEqual(['Delete', 'Delete']);
  });

  describe('rotation', () => {
    test('by default neither secret rotates, and each says why where the reviewer reads it', () => {
      template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
      template.resourceCountIs('AWS::Serverless::Application', 0);
      const reasons = Object.values(template.findResources('AWS::SecretsManager::Secret'))
        .map((r) => r.Metadata.acknowledged_rules.find((a: any) => a.id === 'AwsSolutions-SMG4').reason);
      expect(reasons).toEqual([
        expect.stringContaining("The master password's only reader is the deploy-time setup handler"),
        expect.stringContaining('rotate it by hand with a connector restart, as the README describes'),
      ]);
    });

    describe('masterPasswordRotation', () => {
      const rotating = setup({ masterPasswordRotation: Duration.days(30) });
      const t = rotating.template;

      test('rotates the master secret with the hosted MySQL single-user rotation in the private subnets; the Debezium secret still does not rotate', () => {
        t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
          SecretId: { Ref: Match.stringLikeRegexp('SourceClusterSecretAttachment') },
          RotationRules: { ScheduleExpression: 'rate(30 days)' },
        });
        t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
        const app = Object.values(t.findResources('AWS::Serverless::Application'))[0];
        expect(JSON.stringify(app.Properties.Parameters.vpcSubnetIds)).toMatch(/NetVpcPrivateSubnet1.*NetVpcPrivateSubnet2.*NetVpcPrivateSubnet3/);
        expect(app.Properties.Parameters.kmsKeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SourceKey/), 'Arn'] });
        const cdc = Object.entries(t.findResources('AWS::SecretsManager::Secret')).find(([id]) => id.includes('CdcCredentials'))![1];
        expect(cdc.Metadata.acknowledged_rules.map((a: any) => a.id)).toContain('AwsSolutions-SMG4');
      });

      test('the rotation function\'s security group reaches the cluster on its literal port and HTTPS, nothing else', () => {
        const [sgId, sg] = Object.entries(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('Master password rotation') } }))[0];
        expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
        t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, FromPort: 3307, ToPort: 3307 });
        t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, FromPort: 3307, ToPort: 3307 });
      });
    });
  });

  describe('bad input', () => {
    test('fails on binlog retention beyond 2160 hours', () => {
      expect(() => setup({ binlogRetentionHours: 3000 })).toThrow('`binlogRetentionHours` must be a whole number between 1 and 2160, got 3000');
    });
    test('fails on backups shorter than 7 days', () => {
      expect(() => setup({ backupRetention: Duration.days(3) })).toThrow('`backupRetention` must be a whole number between 7 and 35, got 3');
    });
    test('fails on public subnets', () => {
      expect(() => setup({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow('`vpcSubnets` must select private subnets only');
    });
    test('fails in a region whose RDS CA root the setup handler does not ship', () => {
      const farStack = new Stack(testApp(), 'Far', { env: { region: 'il-central-1', account: '111122223333' } });
      const network = new PrivateSubnetWithNat(farStack, 'Net', { flowLogs: false });
      expect(() => new AuroraMySqlCdcSource(farStack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection }))
        .toThrow(/^the stack's region must be one whose RDS CA root the setup handler ships \(af-south-1, .*us-west-2\), got 'il-central-1'/);
    });
    test('fails on an invalid CDC user name', () => {
      expect(() => setup({ cdcUsername: 'debezium-user' })).toThrow("`cdcUsername` must be 1-32 letters, digits or underscores starting with a letter, got 'debezium-user'");
    });
    test('fails on a CDC user name that is the administrator or an RDS account (the setup would reset its password)', () => {
      const reserved = (name: string) => `\`cdcUsername\` must not be an account of RDS or the cluster's administrator (rdsadmin, rdsrepladmin, rds_superuser_role, cdc_source_admin): the setup would take it over, got '${name}'`;
      expect(() => setup({ cdcUsername: 'cdc_source_admin' })).toThrow(reserved('cdc_source_admin'));
      expect(() => setup({ cdcUsername: 'rdsadmin' })).toThrow(reserved('rdsadmin'));
      expect(() => setup({ cdcUsername: 'RdsReplAdmin' })).toThrow(reserved('RdsReplAdmin'));
    });
    test('fails on a default database name RDS refuses', () => {
      const grammar = (name: string) => `\`defaultDatabaseName\` must be 1-64 letters, digits or underscores starting with a letter (RDS DatabaseName), got '${name}'`;
      expect(() => setup({ defaultDatabaseName: 'shop-db' })).toThrow(grammar('shop-db'));
      expect(() => setup({ defaultDatabaseName: '1shop' })).toThrow(grammar('1shop'));
      expect(() => setup({ defaultDatabaseName: 'a'.repeat(65) })).toThrow(grammar('a'.repeat(65)));
    });
    test('fails on a MySQL system database as the default or a captured database', () => {
      expect(() => setup({ defaultDatabaseName: 'mysql' }))
        .toThrow("`defaultDatabaseName` must not name a MySQL system database (mysql, sys, information_schema, performance_schema): the cluster already has it and Debezium does not capture it, got 'mysql'");
      expect(() => setup({ capturedDatabases: ['shop', 'Performance_Schema'] }))
        .toThrow("`capturedDatabases` must not name a MySQL system database (mysql, sys, information_schema, performance_schema): Debezium does not capture it and MySQL refuses grants on information_schema and performance_schema, got 'Performance_Schema'");
    });
    test('fromAttributes fails on an endpoint Debezium could not connect to, or no security group to let it into', () => {
      const imports = new Stack(testApp(), 'Imp');
      const network = new PrivateSubnetWithNat(imports, 'Net', { flowLogs: false });
      const sg = new ec2.SecurityGroup(imports, 'Sg', { vpc: network.vpc });
      const cdcCredentials = secretsmanager.Secret.fromSecretNameV2(imports, 'Cdc', 'cdc/debezium');
      const attrs = { hostname: 'db.example.internal', port: 3306, cdcCredentials, securityGroups: [sg] };
      expect(() => AuroraMySqlCdcSource.fromAttributes(imports, 'A', { ...attrs, port: 0 })).toThrow('`port` must be a whole number between 1 and 65535, got 0');
      expect(() => AuroraMySqlCdcSource.fromAttributes(imports, 'B', { ...attrs, hostname: 'db.example.internal:3306' }))
        .toThrow("`hostname` must be a host name (no scheme, port or path: the port is `port`), got 'db.example.internal:3306'");
      expect(() => AuroraMySqlCdcSource.fromAttributes(imports, 'C', { ...attrs, hostname: 'mysql://db.example.internal' }))
        .toThrow("`hostname` must be a host name (no scheme, port or path: the port is `port`), got 'mysql://db.example.internal'");
      // A password in the value is not echoed.
      expect(() => AuroraMySqlCdcSource.fromAttributes(imports, 'F', { ...attrs, hostname: 'mysql://admin:hunter2@db.example.internal' }))
        .toThrow("`hostname` must be a host name (no scheme, port or path: the port is `port`), got 'mysql://***@db.example.internal'");
      expect(() => AuroraMySqlCdcSource.fromAttributes(imports, 'G', { ...attrs, hostname: 'admin:hunter2@db.example.internal' }))
        .toThrow("got '***@db.example.internal'");
      expect(() => AuroraMySqlCdcSource.fromAttributes(imports, 'D', { ...attrs, securityGroups: [] }))
        .toThrow("`securityGroups` must name the database's security groups, which the connector is let into, got []");
      expect(AuroraMySqlCdcSource.fromAttributes(imports, 'E', attrs).port).toBe(3306);
    });
    test('skips the new checks on tokens (checked at deploy time by the setup handler)', () => {
      const stack2 = new Stack(testApp(), 'Tok');
      const network = new PrivateSubnetWithNat(stack2, 'Net', { flowLogs: false });
      const db = new CfnParameter(stack2, 'Db').valueAsString;
      expect(() => new AuroraMySqlCdcSource(stack2, 'Source', {
        vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, defaultDatabaseName: db, capturedDatabases: [db, db],
      })).not.toThrow();
    });
    test('fails on a captured database named twice', () => {
      expect(() => setup({ capturedDatabases: ['shop', 'billing', 'shop'] })).toThrow("`capturedDatabases` must not name the same entry twice, got 'shop' twice");
    });
    test('fails on an engine older than Aurora MySQL 3.05 when reads are limited to named databases (REVOKE IF EXISTS)', () => {
      expect(() => setup({ engineVersion: rds.AuroraMysqlEngineVersion.VER_3_04_2, capturedDatabases: ['shop'] }))
        .toThrow("`engineVersion` must be Aurora MySQL 3.05 or later when `capturedDatabases` limits the Debezium user's reads (the setup runs REVOKE IF EXISTS, MySQL 8.0.30 and later), got '8.0.mysql_aurora.3.04.2'");
      expect(() => setup({ engineVersion: rds.AuroraMysqlEngineVersion.VER_2_12_4, defaultDatabaseName: 'shop' }))
        .toThrow("`engineVersion` must be Aurora MySQL 3.05 or later when `defaultDatabaseName` limits the Debezium user's reads (the setup runs REVOKE IF EXISTS, MySQL 8.0.30 and later), got '5.7.mysql_aurora.2.12.4'");
      // Reads on every database use no REVOKE: an older engine is accepted.
      expect(() => setup({ engineVersion: rds.AuroraMysqlEngineVersion.VER_3_04_2 })).not.toThrow();
      expect(() => setup({ engineVersion: rds.AuroraMysqlEngineVersion.VER_3_05_2, capturedDatabases: ['shop'] })).not.toThrow();
    });
    test('fails at synth on subnets without a NAT route: the setup handler and the master rotation need HTTPS to Secrets Manager', () => {
      const isolated = new Stack(testApp(), 'S');
      const vpc = new ec2.Vpc(isolated, 'Isolated', {
        natGateways: 0,
        maxAzs: 2,
        restrictDefaultSecurityGroup: false,
        subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      new AuroraMySqlCdcSource(isolated, 'Source', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, masterPasswordRotation: Duration.days(30) });
      const synth = () => Template.fromStack(isolated);
      expect(synth).toThrow("the setup handler of 'S/Source' needs internet egress (Secrets Manager and the CloudFormation response URL on TCP 443), but subnet S/Isolated/IsolatedSubnet1 has no 0.0.0.0/0 route to a NAT gateway");
      expect(synth).toThrow("the master password rotation of 'S/Source' needs internet egress (Secrets Manager on TCP 443), but subnet S/Isolated/IsolatedSubnet2 has no 0.0.0.0/0 route to a NAT gateway");
    });
  });
});

describe('with the VPC\'s Secrets Manager interface endpoint', () => {
  test('the setup handler and the master rotation are let into the endpoint (private DNS sends their Secrets Manager calls there)', () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false, secretsManagerEndpoint: true });
    new AuroraMySqlCdcSource(stack, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection, masterPasswordRotation: Duration.days(30) });
    const t = Template.fromStack(stack);
    const endpointGroup = Object.keys(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Secrets Manager interface endpoint') } }))[0];
    for (const client of ['SourceSetupSecurityGroup', 'SourceMasterRotationSecurityGroup']) {
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${client}`), 'GroupId'] },
      });
      t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${client}`), 'GroupId'] },
        FromPort: 443,
        ToPort: 443,
        DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
      });
    }
  });
});
