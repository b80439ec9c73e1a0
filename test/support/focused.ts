/**
 * Focused views of a synthesized template for snapshots a reviewer can read: one line per resource, per rule or per
 * policy statement, intrinsic functions written the way Fn::Sub writes them (`${Id}`, `${Id.Attr}`). A snapshot of
 * these changes only where something a reviewer decides on changes; behavioural tests assert the rules themselves.
 */
import { Template } from 'aws-cdk-lib/assertions';

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };

function resourcesOf(template: Template): Array<[string, Resource]> {
  return Object.entries((template.toJSON().Resources ?? {}) as Record<string, Resource>);
}

function ofType(template: Template, type: string): Array<[string, Resource]> {
  return resourcesOf(template).filter(([, r]) => r.Type === type);
}

/** A template value with intrinsic functions written as one string each (`${X}`, `${X.Arn}`, joins inlined). */
export function render(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(render);
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [fn, arg] = entries[0] as [string, any];
    const str = (v: unknown) => (typeof render(v) === 'string' ? render(v) as string : JSON.stringify(render(v)));
    switch (fn) {
      case 'Ref':
        return `\${${arg}}`;
      case 'Fn::GetAtt':
        return `\${${[arg].flat().join('.')}}`;
      case 'Fn::Join':
        return Array.isArray(arg[1]) ? (arg[1] as unknown[]).map(str).join(arg[0]) : `join('${arg[0]}', ${str(arg[1])})`;
      case 'Fn::Sub':
        return typeof arg === 'string' ? arg : `sub(${str(arg[0])}, ${str(arg[1])})`;
      case 'Fn::Select':
        return `select(${arg[0]}, ${str(arg[1])})`;
      case 'Fn::Split':
        return `split('${arg[0]}', ${str(arg[1])})`;
      case 'Fn::Base64':
        return `base64(${str(arg)})`;
      default:
        if (fn.startsWith('Fn::')) {
          return `${fn.slice(4)}(${(Array.isArray(arg) ? arg : [arg]).map(str).join(', ')})`;
        }
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, render(v)]));
}

const line = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const list = (v: unknown): string => (Array.isArray(v) && v.length === 0 ? 'none' : [render(v)].flat().map(line).join(', '));

/** One line per resource, sorted: `LogicalId -> Type`, with its deletion policy when it is not Delete. */
export function inventory(template: Template): string[] {
  return resourcesOf(template)
    .map(([id, r]) => `${id} -> ${r.Type}${r.DeletionPolicy && r.DeletionPolicy !== 'Delete' ? ` (${r.DeletionPolicy})` : ''}`)
    .sort();
}

/** The properties of every resource of `type`, by logical id, rendered, without `omit` (default: the service token). */
export function propertiesOf(template: Template, type: string, omit: string[] = ['ServiceToken']): Record<string, unknown> {
  return Object.fromEntries(ofType(template, type).map(([id, r]) => [
    id,
    render(Object.fromEntries(Object.entries(r.Properties ?? {}).filter(([k]) => !omit.includes(k)))),
  ]));
}

/** Each connector's `ConnectorConfiguration`, by logical id. */
export function connectorConfigurations(template: Template): Record<string, unknown> {
  return Object.fromEntries(ofType(template, 'AWS::KafkaConnect::Connector').map(([id, r]) => [id, render(r.Properties.ConnectorConfiguration)]));
}

/** A properties file (`a=b` lines, given rendered) as its lines. */
const propertyLines = (text: unknown): string[] => String(text).split('\n');

/** Each MSK configuration's server properties and each worker configuration's properties file, one line each. */
export function propertiesFiles(template: Template): Record<string, string[]> {
  return Object.fromEntries([
    ...ofType(template, 'AWS::MSK::Configuration').map(([id, r]) => [id, propertyLines(render(r.Properties.ServerProperties))]),
    ...ofType(template, 'AWS::KafkaConnect::WorkerConfiguration').map(([id, r]) => {
      const content = r.Properties.PropertiesFileContent;
      return [id, propertyLines(render(content['Fn::Base64'] ?? Buffer.from(String(content), 'base64').toString()))];
    }),
  ]);
}

/** A policy statement as one line: `Allow [principal] actions on resources [if Operator key=value]`. */
export function statementLine(s: any): string {
  const principal = (p: any): string => (typeof p === 'string' ? p
    : Object.entries(p as Record<string, unknown>).map(([kind, ids]) => `${kind}:${list(ids)}`).join(' '));
  const who = s.Principal !== undefined ? `${principal(s.Principal)} ` : s.NotPrincipal !== undefined ? `not(${principal(s.NotPrincipal)}) ` : '';
  const actions = s.Action !== undefined ? list(s.Action) : `not(${list(s.NotAction)})`;
  const on = s.Resource !== undefined ? ` on ${list(s.Resource)}` : s.NotResource !== undefined ? ` on not(${list(s.NotResource)})` : '';
  const conditions = Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)
    .flatMap(([op, tests]) => Object.entries(tests).map(([k, v]) => `${op} ${k}=${list(v)}`));
  return `${s.Effect} ${who}${actions}${on}${conditions.length ? ` if ${conditions.join(' and ')}` : ''}`;
}

const POLICY_DOCUMENTS: Record<string, (p: any) => Array<[string, any]>> = {
  'AWS::IAM::Policy': (p) => [['', p.PolicyDocument]],
  'AWS::IAM::ManagedPolicy': (p) => [['', p.PolicyDocument]],
  'AWS::IAM::Role': (p) => [
    ['trust: ', p.AssumeRolePolicyDocument],
    ...((p.Policies ?? []) as any[]).map((inline): [string, any] => [`${inline.PolicyName}: `, inline.PolicyDocument]),
  ],
  'AWS::KMS::Key': (p) => [['', p.KeyPolicy]],
  'AWS::S3::BucketPolicy': (p) => [['', p.PolicyDocument]],
  'AWS::SNS::TopicPolicy': (p) => [['', p.PolicyDocument]],
  'AWS::SecretsManager::ResourcePolicy': (p) => [['', p.ResourcePolicy]],
};

/**
 * Every policy of the template — identity policies, role trust and inline policies, key, bucket, topic and secret
 * policies — by `LogicalId (Type)`: what it is attached to, then one line per statement.
 */
export function policyStatements(template: Template): Record<string, string[]> {
  return Object.fromEntries(resourcesOf(template).filter(([, r]) => POLICY_DOCUMENTS[r.Type]).map(([id, r]) => {
    const p = r.Properties ?? {};
    const attached = [
      ...(p.Roles ? [`roles: ${list(p.Roles)}`] : []),
      ...(p.Users ? [`users: ${list(p.Users)}`] : []),
      ...(p.Groups ? [`groups: ${list(p.Groups)}`] : []),
      ...(p.ManagedPolicyArns ? [`managed policies: ${list(p.ManagedPolicyArns)}`] : []),
      ...(p.PermissionsBoundary ? [`boundary: ${list(p.PermissionsBoundary)}`] : []),
      ...(p.Bucket ? [`bucket: ${list(p.Bucket)}`] : []),
      ...(p.Topics ? [`topics: ${list(p.Topics)}`] : []),
      ...(p.SecretId ? [`secret: ${list(p.SecretId)}`] : []),
    ];
    const statements = POLICY_DOCUMENTS[r.Type](p).filter(([, doc]) => doc)
      .flatMap(([prefix, doc]) => ([doc.Statement].flat() as any[]).map((s) => `${prefix}${statementLine(s)}`));
    return [`${id} (${r.Type})`, [...attached, ...statements]];
  }));
}

function ruleLine(direction: 'ingress' | 'egress', rule: any): string {
  const peer = rule.CidrIp ?? rule.CidrIpv6 ?? rule.SourceSecurityGroupId ?? rule.DestinationSecurityGroupId
    ?? rule.SourcePrefixListId ?? rule.DestinationPrefixListId;
  const protocol = String(rule.IpProtocol) === '-1' ? 'all' : rule.IpProtocol;
  const ports = rule.FromPort === undefined ? '' : rule.FromPort === rule.ToPort ? ` ${rule.FromPort}` : ` ${rule.FromPort}-${rule.ToPort}`;
  const arrow = direction === 'ingress' ? '<-' : '->';
  return `${direction} ${protocol}${ports} ${arrow} ${line(render(peer))} '${rule.Description ?? ''}'`;
}

/**
 * Every security group by logical id: its description, then each of its rules, inline or separate, one line each,
 * sorted (`ingress tcp 9098 <- ${Peer.GroupId} 'description'`).
 */
export function securityGroupRules(template: Template): Record<string, string[]> {
  const groupOf = (ref: any) => String(render(ref)).replace(/^\$\{(.+?)(\.GroupId)?\}$/, '$1');
  const rules: Record<string, string[]> = {};
  const add = (group: string, rule: string) => (rules[group] ??= []).push(rule);
  const descriptions: Record<string, string> = {};
  for (const [id, sg] of ofType(template, 'AWS::EC2::SecurityGroup')) {
    descriptions[id] = `'${sg.Properties.GroupDescription}'`;
    rules[id] ??= [];
    for (const r of sg.Properties.SecurityGroupIngress ?? []) add(id, ruleLine('ingress', r));
    for (const r of sg.Properties.SecurityGroupEgress ?? []) add(id, ruleLine('egress', r));
  }
  for (const [, r] of ofType(template, 'AWS::EC2::SecurityGroupIngress')) add(groupOf(r.Properties.GroupId), ruleLine('ingress', r.Properties));
  for (const [, r] of ofType(template, 'AWS::EC2::SecurityGroupEgress')) add(groupOf(r.Properties.GroupId), ruleLine('egress', r.Properties));
  return Object.fromEntries(Object.entries(rules).map(([group, lines]) => [
    group,
    [...(descriptions[group] ? [descriptions[group]] : []), ...lines.sort()],
  ]));
}
