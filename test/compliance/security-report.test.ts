import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { MskClickHousePipelineStack, MySqlCdcToClickHouseStack } from '../../lib';
import {
  brief, DIAGRAM_END, DIAGRAM_START, flat, readableRuleId, renderArchitecture, renderSecurityReport, REPORTED_STACKS, reportStack, Status, Verdict,
  withDiagram,
} from '../../scripts/security-report';
import { testApp } from '../support/compliance';
import { CDC_EXAMPLE, PIPELINE_EXAMPLE } from '../support/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const STATUSES: Status[] = ['FAIL', 'ACKNOWLEDGED', 'PASS', 'NOT DECIDABLE', 'N/A'];

// Both stacks in one app, as bin/app.ts builds them, with its example values.
const app = testApp();
const pipelineStack = new MskClickHousePipelineStack(app, REPORTED_STACKS[0], PIPELINE_EXAMPLE);
const cdcStack = new MySqlCdcToClickHouseStack(app, REPORTED_STACKS[1], CDC_EXAMPLE);
const pipeline = Template.fromStack(pipelineStack).toJSON();
const cdc = Template.fromStack(cdcStack).toJSON();

/** A deep copy of a template, for a test to break. */
const copy = (template: any) => JSON.parse(JSON.stringify(template));
const idOf = (template: any, type: string, pattern = /./) => Object.keys(template.Resources).find((id) => template.Resources[id].Type === type && pattern.test(id))!;

async function verdicts(name: string, template: any): Promise<Map<number, Verdict>> {
  return new Map((await reportStack(name, template)).verdicts.map((v) => [v.item, v]));
}

describe('security review report', () => {
  let report: string;
  beforeAll(async () => {
    report = await renderSecurityReport([{ name: REPORTED_STACKS[0], template: pipeline }, { name: REPORTED_STACKS[1], template: cdc }]);
  });

  test('docs/SECURITY-REVIEW.md matches the templates (run `npx projen security-report` after changing them)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'SECURITY-REVIEW.md'), 'utf-8')).toBe(report);
  });

  test('the README architecture diagram matches the template (run `npx projen security-report`)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    expect(withDiagram(readme, renderArchitecture(pipeline))).toBe(readme);
  });

  test('the first screen answers "can I sign this off" for both stacks, naming every blocking item', async () => {
    const firstScreen = report.slice(0, report.indexOf('## Stack '));
    for (const [name, template] of [[REPORTED_STACKS[0], pipeline], [REPORTED_STACKS[1], cdc]] as const) {
      const v = [...(await verdicts(name, template)).values()];
      const fails = v.filter((x) => x.status === 'FAIL').map((x) => x.item);
      const count = (s: Status) => v.filter((x) => x.status === s).length;
      expect(firstScreen).toContain(`**${name}** — Sign-off: ${count('PASS')} pass, ${count('ACKNOWLEDGED')} acknowledged, ${count('FAIL')} fail, `
        + `${count('NOT DECIDABLE')} not decidable, ${count('N/A')} n/a; ${fails.length ? `blocking: items ${fails.join(', ')}.` : 'nothing blocks'}`);
      for (const x of v.filter((y) => y.status === 'FAIL')) {
        expect(firstScreen).toContain(`- **${x.item}. ${x.title}**: ${brief(x.failing[0])}`);
        expect(x.failing[0].startsWith(brief(x.failing[0]).replace(/ …$/, ''))).toBe(true);
      }
    }
  });

  test('every checklist item has one verdict per stack, and every verdict row has evidence', async () => {
    for (const [name, template] of [[REPORTED_STACKS[0], pipeline], [REPORTED_STACKS[1], cdc]] as const) {
      const v = (await reportStack(name, template)).verdicts;
      expect(v.map((x) => x.item).sort((a, b) => a - b)).toEqual(Array.from({ length: 58 }, (_, i) => i + 1));
      for (const x of v) {
        expect(STATUSES).toContain(x.status);
        expect(x.evidence.length).toBeGreaterThan(0);
        expect(x.evidence.every((e) => e.trim().length > 10)).toBe(true);
        expect(x.status === 'FAIL').toBe(x.failing.length > 0);
      }
    }
    // The rendered tables too: no verdict row with an empty evidence cell.
    const rows = report.split('\n').filter((l) => /^\| \d+ \| /.test(l));
    expect(rows).toHaveLength(2 * 58);
    for (const row of rows) {
      const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
      expect(cells[4].length).toBeGreaterThan(10);
    }
  });

  test('failures come first in each stack\'s verdict table', () => {
    const sections = report.split('## Stack ').slice(1);
    expect(sections).toHaveLength(2);
    for (const section of sections) {
      const order = section.split('\n').filter((l) => /^\| \d+ \| /.test(l)).map((l) => l.split(' | ')[1]);
      const rank = order.map((s) => ['**FAIL**', 'ACKNOWLEDGED', 'not decidable', 'pass', 'n/a'].indexOf(s));
      expect(rank).toEqual([...rank].sort((a, b) => a - b));
      expect(rank).not.toContain(-1);
    }
  });

  test('what the templates fail or acknowledge today, with the resource that decides it', async () => {
    const c = await verdicts(REPORTED_STACKS[1], cdc);
    const p = await verdicts(REPORTED_STACKS[0], pipeline);
    // The example plugins' zero checksums (the operator gives real ones).
    expect(p.get(24)!.status).toBe('FAIL');
    expect(p.get(24)!.failing[0]).toMatch(/^ClickHouseSinkPlugin\w+: ClickHouseSinkPluginArtifact\w+ gives clickhouse-kafka-connect-v[\d.]+\.zip Sha256 0{64} and msk-config-providers-\S+ Sha256 0{64}: placeholders, not checksums/);
    // The CDC setup handler's 443 to any address, which no acknowledgement answers.
    expect(c.get(5)!.status).toBe('FAIL');
    expect(c.get(5)!.failing).toEqual([expect.stringMatching(/^SourceSetupSecurityGroup\w+: egress tcp 443 to any IPv4 address/)]);
    // The sink's 8443 to ClickHouse Cloud and the fetch handler's 443: acknowledged, with the reason quoted.
    expect(p.get(5)!.status).toBe('ACKNOWLEDGED');
    expect(p.get(5)!.evidence.join('\n')).toMatch(/ClickHouseSinkConnectorSecurityGroup\w+: egress tcp 8443 to any IPv4 address .* — acknowledged \(security-checklist::5\)|"TCP 8443 to any address: a ClickHouse Cloud service's public endpoint has no fixed address range/);
    // Debezium does not verify the database server: the residual risk is acknowledged where the reviewer reads.
    expect(c.get(57)!.status).toBe('ACKNOWLEDGED');
    expect(c.get(57)!.evidence.join('\n')).toContain('Residual risk: whoever can redirect the workers\' traffic inside the VPC could impersonate the database');
    // What the #15 fixes closed: no managed policy, no unencrypted handler log group, confused-deputy trust, no
    // wildcard control plane in connector roles, no all-traffic egress on the Aurora group.
    for (const v of [p, c]) {
      for (const item of [25, 30, 42]) {
        expect(`${item} ${v.get(item)!.status}`).toBe(`${item} PASS`);
      }
    }
    expect(JSON.stringify([pipeline, cdc])).not.toContain('kafka:ListClusters');
    expect(cdc.Resources[idOf(cdc, 'AWS::EC2::SecurityGroup', /^SourceClusterSecurityGroup/)].Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  test('the encryption facts the old report left out are there: the Aurora cluster, its instances, both secrets, the Debezium TLS mode', async () => {
    const c = await verdicts(REPORTED_STACKS[1], cdc);
    expect(c.get(45)!.evidence.join('\n')).toMatch(/SourceCluster\w+: StorageEncrypted true, KmsKeyId <SourceKey\w+\.Arn>/);
    expect(c.get(46)!.evidence.join('\n')).toMatch(/SourceClusterWriter\w+: .*storage encrypted with its cluster's key, Performance Insights with <SourceKey\w+\.Arn>/);
    expect(c.get(43)!.evidence.join('\n')).toMatch(/SourceCdcCredentials\w+: KmsKeyId <SourceKey\w+\.Arn>/);
    expect(c.get(43)!.evidence.join('\n')).toMatch(/MySqlCdcToClickHouseSourceClusterSecret\w+: KmsKeyId <SourceKey\w+\.Arn>/);
    expect(c.get(23)!.evidence.join('\n')).toMatch(/DebeziumConnector\w+: database\.ssl\.mode=required/);
    expect(report).toMatch(/\| DebeziumConnector\w+ → MySQL <SourceCluster\w+\.Endpoint\.Address> \| TCP 3307 \| .* \| database\.ssl\.mode=required: TLS, server NOT verified \|/);
  });

  test('false acknowledgement reasons are called false; true ones hold', async () => {
    // Reasons the old report stood next to: each is checked against the template it is in.
    const t = copy(cdc);
    const writer = t.Resources[idOf(t, 'AWS::RDS::DBInstance', /^SourceClusterWriter/)];
    writer.Metadata.acknowledged_rules.push({ id: 'HIPAA.Security-RDSInBackupPlan', reason: 'Aurora backs up the cluster continuously, with retained snapshots on deletion.' });
    const handler = t.Resources[idOf(t, 'AWS::Lambda::Function', /^ConnectorPluginStoreHandler/)];
    handler.Metadata.acknowledged_rules.push({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: 'It downloads release artifacts pinned by SHA-256.' });
    const broken = (await reportStack(REPORTED_STACKS[1], t)).markdown.join('\n');
    expect(broken).toMatch(/\| SourceClusterWriter\w+ \| RDS::DBInstance \| .*retained snapshots on deletion.* \| \*\*false:\*\* SourceCluster\w+ has DeletionPolicy Retain/);
    expect(broken).toMatch(/\| ConnectorPluginStoreHandler\w+ \| Lambda::Function \| .*pinned by SHA-256.* \| \*\*false:\*\* placeholder checksums pin nothing/);
    // The templates' own reasons make no claim the template contradicts.
    expect(report).not.toContain('**false:**');
  });

  test('resource counts leave out AWS::CDK::Metadata and nothing else', async () => {
    const withMetadata = copy(pipeline);
    withMetadata.Resources.CDKMetadata = { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:x' } };
    const md = (await reportStack(REPORTED_STACKS[0], withMetadata)).markdown.join('\n');
    expect(md).toContain(`${Object.keys(pipeline.Resources).length} resources (AWS::CDK::Metadata not counted).`);
  });

  test('readable ids: intrinsics inside rule ids and values are rendered, never raw JSON', () => {
    expect(flat({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kafka:', { 'Fn::GetAtt': ['Cluster', 'Arn'] }]] })).toBe('arn:${AWS::Partition}:kafka:<Cluster.Arn>');
    expect(flat({ 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'Cluster' }] }] })).toBe('<Cluster>[/2]');
    expect(flat({ 'Fn::Select': [3, { 'Fn::Split': [':', { Ref: 'Cluster' }] }] })).toBe('<Cluster region>');
    expect(readableRuleId('AwsSolutions-IAM5[Resource::arn:{"Fn::Select":[1,{"Fn::Split":[":",{"Ref":"C"}]}]}:kafka:x/{"Fn::Select":[2,{"Fn::Split":["/",{"Ref":"C"}]}]}/t*]'))
      .toBe('AwsSolutions-IAM5[Resource::arn:<C partition>:kafka:x/<C>[/2]/t*]');
    expect(report).not.toMatch(/\{"(Ref|Fn::)/);
  });

  test('withDiagram fails without the markers', () => {
    expect(() => withDiagram('# no markers', 'x')).toThrow(`README.md must contain the markers ${DIAGRAM_START} and ${DIAGRAM_END}`);
  });
});

describe('verdicts follow the template (templates broken on purpose)', () => {
  test('removing the flow log fails the VPC flow-log item, naming the VPC (checklist 6)', async () => {
    const t = copy(pipeline);
    delete t.Resources[idOf(t, 'AWS::EC2::FlowLog')];
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(6)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toEqual([expect.stringMatching(/^NetworkVpc\w+: no AWS::EC2::FlowLog with ResourceType VPC$/)]);
  });

  test('a flow log to an unencrypted log group fails the VPC flow-log item (checklist 6)', async () => {
    const t = copy(pipeline);
    delete t.Resources[idOf(t, 'AWS::Logs::LogGroup', /^NetworkFlowLogs/)].Properties.KmsKeyId;
    expect((await verdicts(REPORTED_STACKS[0], t)).get(6)!.failing).toEqual([expect.stringMatching(/^NetworkFlowLog\w+: VPC NetworkVpc\w+: NetworkFlowLogs\w+ has no KmsKeyId$/)]);
  });

  test('an ingress from 0.0.0.0/0 fails the no-open-ingress and broker-port items, naming the rule (checklist 1, 3)', async () => {
    const t = copy(pipeline);
    t.Resources.OpenBrokers = {
      Type: 'AWS::EC2::SecurityGroupIngress',
      Properties: { GroupId: { 'Fn::GetAtt': [idOf(t, 'AWS::EC2::SecurityGroup', /^ClusterSecurityGroup/), 'GroupId'] }, IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, CidrIp: '0.0.0.0/0', Description: 'open' },
    };
    const v = await verdicts(REPORTED_STACKS[0], t);
    expect(v.get(1)!.failing).toEqual(['OpenBrokers: ingress tcp 9098 from any IPv4 address (0.0.0.0/0)']);
    expect(v.get(3)!.failing).toEqual([expect.stringMatching(/^OpenBrokers: ClusterEB0386A7's group ClusterSecurityGroup\w+: ingress tcp 9098 from any IPv4 address/)]);
  });

  test('kafka-cluster:* in a connector policy fails the no-service-wildcard item, although no rule pack flags it (checklist 26)', async () => {
    const t = copy(pipeline);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^ClickHouseSinkConnectorExecutionRolePolicy/)];
    policy.Properties.PolicyDocument.Statement.push({ Sid: 'Everything', Effect: 'Allow', Action: 'kafka-cluster:*', Resource: { Ref: idOf(t, 'AWS::MSK::Cluster') } });
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(26)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toEqual([expect.stringMatching(/^ClickHouseSinkConnectorExecutionRolePolicy\w+: Everything: kafka-cluster:\*$/)]);
  });

  test('a connector policy that loses its read permission fails the runtime-permission item, evaluated rather than read (checklist 50)', async () => {
    const t = copy(pipeline);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^ClickHouseSinkConnectorExecutionRolePolicy/)];
    policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid !== 'ReadTopics');
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(50)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toContainEqual(expect.stringMatching(/^connector clickhouse-sink: kafka-cluster:ReadData on topic example-events is ImplicitlyDenied, should be allowed/));
  });

  test('an acknowledgement without its reason no longer answers the finding: the Aurora cluster and acknowledgement-reason items fail (checklist 45, 48)', async () => {
    const t = copy(cdc);
    const db = t.Resources[idOf(t, 'AWS::RDS::DBCluster')];
    db.Metadata.acknowledged_rules = db.Metadata.acknowledged_rules.map((a: any) => ({ ...a, reason: '' }));
    const v = await verdicts(REPORTED_STACKS[1], t);
    expect(v.get(45)!.status).toBe('FAIL');
    expect(v.get(45)!.failing).toEqual([expect.stringMatching(/^SourceCluster\w+: BacktrackWindow absent/)]);
    expect(v.get(48)!.failing).toContainEqual(expect.stringMatching(/^SourceCluster\w+: 2 rules \(AwsSolutions-RDS14, cdk-validator-cfnguard::aurora_cluster_backtracking_enabled_check\): no reason a reviewer could weigh/));
  });

  test('an egress acknowledgement turns the declared-egress item from FAIL to ACKNOWLEDGED, quoting its reason; narrowing the egress passes it (checklist 5)', async () => {
    const t = copy(cdc);
    const sg = t.Resources[idOf(t, 'AWS::EC2::SecurityGroup', /^SourceSetupSecurityGroup/)];
    expect((await verdicts(REPORTED_STACKS[1], t)).get(5)!.status).toBe('FAIL');
    sg.Metadata = { acknowledged_rules: [{ id: 'security-checklist::egress', reason: 'The CloudFormation response URL has no fixed address range to narrow the egress to.' }] };
    const acknowledged = (await verdicts(REPORTED_STACKS[1], t)).get(5)!;
    expect(acknowledged.status).toBe('ACKNOWLEDGED');
    expect(acknowledged.evidence.join('\n')).toContain('"The CloudFormation response URL has no fixed address range to narrow the egress to."');
    // Without its acknowledgements, the sink's 8443 rule fails the item; narrowed to a range, it passes.
    const bare = copy(pipeline);
    const sinkGroup = bare.Resources[idOf(bare, 'AWS::EC2::SecurityGroup', /^ClickHouseSinkConnectorSecurityGroup/)];
    delete sinkGroup.Metadata;
    const handlerGroup = bare.Resources[idOf(bare, 'AWS::EC2::SecurityGroup', /^ConnectorPluginStoreHandlerSecurityGroup/)];
    delete handlerGroup.Metadata;
    expect((await verdicts(REPORTED_STACKS[0], bare)).get(5)!.status).toBe('FAIL');
    for (const group of [sinkGroup, handlerGroup]) {
      for (const rule of group.Properties.SecurityGroupEgress) {
        rule.CidrIp = '198.51.100.0/24';
      }
    }
    expect((await verdicts(REPORTED_STACKS[0], bare)).get(5)!.status).toBe('PASS');
  });

  test('a security-group description that claims more than its rules allow fails the descriptions item, unless an acknowledgement says why it stays (checklist 4)', async () => {
    // Today: the connector group's create-only description is kept, with an acknowledgement of item 4 that says why.
    const today = (await verdicts(REPORTED_STACKS[0], pipeline)).get(4)!;
    expect(today.status).toBe('ACKNOWLEDGED');
    expect(today.evidence.join('\n')).toMatch(/declared endpoints only": its egress reaches any address: egress tcp 8443 .* — acknowledged \(security-checklist::4\): "The description says the workers reach just the brokers/);
    // Without the acknowledgement, the description is called out as false.
    const t = copy(pipeline);
    const sg = t.Resources[idOf(t, 'AWS::EC2::SecurityGroup', /^ClickHouseSinkConnectorSecurityGroup/)];
    sg.Metadata.acknowledged_rules = sg.Metadata.acknowledged_rules.filter((a: any) => a.id !== 'security-checklist::4');
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(4)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toContainEqual(expect.stringMatching(/declared endpoints only": its egress reaches any address: egress tcp 8443/));
    // A description that claims no more than the rules passes.
    sg.Properties.GroupDescription = 'MSK Connect workers of clickhouse-sink: egress on the ports of the brokers and of its declared destinations';
    expect((await verdicts(REPORTED_STACKS[0], t)).get(4)!.status).toBe('PASS');
  });

  test('an acknowledgement may name the checklist item, and answers only that item', async () => {
    const t = copy(cdc);
    const sg = t.Resources[idOf(t, 'AWS::EC2::SecurityGroup', /^SourceSetupSecurityGroup/)];
    sg.Metadata = { acknowledged_rules: [{ id: 'security-checklist::5', reason: 'It runs only during deployments.' }] };
    const v = (await verdicts(REPORTED_STACKS[1], t)).get(5)!;
    expect(v.status).toBe('ACKNOWLEDGED');
    expect(v.evidence.join('\n')).toMatch(/SourceSetupSecurityGroup\w+: egress tcp 443 to any IPv4 address .* — acknowledged \(security-checklist::5\): "It runs only during deployments\."/);
    // An acknowledgement of another item does not answer it.
    sg.Metadata.acknowledged_rules[0].id = 'security-checklist::41';
    expect((await verdicts(REPORTED_STACKS[1], t)).get(5)!.status).toBe('FAIL');
  });

  test('real checksums pass the pinned-plugin item, and a bucket-replication reason that cites the pins holds only then (checklist 24, 41)', async () => {
    const withPinClaim = (template: any) => {
      const t = copy(template);
      const bucket = t.Resources[idOf(t, 'AWS::S3::Bucket', /^ConnectorPluginStoreAccessLogs/)];
      for (const a of bucket.Metadata.acknowledged_rules.filter((x: any) => /S3BucketReplicationEnabled/.test(x.id))) {
        a.reason = 'Plugins are rebuilt from their pinned release URLs and checksums on demand.';
      }
      return t;
    };
    const real = withPinClaim(pipeline);
    for (const id of Object.keys(real.Resources).filter((x) => real.Resources[x].Type === 'Custom::ConnectorPluginArtifact')) {
      real.Resources[id].Properties.Sources.forEach((s: any, i: number) => { s.Sha256 = `${i}f`.repeat(32); });
    }
    const pinned = await reportStack(REPORTED_STACKS[0], real);
    expect(pinned.verdicts.find((x) => x.item === 24)!.status).toBe('PASS');
    expect(pinned.verdicts.find((x) => x.item === 41)!.status).toBe('ACKNOWLEDGED');
    const zeros = (await verdicts(REPORTED_STACKS[0], withPinClaim(pipeline))).get(41)!;
    expect(zeros.status).toBe('FAIL');
    expect(zeros.failing[0]).toMatch(/^ConnectorPluginStoreAccessLogs\w+: no ReplicationConfiguration — acknowledged \(HIPAA\.Security-S3BucketReplicationEnabled\), but the reason is false: placeholder checksums/);
    // The template's own reason makes no claim that depends on the checksums, so it answers item 41 either way.
    expect((await verdicts(REPORTED_STACKS[0], pipeline)).get(41)!.status).toBe('ACKNOWLEDGED');
  });

  test('a trust policy with the confused-deputy conditions passes the role-trust item when evaluated (checklist 25)', async () => {
    const t = copy(cdc);
    const role = t.Resources[idOf(t, 'AWS::IAM::Role', /^SourceMonitoringRole/)];
    role.Properties.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    expect((await verdicts(REPORTED_STACKS[1], t)).get(25)!.status).toBe('PASS');
  });

  test('a connector that may read the master secret fails the no-standing-admin-path item, and the rotation reason that says otherwise is called false (checklist 56, 43)', async () => {
    const t = copy(cdc);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^DebeziumConnectorExecutionRolePolicy/)];
    policy.Properties.PolicyDocument.Statement.push({
      Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: idOf(t, 'AWS::SecretsManager::SecretTargetAttachment') },
    });
    const v = await verdicts(REPORTED_STACKS[1], t);
    expect(v.get(56)!.failing).toEqual([expect.stringMatching(/^MySqlCdcToClickHouseSourceClusterSecret\w+: master secret of SourceCluster\w+ is readable by standing roles DebeziumConnectorExecutionRole\w+$/)]);
    expect(v.get(43)!.failing).toEqual([expect.stringMatching(/^MySqlCdcToClickHouseSourceClusterSecret\w+: no RotationSchedule — acknowledged \(AwsSolutions-SMG4\), but the reason is false: its readers \(evaluated\) are SourceSetupRole\w+, DebeziumConnectorExecutionRole\w+$/)]);
  });

  test('turning the RDS Data API on fails the no-standing-admin-path item and shows the SQL path that no security group limits (checklist 56)', async () => {
    const t = copy(cdc);
    t.Resources[idOf(t, 'AWS::RDS::DBCluster')].Properties.EnableHttpEndpoint = true;
    const report = await reportStack(REPORTED_STACKS[1], t);
    expect(report.verdicts.find((x) => x.item === 56)!.failing).toEqual([expect.stringMatching(/^SourceCluster\w+: Data API on: an SQL path security groups do not limit$/)]);
    expect(report.markdown.join('\n')).toMatch(/\| RDS Data API → SourceCluster\w+ \| TCP 443 \(AWS API\) \| .* \| AWS API endpoint: no security group applies \|/);
  });

  test('a literal password in a connector configuration fails the no-literal-secret items, of the connector and of the whole template (checklist 22, 44)', async () => {
    const t = copy(pipeline);
    t.Resources[idOf(t, 'AWS::KafkaConnect::Connector')].Properties.ConnectorConfiguration.password = 'hunter2-literal';
    const v = await verdicts(REPORTED_STACKS[0], t);
    expect(v.get(22)!.failing).toEqual([expect.stringMatching(/^ClickHouseSinkConnector\w+: ConnectorConfiguration password = \(a literal value\)$/)]);
    expect(v.get(44)!.failing).toEqual([expect.stringMatching(/^ClickHouseSinkConnector\w+: Properties\.ConnectorConfiguration\.password is a literal$/)]);
    expect(JSON.stringify([...v.values()])).not.toContain('hunter2-literal');
  });

  test('a reason claiming a scoped action has no resource type is called false', async () => {
    const t = copy(pipeline);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^MskBootstrapBrokersLookupPolicy/)];
    policy.Metadata.acknowledged_rules[0].reason = 'kafka:DescribeCluster has no IAM resource type, so it cannot be scoped.';
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(48)!;
    expect(v.failing).toContainEqual(expect.stringMatching(/^MskBootstrapBrokersLookupPolicy\w+: AwsSolutions-IAM5\[Resource::\*\]: reason contradicted by the template: the Service Authorization Reference gives kafka:DescribeCluster a resource type$/));
    // The unmodified reason holds.
    expect((await verdicts(REPORTED_STACKS[0], pipeline)).get(48)!.evidence.join('\n')).not.toMatch(/MskBootstrapBrokersLookupPolicy\w+: .*contradicted/);
  });
});
