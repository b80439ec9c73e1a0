import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { MskClickHousePipelineStack, MySqlCdcToClickHouseStack } from '../lib';
import {
  brief, DIAGRAM_END, DIAGRAM_START, flat, readableRuleId, renderArchitecture, renderSecurityReport, REPORTED_STACKS, reportStack, Status, Verdict,
  withDiagram,
} from '../scripts/security-report';
import { testApp } from './support/compliance';

const ROOT = path.join(__dirname, '..');
const STATUSES: Status[] = ['FAIL', 'ACKNOWLEDGED', 'PASS', 'NOT DECIDABLE', 'N/A'];

// Both stacks in one app, as bin/app.ts builds them.
const app = testApp();
const pipelineStack = new MskClickHousePipelineStack(app, REPORTED_STACKS[0]);
const cdcStack = new MySqlCdcToClickHouseStack(app, REPORTED_STACKS[1]);
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
    for (const section of report.split('## Stack ').slice(1)) {
      const order = section.split('\n').filter((l) => /^\| \d+ \| /.test(l)).map((l) => l.split(' | ')[1]);
      const rank = order.map((s) => ['**FAIL**', 'ACKNOWLEDGED', 'not decidable', 'pass', 'n/a'].indexOf(s));
      expect(rank).toEqual([...rank].sort((a, b) => a - b));
      expect(rank).not.toContain(-1);
    }
  });

  test('what the templates fail today is FAIL or ACKNOWLEDGED, with the resource that decides it', async () => {
    const c = await verdicts(REPORTED_STACKS[1], cdc);
    const p = await verdicts(REPORTED_STACKS[0], pipeline);
    // The Aurora security group's all-traffic egress and the connectors' 0.0.0.0/0 egress on 443/8443.
    expect(c.get(5)!.status).toBe('FAIL');
    expect(c.get(5)!.failing).toContainEqual(expect.stringMatching(/^SourceClusterSecurityGroup\w+: egress all traffic to any IPv4 address/));
    expect(p.get(5)!.failing).toContainEqual(expect.stringMatching(/^ClickHouseSinkConnectorSecurityGroup\w+: egress tcp 8443 to any IPv4 address/));
    // "declared endpoints only" next to 0.0.0.0/0 egress is called out as false.
    expect(p.get(4)!.failing).toContainEqual(expect.stringMatching(/declared endpoints only": its egress reaches any address: egress tcp 443/));
    // The example plugins' zero checksums.
    expect(p.get(24)!.status).toBe('FAIL');
    expect(p.get(24)!.failing[0]).toMatch(/^ClickHouseSinkPlugin\w+: ClickHouseSinkPluginArtifact\w+ gives clickhouse-kafka-connect-v[\d.]+\.zip Sha256 0{64} and msk-config-providers-\S+ Sha256 0{64}: placeholders, not checksums/);
    // The CDK default-SG handler: AWS managed policy, and a log group Lambda makes unencrypted and never expiring.
    expect(p.get(30)!.failing).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSGCustomResourceProviderRole\w+: AWS managed service-role\/AWSLambdaBasicExecutionRole$/)]);
    expect(p.get(42)!.failing).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSGCustomResourceProviderHandler\w+: logs to \/aws\/lambda/)]);
    // The RDS monitoring role's trust, evaluated for a service acting for another account.
    expect(c.get(25)!.failing).toEqual([expect.stringMatching(/^SourceMonitoringRole\w+: monitoring\.rds\.amazonaws\.com acting for another account .* may assume it/)]);
    // kafka:List* on "*" in the connector roles: acknowledged, with the reason.
    expect(p.get(28)!.status).toBe('ACKNOWLEDGED');
    expect(p.get(28)!.evidence.join('\n')).toMatch(/ControlPlaneListing: kafka:GetBootstrapBrokers, kafka:ListClusters, kafka:ListClustersV2 on \* — acknowledged \(AwsSolutions-IAM5 for that resource\): "kafka:GetBootstrapBrokers/);
    // Debezium does not verify the database server.
    expect(c.get(57)!.failing).toEqual([expect.stringMatching(/^DebeziumConnector\w+: database\.ssl\.mode=required: encrypts at most, does not check the server certificate/)]);
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

  test('false acknowledgement reasons are called false; true ones hold', () => {
    // "retained snapshots on deletion" while the cluster is DeletionPolicy Retain.
    expect(report).toMatch(/\| SourceClusterWriter\w+ \| RDS::DBInstance \| .*retained snapshots on deletion.* \| \*\*false:\*\* SourceCluster\w+ has DeletionPolicy Retain/);
    // "pinned by SHA-256" next to checksums of zeros.
    expect(report).toMatch(/\| ConnectorPluginStoreHandler\w+ \| Lambda::Function \| .*pinned by SHA-256.* \| \*\*false:\*\* placeholder checksums pin nothing/);
    // Actions on "*" checked against the Service Authorization Reference data of iam-simulate.
    expect(report).toMatch(/\| MskBootstrapBrokersLookupPolicy\w+ \| IAM::ManagedPolicy \| `AwsSolutions-IAM5\[Resource::\*\]` \| kafka:GetBootstrapBrokers has no IAM resource type.* \| checked against the template: holds \(and against the Service Authorization Reference as packaged in @cloud-copilot\/iam-data/);
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
  test('removing the flow log fails item 6, naming the VPC', async () => {
    const t = copy(pipeline);
    delete t.Resources[idOf(t, 'AWS::EC2::FlowLog')];
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(6)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toEqual([expect.stringMatching(/^NetworkVpc\w+: no AWS::EC2::FlowLog with ResourceType VPC$/)]);
  });

  test('a flow log to an unencrypted log group fails item 6', async () => {
    const t = copy(pipeline);
    delete t.Resources[idOf(t, 'AWS::Logs::LogGroup', /^NetworkFlowLogs/)].Properties.KmsKeyId;
    expect((await verdicts(REPORTED_STACKS[0], t)).get(6)!.failing).toEqual([expect.stringMatching(/^NetworkFlowLog\w+: VPC NetworkVpc\w+: NetworkFlowLogs\w+ has no KmsKeyId$/)]);
  });

  test('an ingress from 0.0.0.0/0 fails items 1 and 3, naming the rule', async () => {
    const t = copy(pipeline);
    t.Resources.OpenBrokers = {
      Type: 'AWS::EC2::SecurityGroupIngress',
      Properties: { GroupId: { 'Fn::GetAtt': [idOf(t, 'AWS::EC2::SecurityGroup', /^ClusterSecurityGroup/), 'GroupId'] }, IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, CidrIp: '0.0.0.0/0', Description: 'open' },
    };
    const v = await verdicts(REPORTED_STACKS[0], t);
    expect(v.get(1)!.failing).toEqual(['OpenBrokers: ingress tcp 9098 from any IPv4 address (0.0.0.0/0)']);
    expect(v.get(3)!.failing).toEqual([expect.stringMatching(/^OpenBrokers: ClusterEB0386A7's group ClusterSecurityGroup\w+: ingress tcp 9098 from any IPv4 address/)]);
  });

  test('kafka-cluster:* in a connector policy fails item 26, although no rule pack flags it', async () => {
    const t = copy(pipeline);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^ClickHouseSinkConnectorExecutionRolePolicy/)];
    policy.Properties.PolicyDocument.Statement.push({ Sid: 'Everything', Effect: 'Allow', Action: 'kafka-cluster:*', Resource: { Ref: idOf(t, 'AWS::MSK::Cluster') } });
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(26)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toEqual([expect.stringMatching(/^ClickHouseSinkConnectorExecutionRolePolicy\w+: Everything: kafka-cluster:\*$/)]);
  });

  test('a connector policy that loses its read permission fails item 50 (evaluated, not read)', async () => {
    const t = copy(pipeline);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^ClickHouseSinkConnectorExecutionRolePolicy/)];
    policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid !== 'ReadTopics');
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(50)!;
    expect(v.status).toBe('FAIL');
    expect(v.failing).toContainEqual(expect.stringMatching(/^connector clickhouse-sink: kafka-cluster:ReadData on topic example-events is ImplicitlyDenied, should be allowed/));
  });

  test('an acknowledgement without its reason no longer answers the finding (items 45 and 48 fail)', async () => {
    const t = copy(cdc);
    const db = t.Resources[idOf(t, 'AWS::RDS::DBCluster')];
    db.Metadata.acknowledged_rules = db.Metadata.acknowledged_rules.map((a: any) => ({ ...a, reason: '' }));
    const v = await verdicts(REPORTED_STACKS[1], t);
    expect(v.get(45)!.status).toBe('FAIL');
    expect(v.get(45)!.failing).toEqual([expect.stringMatching(/^SourceCluster\w+: BacktrackWindow absent/)]);
    expect(v.get(48)!.failing).toContainEqual(expect.stringMatching(/^SourceCluster\w+: 2 rules \(AwsSolutions-RDS14, cdk-validator-cfnguard::aurora_cluster_backtracking_enabled_check\): no reason a reviewer could weigh/));
  });

  test('an egress acknowledgement turns item 5 from FAIL to ACKNOWLEDGED, quoting its reason; narrowing the egress passes it', async () => {
    const t = copy(pipeline);
    const sg = t.Resources[idOf(t, 'AWS::EC2::SecurityGroup', /^ClickHouseSinkConnectorSecurityGroup/)];
    sg.Metadata = { acknowledged_rules: [{ id: 'security-checklist::egress', reason: 'ClickHouse Cloud publishes no fixed address range to narrow the egress to.' }] };
    const acknowledged = (await verdicts(REPORTED_STACKS[0], t)).get(5)!;
    expect(acknowledged.status).toBe('ACKNOWLEDGED');
    expect(acknowledged.evidence.join('\n')).toContain('"ClickHouse Cloud publishes no fixed address range to narrow the egress to."');
    const narrowed = copy(pipeline);
    for (const rule of narrowed.Resources[idOf(narrowed, 'AWS::EC2::SecurityGroup', /^ClickHouseSinkConnectorSecurityGroup/)].Properties.SecurityGroupEgress) {
      rule.CidrIp = '198.51.100.0/24';
    }
    const v = await verdicts(REPORTED_STACKS[0], narrowed);
    expect(v.get(5)!.status).toBe('PASS');
    // The group description no longer contradicts its rules either.
    expect(v.get(4)!.status).toBe('PASS');
  });

  test('an acknowledgement may name the checklist item: the CDK handler\'s implicit log group becomes ACKNOWLEDGED', async () => {
    const t = copy(pipeline);
    const fn = t.Resources[idOf(t, 'AWS::Lambda::Function', /^CustomVpcRestrictDefaultSG/)];
    fn.Metadata.acknowledged_rules.push({ id: 'security-checklist::42', reason: 'CDK creates this provider; it runs once per deployment and logs no data.' });
    const v = (await verdicts(REPORTED_STACKS[0], t)).get(42)!;
    expect(v.status).toBe('ACKNOWLEDGED');
    expect(v.evidence[0]).toMatch(/^CustomVpcRestrictDefaultSGCustomResourceProviderHandler\w+: logs to \/aws\/lambda\/.* — acknowledged \(security-checklist::42\): "CDK creates this provider/);
    // An acknowledgement of another item does not answer it.
    fn.Metadata.acknowledged_rules[fn.Metadata.acknowledged_rules.length - 1].id = 'security-checklist::41';
    expect((await verdicts(REPORTED_STACKS[0], t)).get(42)!.status).toBe('FAIL');
  });

  test('real checksums pass item 24 and make the reasons that cite the pins hold', async () => {
    const t = copy(pipeline);
    for (const id of Object.keys(t.Resources).filter((x) => t.Resources[x].Type === 'Custom::ConnectorPluginArtifact')) {
      t.Resources[id].Properties.Sources.forEach((s: any, i: number) => { s.Sha256 = `${i}f`.repeat(32); });
    }
    const report = await reportStack(REPORTED_STACKS[0], t);
    expect(report.verdicts.find((x) => x.item === 24)!.status).toBe('PASS');
    // With the checksums real, the replication reason ("rebuilt from their pinned release URLs and checksums") holds, so
    // it answers item 41 again; with zeros it does not.
    expect(report.verdicts.find((x) => x.item === 41)!.status).toBe('ACKNOWLEDGED');
    const today = (await verdicts(REPORTED_STACKS[0], pipeline)).get(41)!;
    expect(today.status).toBe('FAIL');
    expect(today.failing[0]).toMatch(/^ConnectorPluginStoreAccessLogs\w+: no ReplicationConfiguration — acknowledged \(HIPAA\.Security-S3BucketReplicationEnabled\), but the reason is false: placeholder checksums/);
    expect(report.markdown.join('\n')).toMatch(/\| ConnectorPluginStoreHandler\w+ \| Lambda::Function \| .*pinned by SHA-256.* \| checked against the template: holds \|/);
  });

  test('a trust policy with the confused-deputy conditions passes item 25 when evaluated', async () => {
    const t = copy(cdc);
    const role = t.Resources[idOf(t, 'AWS::IAM::Role', /^SourceMonitoringRole/)];
    role.Properties.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    expect((await verdicts(REPORTED_STACKS[1], t)).get(25)!.status).toBe('PASS');
  });

  test('a connector that may read the master secret fails item 56, and the rotation reason that says otherwise is called false', async () => {
    const t = copy(cdc);
    const policy = t.Resources[idOf(t, 'AWS::IAM::ManagedPolicy', /^DebeziumConnectorExecutionRolePolicy/)];
    policy.Properties.PolicyDocument.Statement.push({
      Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: idOf(t, 'AWS::SecretsManager::SecretTargetAttachment') },
    });
    const v = await verdicts(REPORTED_STACKS[1], t);
    expect(v.get(56)!.failing).toEqual([expect.stringMatching(/^MySqlCdcToClickHouseSourceClusterSecret\w+: master secret of SourceCluster\w+ is readable by standing roles DebeziumConnectorExecutionRole\w+$/)]);
    expect(v.get(43)!.failing).toEqual([expect.stringMatching(/^MySqlCdcToClickHouseSourceClusterSecret\w+: no RotationSchedule — acknowledged \(AwsSolutions-SMG4\), but the reason is false: its readers \(evaluated\) are SourceSetupRole\w+, DebeziumConnectorExecutionRole\w+$/)]);
  });

  test('turning the RDS Data API on fails item 56 and shows the SQL path that no security group limits', async () => {
    const t = copy(cdc);
    t.Resources[idOf(t, 'AWS::RDS::DBCluster')].Properties.EnableHttpEndpoint = true;
    const report = await reportStack(REPORTED_STACKS[1], t);
    expect(report.verdicts.find((x) => x.item === 56)!.failing).toEqual([expect.stringMatching(/^SourceCluster\w+: Data API on: an SQL path security groups do not limit$/)]);
    expect(report.markdown.join('\n')).toMatch(/\| RDS Data API → SourceCluster\w+ \| TCP 443 \(AWS API\) \| .* \| AWS API endpoint: no security group applies \|/);
  });

  test('a literal password in a connector configuration fails items 22 and 44', async () => {
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
