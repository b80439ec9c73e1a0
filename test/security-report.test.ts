import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { MskClickHousePipelineStack, MySqlCdcToClickHouseStack } from '../lib';
import { DIAGRAM_END, DIAGRAM_START, flat, renderArchitecture, renderSecurityReport, REPORTED_STACKS, withDiagram } from '../scripts/security-report';
import { testApp } from './support/compliance';

const ROOT = path.join(__dirname, '..');

describe('security review report', () => {
  // Both stacks in one app, as bin/app.ts builds them.
  const app = testApp();
  const pipeline = new MskClickHousePipelineStack(app, REPORTED_STACKS[0]);
  const cdc = new MySqlCdcToClickHouseStack(app, REPORTED_STACKS[1]);
  const template = Template.fromStack(pipeline).toJSON();
  const cdcTemplate = Template.fromStack(cdc).toJSON();
  const report = renderSecurityReport([{ name: REPORTED_STACKS[0], template }, { name: REPORTED_STACKS[1], template: cdcTemplate }]);

  test('docs/SECURITY-REVIEW.md matches the templates (run `npm run security-report` after changing them)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'SECURITY-REVIEW.md'), 'utf-8')).toBe(report);
  });

  test('the README architecture diagram matches the template (run `npm run security-report`)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    expect(withDiagram(readme, renderArchitecture(template))).toBe(readme);
  });

  test('the report lists every rule, every role statement, encryption, retention and acknowledgement', () => {
    expect(report).toContain('| ClusterSecurityGroup');
    expect(report).toMatch(/\| ingress \| tcp 9098 \| <ClickHouseSinkConnectorSecurityGroup[0-9A-F]+\.GroupId> \|/);
    expect(report).toContain('kafkaconnect.amazonaws.com');
    expect(report).toContain('(ReadTopics) | Allow | kafka-cluster:DescribeTopic, kafka-cluster:ReadData');
    expect(report).toMatch(/AWS::MSK::Cluster \| KMS <ClusterKey[0-9A-F]+\.Arn> \| client-broker TLS, in-cluster true/);
    expect(report).toMatch(/\| 365 days \| Retain \|/);
    expect(report).toContain('| HIPAA.Security-VPCNoUnrestrictedRouteToIGW | Public subnet that holds only a NAT gateway');
    const statementRows = (report.match(/^\| \S+ \((ClusterConnect|ReadTopics|ConsumerGroups)\)/gm) ?? []).length;
    // Three connector roles (the pipeline's sink, the CDC source, the CDC sink), three such statements each.
    expect(statementRows).toBe(9);
  });

  test('the report covers the CDC stack: the database path and the Debezium role', () => {
    expect(report).toContain('## Stack MySqlCdcToClickHouse');
    expect(report).toMatch(/ingress \| tcp 3307 \| <DebeziumConnectorSecurityGroup[0-9A-F]+\.GroupId>/);
    expect(report).toContain('kafka-cluster:DescribeClusterDynamicConfiguration');
    expect(report).toContain('AwsSolutions-RDS14');
    // What stays open is stated: the Debezium connection does not verify the server; no Data API; unrotated secrets.
    expect(report).toMatch(/database\.ssl\.mode=required to MySQL port 3307 \(server certificate not verified\)/);
    expect(report).toMatch(/- DebeziumConnector\w+: `database\.ssl\.mode=required` encrypts the MySQL connection but does not verify the server certificate/);
    expect(report).toMatch(/AWS::RDS::DBCluster \| KMS <SourceKey\w+\.Arn> \| Data API off/);
    expect(report).not.toContain('rds-data:ExecuteStatement');
    expect(report).toMatch(/- SourceCdcCredentials\w+: not rotated/);
  });

  test('flat renders intrinsics readably', () => {
    expect(flat({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kafka:', { 'Fn::GetAtt': ['Cluster', 'Arn'] }]] })).toBe('arn:${AWS::Partition}:kafka:<Cluster.Arn>');
    expect(flat({ 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'Cluster' }] }] })).toBe('<Cluster>[/2]');
  });

  test('withDiagram fails without the markers', () => {
    expect(() => withDiagram('# no markers', 'x')).toThrow(`README.md must contain the markers ${DIAGRAM_START} and ${DIAGRAM_END}`);
  });
});
