import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { criticalPaths, renderPath } from '../../scripts/critical-path';

/** A cloud assembly with one stack of `resources` (logical id -> resource). */
function assembly(resources: Record<string, unknown>, extraStacks: Record<string, Record<string, unknown>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'critical-path-'));
  const stacks: Record<string, Record<string, unknown>> = { Pipeline: { Resources: resources }, ...extraStacks };
  const artifacts: Record<string, unknown> = {};
  for (const [id, template] of Object.entries(stacks)) {
    fs.writeFileSync(path.join(dir, `${id}.template.json`), JSON.stringify(template));
    artifacts[id] = { type: 'aws:cloudformation:stack', properties: { templateFile: `${id}.template.json` } };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  return dir;
}

const PIPELINE = {
  Vpc: { Type: 'AWS::EC2::VPC' },
  Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' } } },
  Cluster: { Type: 'AWS::MSK::Cluster', Properties: { BrokerNodeGroupInfo: { ClientSubnets: [{ Ref: 'Subnet' }] } } },
  Lookup: { Type: 'Custom::AWS', Properties: { Create: { 'Fn::Join': ['', ['{"ClusterArn":"', { Ref: 'Cluster' }, '"}']] } } },
  Plugin: { Type: 'AWS::KafkaConnect::CustomPlugin' },
  Connector: {
    Type: 'AWS::KafkaConnect::Connector',
    Properties: {
      KafkaCluster: { ApacheKafkaCluster: { BootstrapServers: { 'Fn::GetAtt': ['Lookup', 'BootstrapBrokerStringSaslIam'] } } },
      Plugins: [{ CustomPlugin: { CustomPluginArn: { 'Fn::Sub': '${Plugin.CustomPluginArn}' } } }],
    },
  },
};

describe('deploy critical-path estimate (scripts/critical-path.ts)', () => {
  test('the inherent chain: VPC -> subnet -> cluster -> bootstrap lookup -> connector, at the floor', () => {
    const [p] = criticalPaths(assembly(PIPELINE));
    expect(p.path.steps.map((s) => s.logicalId)).toEqual(['Vpc', 'Subnet', 'Cluster', 'Lookup', 'Connector']);
    expect(p.path.minutes).toBeCloseTo(0.3 + 0.1 + 25 + 0.5 + 8);
    expect(p.floor.minutes).toBeCloseTo(p.path.minutes);
  });

  test('a connector that waits on an unrelated custom resource (here one that reads the brokers) is above the floor', () => {
    const [p] = criticalPaths(assembly({
      ...PIPELINE,
      Handler: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SubnetIds: [{ Ref: 'Subnet' }] } } },
      Unrelated: { Type: 'Custom::Something', Properties: { ServiceToken: { 'Fn::GetAtt': ['Handler', 'Arn'] }, Brokers: { 'Fn::GetAtt': ['Lookup', 'Brokers'] } } },
      Connector: { ...PIPELINE.Connector, DependsOn: ['Unrelated'] },
    }));
    expect(renderPath(p.path)).toContain('Unrelated (Custom::Something');
    expect(p.path.minutes - p.floor.minutes).toBeCloseTo(0.5);
  });

  test('one connector waiting on another is above the floor (connectors are not an inherent chain)', () => {
    const [p] = criticalPaths(assembly({
      ...PIPELINE,
      Second: { ...PIPELINE.Connector, DependsOn: ['Connector'] },
    }));
    expect(p.path.steps.map((s) => s.logicalId)).toEqual(['Vpc', 'Subnet', 'Cluster', 'Lookup', 'Connector', 'Second']);
    expect(p.path.minutes - p.floor.minutes).toBeCloseTo(8);
  });

  test('across stacks: an import of another stack\'s export orders the importer after the exporter\'s resource', () => {
    const dir = assembly(PIPELINE, {
      Consumer: {
        Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { Name: { 'Fn::ImportValue': 'ConnectorArn' } } } },
      },
    });
    const template = JSON.parse(fs.readFileSync(path.join(dir, 'Pipeline.template.json'), 'utf-8'));
    template.Outputs = { Arn: { Value: { Ref: 'Connector' }, Export: { Name: 'ConnectorArn' } } };
    fs.writeFileSync(path.join(dir, 'Pipeline.template.json'), JSON.stringify(template));
    const consumer = criticalPaths(dir).find((p) => p.stack === 'Consumer')!;
    expect(consumer.path.steps.map((s) => s.logicalId)).toEqual(['Vpc', 'Subnet', 'Cluster', 'Lookup', 'Connector', 'Topic']);
  });

  test('a dependency cycle is an error, not a silent estimate', () => {
    expect(() => criticalPaths(assembly({
      A: { Type: 'AWS::SNS::Topic', DependsOn: ['B'] },
      B: { Type: 'AWS::SNS::Topic', DependsOn: ['A'] },
    }))).toThrow(/dependency cycle/);
  });
});
