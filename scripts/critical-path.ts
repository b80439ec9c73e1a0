/**
 * Estimated deploy critical path of a cloud assembly: the template dependency graph (Ref, Fn::GetAtt, Fn::Sub, DependsOn
 * within a stack; Fn::ImportValue of another stack's export and the manifest's stack dependencies across stacks),
 * weighted by typical create times per resource type, and its longest path. CloudFormation creates a resource as soon
 * as everything it references exists, so the longest weighted path is the deploy's wall time, give or take.
 *
 * The floor path is the inherent chain: only the resources a pipeline cannot do without (network, cluster, database,
 * plugin, bootstrap lookup, CDC setup, connectors), linked only where one inherently waits for the other (FLOOR_EDGES)
 * and the templates really order them. A change that serializes resources (a connector waiting on an unrelated custom
 * resource, one connector waiting on another) makes the longest path longer than the floor.
 */
import * as fs from 'fs';
import * as path from 'path';

interface CreateTime {
  /** Typical minutes from CreateResource to CREATE_COMPLETE. */
  readonly minutes: number;
  /** Where the figure comes from. */
  readonly basis: string;
}

const MSK_GUIDE = 'https://docs.aws.amazon.com/msk/latest/developerguide/create-cluster.html';
const MSK_CONNECT_GUIDE = 'https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-connectors.html';
const NAT_GUIDE = 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html';
const AURORA_GUIDE = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.CreateInstance.html';
const LAMBDA_VPC_GUIDE = 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html';
const IAM_CONSISTENCY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency';
const CUSTOM_RESOURCES = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html';
const SECONDS = 'control-plane call that completes in seconds (estimate)';

/**
 * Typical create times. These are estimates for the order of magnitude of each step, not guarantees: the long
 * ones (MSK, MSK Connect, Aurora, NAT gateway, Lambda in a VPC) wait for the service to report the resource ready, as
 * the cited pages describe; the figure is what such a create typically takes.
 */
export const CREATE_TIMES: Record<string, CreateTime> = {
  'AWS::MSK::Cluster': { minutes: 25, basis: `provisioned cluster stays CREATING until its brokers are up, typically 15-30 min (${MSK_GUIDE})` },
  'AWS::KafkaConnect::Connector': { minutes: 8, basis: `connector stays CREATING while MSK Connect starts its workers, typically 5-10 min (${MSK_CONNECT_GUIDE})` },
  'AWS::KafkaConnect::CustomPlugin': { minutes: 1, basis: `plugin stays CREATING while MSK Connect reads the archive from S3, about 1 min (${MSK_CONNECT_GUIDE}, estimate)` },
  'AWS::KafkaConnect::WorkerConfiguration': { minutes: 0.1, basis: SECONDS },
  'AWS::MSK::Configuration': { minutes: 0.1, basis: SECONDS },
  'AWS::MSK::Topic': { minutes: 0.5, basis: 'topic created on the running cluster (estimate)' },
  'AWS::RDS::DBCluster': { minutes: 5, basis: `Aurora cluster (storage volume) until available, typically 5 min (${AURORA_GUIDE}, estimate)` },
  'AWS::RDS::DBInstance': { minutes: 10, basis: `Aurora DB instance until available, typically 10 min (${AURORA_GUIDE})` },
  'AWS::RDS::DBSubnetGroup': { minutes: 0.1, basis: SECONDS },
  'AWS::RDS::DBClusterParameterGroup': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::NatGateway': { minutes: 2, basis: `NAT gateway is pending until available, typically 1-2 min (${NAT_GUIDE})` },
  'AWS::EC2::VPC': { minutes: 0.3, basis: SECONDS },
  'AWS::EC2::Subnet': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::RouteTable': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::SubnetRouteTableAssociation': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::Route': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::EIP': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::InternetGateway': { minutes: 0.2, basis: SECONDS },
  'AWS::EC2::VPCGatewayAttachment': { minutes: 0.3, basis: SECONDS },
  'AWS::EC2::FlowLog': { minutes: 0.2, basis: SECONDS },
  'AWS::EC2::SecurityGroup': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::SecurityGroupIngress': { minutes: 0.1, basis: SECONDS },
  'AWS::EC2::SecurityGroupEgress': { minutes: 0.1, basis: SECONDS },
  'AWS::IAM::Role': { minutes: 0.3, basis: `CloudFormation waits out IAM's eventual consistency (${IAM_CONSISTENCY}, estimate)` },
  'AWS::IAM::ManagedPolicy': { minutes: 0.2, basis: `as a role (${IAM_CONSISTENCY}, estimate)` },
  'AWS::IAM::Policy': { minutes: 0.2, basis: `as a role (${IAM_CONSISTENCY}, estimate)` },
  'AWS::Lambda::Function': { minutes: 0.2, basis: SECONDS },
  'AWS::Lambda::Function(vpc)': { minutes: 1.5, basis: `a function in a VPC waits for its Hyperplane network interfaces, up to several minutes (${LAMBDA_VPC_GUIDE})` },
  'AWS::KMS::Key': { minutes: 0.3, basis: SECONDS },
  'AWS::Logs::LogGroup': { minutes: 0.05, basis: SECONDS },
  'AWS::SNS::Topic': { minutes: 0.1, basis: SECONDS },
  'AWS::SNS::TopicPolicy': { minutes: 0.1, basis: SECONDS },
  'AWS::SNS::Subscription': { minutes: 0.1, basis: SECONDS },
  'AWS::S3::Bucket': { minutes: 0.3, basis: SECONDS },
  'AWS::S3::BucketPolicy': { minutes: 0.1, basis: SECONDS },
  'AWS::SecretsManager::Secret': { minutes: 0.1, basis: SECONDS },
  'AWS::SecretsManager::SecretTargetAttachment': { minutes: 0.1, basis: SECONDS },
  'AWS::CloudWatch::Alarm': { minutes: 0.05, basis: SECONDS },
  'AWS::CloudWatch::Dashboard': { minutes: 0.05, basis: SECONDS },
  'AWS::CDK::Metadata': { minutes: 0, basis: 'not created (CDK usage metadata)' },
  'Custom::ConnectorPluginArtifact': { minutes: 1, basis: `custom resource: its handler downloads the plugin release and writes it to S3 (${CUSTOM_RESOURCES}, estimate)` },
  'Custom::MySqlCdcSetup': { minutes: 0.5, basis: `custom resource: its handler connects to the database and runs a few statements (${CUSTOM_RESOURCES}, estimate)` },
  'Custom::*': { minutes: 0.5, basis: `custom resource: one Lambda invocation and the response to CloudFormation (${CUSTOM_RESOURCES}, estimate)` },
};
const UNKNOWN: CreateTime = { minutes: 0.5, basis: 'type not in the table: assumed 0.5 min' };

/** Resource types of the inherent chain, and which of them inherently wait for which (when the templates order them). */
const FLOOR_EDGES: Array<[string, string]> = [
  ['AWS::EC2::VPC', 'AWS::EC2::Subnet'],
  ['AWS::EC2::Subnet', 'AWS::MSK::Cluster'],
  ['AWS::EC2::Subnet', 'AWS::RDS::DBSubnetGroup'],
  ['AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBCluster'],
  ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
  ['AWS::RDS::DBCluster', 'Custom::MySqlCdcSetup'],
  ['AWS::RDS::DBInstance', 'Custom::MySqlCdcSetup'],
  ['AWS::MSK::Cluster', 'Custom::AWS'], // the bootstrap broker lookup
  ['AWS::MSK::Cluster', 'AWS::KafkaConnect::Connector'],
  ['Custom::AWS', 'AWS::KafkaConnect::Connector'],
  ['Custom::MySqlCdcSetup', 'AWS::KafkaConnect::Connector'],
  ['Custom::ConnectorPluginArtifact', 'AWS::KafkaConnect::CustomPlugin'],
  ['AWS::KafkaConnect::CustomPlugin', 'AWS::KafkaConnect::Connector'],
  ['AWS::EC2::Subnet', 'AWS::KafkaConnect::Connector'],
];

export interface PathStep {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly minutes: number;
}

export interface CriticalPath {
  readonly minutes: number;
  readonly steps: PathStep[];
}

interface Node {
  readonly key: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly minutes: number;
  readonly deps: Set<string>;
}

export function createTime(type: string, properties: any): CreateTime {
  if (type === 'AWS::Lambda::Function' && properties?.VpcConfig !== undefined) {
    return CREATE_TIMES['AWS::Lambda::Function(vpc)'];
  }
  return CREATE_TIMES[type] ?? (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' ? CREATE_TIMES['Custom::*'] : UNKNOWN);
}

/** Logical ids of resources that `value` references (Ref, Fn::GetAtt, Fn::Sub), and export names it imports. */
function references(value: unknown, resources: Set<string>, out: Set<string>, imports: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, resources, out, imports));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof v === 'string' && resources.has(v)) {
      out.add(v);
    } else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
      if (typeof target === 'string' && resources.has(target)) {
        out.add(target);
      }
      references(v, resources, out, imports);
    } else if (key === 'Fn::Sub') {
      const [text, vars] = Array.isArray(v) ? v : [v, {}];
      if (typeof text === 'string') {
        for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const target = m[1].split('.')[0];
          if (resources.has(target)) {
            out.add(target);
          }
        }
      }
      references(vars, resources, out, imports);
    } else if (key === 'Fn::ImportValue' && typeof v === 'string') {
      imports.add(v);
    } else {
      references(v, resources, out, imports);
    }
  }
}

/** Builds the dependency graph of every stack of the cloud assembly in `outdir`. */
export function dependencyGraph(outdir: string): Map<string, Node> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const stacks = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const nodes = new Map<string, Node>();
  const exports = new Map<string, Set<string>>();
  const pendingImports: Array<[Node, string]> = [];
  for (const [stack, artifact] of stacks) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf-8'));
    const ids = new Set(Object.keys(template.Resources ?? {}));
    for (const [logicalId, r] of Object.entries<any>(template.Resources ?? {})) {
      if (r.Type === 'AWS::CloudFormation::Stack') {
        throw new Error(`${stack}/${logicalId}: nested stacks are not in the critical-path estimate yet`);
      }
      const deps = new Set<string>();
      const imports = new Set<string>();
      references(r.Properties ?? {}, ids, deps, imports);
      for (const d of [r.DependsOn ?? []].flat()) {
        deps.add(d);
      }
      const node: Node = {
        key: `${stack}/${logicalId}`,
        stack,
        logicalId,
        type: r.Type,
        minutes: createTime(r.Type, r.Properties).minutes,
        deps: new Set([...deps].map((d) => `${stack}/${d}`)),
      };
      nodes.set(node.key, node);
      imports.forEach((name) => pendingImports.push([node, name]));
    }
    for (const output of Object.values<any>(template.Outputs ?? {})) {
      if (typeof output.Export?.Name === 'string') {
        const refs = new Set<string>();
        references(output.Value, ids, refs, new Set());
        exports.set(output.Export.Name, new Set([...refs].map((d) => `${stack}/${d}`)));
      }
    }
  }
  for (const [node, name] of pendingImports) {
    const from = exports.get(name);
    if (!from) {
      throw new Error(`${node.key} imports ${name}, which no stack of the assembly exports`);
    }
    from.forEach((d) => node.deps.add(d));
  }
  // A stack that depends on another starts when that one is complete: each of its resources waits for all of the other's.
  for (const [stack, artifact] of stacks) {
    for (const dep of artifact.dependencies ?? []) {
      if (manifest.artifacts[dep]?.type !== 'aws:cloudformation:stack') {
        continue; // asset manifests
      }
      for (const node of nodes.values()) {
        if (node.stack === stack) {
          [...nodes.values()].filter((n) => n.stack === dep).forEach((n) => node.deps.add(n.key));
        }
      }
    }
  }
  return nodes;
}

function longestPath(
  nodes: Map<string, Node>, deps: (n: Node) => Iterable<string>, weight: (n: Node) => number, keys: Iterable<string>,
): CriticalPath {
  const memo = new Map<string, { minutes: number; prev?: string }>();
  const visiting = new Set<string>();
  const finish = (key: string): number => {
    const known = memo.get(key);
    if (known) {
      return known.minutes;
    }
    if (visiting.has(key)) {
      throw new Error(`dependency cycle through ${key}`);
    }
    visiting.add(key);
    const node = nodes.get(key)!;
    let best = 0;
    let prev: string | undefined;
    for (const d of deps(node)) {
      const f = finish(d);
      if (f > best) {
        best = f;
        prev = d;
      }
    }
    visiting.delete(key);
    const result = { minutes: best + weight(node), prev };
    memo.set(key, result);
    return result.minutes;
  };
  let end: string | undefined;
  let max = -1;
  for (const key of keys) {
    const f = finish(key);
    if (f > max) {
      max = f;
      end = key;
    }
  }
  const steps: PathStep[] = [];
  for (let k = end; k !== undefined; k = memo.get(k)!.prev) {
    const n = nodes.get(k)!;
    steps.unshift({ stack: n.stack, logicalId: n.logicalId, type: n.type, minutes: weight(n) });
  }
  return { minutes: Math.max(max, 0), steps };
}

/** The longest weighted path of each stack (with the stacks it depends on), and its inherent floor. */
export function criticalPaths(outdir: string): { stack: string; path: CriticalPath; floor: CriticalPath }[] {
  const nodes = dependencyGraph(outdir);
  const stacks = [...new Set([...nodes.values()].map((n) => n.stack))];
  const floorTypes = new Set(FLOOR_EDGES.flat());
  const floorPairs = new Set(FLOOR_EDGES.map(([a, b]) => `${a} ${b}`));
  // Floor edges: u -> v when v (transitively) waits for u in the templates and the pair of types is inherent.
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (key: string): Set<string> => {
    let set = ancestors.get(key);
    if (!set) {
      set = new Set();
      ancestors.set(key, set);
      for (const d of nodes.get(key)!.deps) {
        set.add(d);
        ancestorsOf(d).forEach((a) => set!.add(a));
      }
    }
    return set;
  };
  const floorDeps = (n: Node) => [...ancestorsOf(n.key)].filter((a) => floorPairs.has(`${nodes.get(a)!.type} ${n.type}`));
  return stacks.map((stack) => {
    const own = [...nodes.values()].filter((n) => n.stack === stack).map((n) => n.key);
    return {
      stack,
      path: longestPath(nodes, (n) => n.deps, (n) => n.minutes, own),
      floor: longestPath(nodes, (n) => (floorTypes.has(n.type) ? floorDeps(n) : []), (n) => (floorTypes.has(n.type) ? n.minutes : 0),
        own.filter((k) => floorTypes.has(nodes.get(k)!.type))),
    };
  });
}

export function renderPath(p: CriticalPath): string {
  return p.steps.filter((s) => s.minutes > 0).map((s) => `${s.logicalId} (${s.type}, ${s.minutes} min)`).join(' -> ');
}
