import * as fs from 'fs';
import * as zlib from 'zlib';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { CfnTemplate, TemplateResolver } from './cfn-resolver';

/**
 * The change-safety oracle: what CloudFormation does to each resource when a stack goes from one template to the next
 * (the engine behind `cdk diff`, `@aws-cdk/cloudformation-diff`, with the update behaviour of every property from
 * `@aws-cdk/aws-service-spec`), plus what the diff engine does not model:
 *
 * - corrections where aws-service-spec is behind the current CloudFormation resource schemas (checked against
 *   aws-cloudformation/cfn-lint `src/cfnlint/data/schemas/providers/us_east_1/*.json`, commit 02c6d24);
 * - the replacement strategy (create-then-delete by default, delete-then-create where the schema says so), which decides
 *   whether an unchanged explicit name collides;
 * - replacements that travel along references: a resource whose create-only property refers to a replaced resource gets
 *   a new value at deploy time, and is replaced too.
 */

/** Where aws-service-spec differs from the current resource schema (cfn-lint commit 02c6d24). */
const SCHEMA_CORRECTIONS: Record<string, { updatable?: string[]; strategy?: 'delete_then_create' }> = {
  // aws-kafkaconnect-connector.json: ConnectorConfiguration, Capacity and Tags are not create-only;
  // "replacementStrategy": "delete_then_create".
  'AWS::KafkaConnect::Connector': { updatable: ['ConnectorConfiguration', 'Capacity', 'Tags'], strategy: 'delete_then_create' },
};

/** The explicit-name property of each named resource type the library writes. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::KafkaConnect::Connector': 'ConnectorName',
  'AWS::KafkaConnect::WorkerConfiguration': 'Name',
  'AWS::KafkaConnect::CustomPlugin': 'Name',
  'AWS::MSK::Configuration': 'Name',
  'AWS::MSK::Cluster': 'ClusterName',
  'AWS::MSK::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
};

/** What a replacement or deletion of a stateful resource loses. */
export const STATEFUL: Record<string, string> = {
  'AWS::MSK::Cluster': 'every topic and message of the cluster',
  'AWS::MSK::Topic': 'the topic\'s messages',
  'AWS::KMS::Key': 'access to everything encrypted with the key',
  'AWS::S3::Bucket': 'the bucket\'s objects',
  'AWS::Logs::LogGroup': 'the logs kept so far',
  'AWS::SecretsManager::Secret': 'the secret value (a new one is generated)',
  'AWS::RDS::DBCluster': 'the database',
  'AWS::RDS::DBInstance': 'the instance (the cluster keeps the data)',
};

export type Impact = 'update' | 'replace' | 'create' | 'destroy' | 'orphan';

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly impact: Impact;
  /** Properties whose change decided the impact (for a replacement: the create-only ones, or `ref:<id>` for one that travels). */
  readonly because: string[];
  /** For replacements: how CloudFormation replaces it. */
  readonly strategy?: 'create_then_delete' | 'delete_then_create';
  /** For replacements of a named resource created first: its name stays the same, so the create fails. */
  readonly collides?: boolean;
}

let createOnlyCache: Map<string, string[][]> | undefined;

/**
 * Create-only properties per type, from aws-service-spec (with the corrections above), as paths: top-level ones
 * (`['ClusterName']`) and nested ones (`['BrokerNodeGroupInfo', 'ClientSubnets']`), which the diff engine reports as
 * plain updates of their top-level property. `*` stands for every value of a map.
 */
function createOnlyPaths(type: string): string[][] {
  if (!createOnlyCache) {
    const db = JSON.parse(zlib.gunzipSync(fs.readFileSync(require.resolve('@aws-cdk/aws-service-spec/db.json.gz'))).toString());
    const types = new Map<string, any>(db.schema.typeDefinition.entities.map((t: any) => [t.$id, t]));
    const walk = (props: Record<string, any>, prefix: string[], seen: Set<string>): string[][] => Object.entries(props).flatMap(([name, prop]) => {
      const path = [...prefix, name];
      return prop.causesReplacement === 'yes' || prop.causesReplacement === 'maybe' ? [path] : nested(prop.type, path, seen);
    });
    const nested = (t: any, path: string[], seen: Set<string>): string[][] => {
      if (t?.type === 'array') {
        return nested(t.element, path, seen);
      }
      if (t?.type === 'map') {
        return nested(t.element, [...path, '*'], seen);
      }
      if (t?.type === 'union') {
        return t.types.flatMap((u: any) => nested(u, path, seen));
      }
      const id = t?.type === 'ref' ? t.reference.$ref : undefined;
      if (id === undefined || seen.has(id)) {
        return [];
      }
      return walk(types.get(id)?.properties ?? {}, path, new Set([...seen, id]));
    };
    createOnlyCache = new Map();
    for (const e of Object.values<any>(db.schema.resource.entities)) {
      createOnlyCache.set(e.cloudFormationType, walk(e.properties, [], new Set()));
    }
  }
  const updatable = SCHEMA_CORRECTIONS[type]?.updatable ?? [];
  return (createOnlyCache.get(type) ?? []).filter((path) => !updatable.includes(path[0]));
}

/** The values at `path` in `value`, through arrays. */
function valuesAt(value: any, path: string[]): any[] {
  if (Array.isArray(value)) {
    return value.flatMap((v) => valuesAt(v, path));
  }
  if (path.length === 0) {
    return [value];
  }
  if (!value || typeof value !== 'object') {
    return [];
  }
  const next = path[0] === '*' ? Object.values(value) : [value[path[0]]];
  return next.flatMap((v) => (v === undefined ? [] : valuesAt(v, path.slice(1))));
}

/** Every logical id `value` refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub). */
function references(value: any, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, out));
  } else if (value && typeof value === 'object') {
    const target = TemplateResolver.target(value);
    if (target) {
      out.add(target);
    }
    if (typeof value['Fn::Sub'] === 'string') {
      for (const m of (value['Fn::Sub'] as string).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) {
        out.add(m[1]);
      }
    }
    Object.values(value).forEach((v) => references(v, out));
  }
  return out;
}

/** Logical ids whose revision attribute `value` reads (`Fn::GetAtt [X, ...Revision]`). */
function revisionReads(value: any, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => revisionReads(v, out));
  } else if (value && typeof value === 'object') {
    const att = value['Fn::GetAtt'];
    if (Array.isArray(att) && /Revision$/.test(att[1])) {
      out.add(att[0]);
    }
    Object.values(value).forEach((v) => revisionReads(v, out));
  }
  return out;
}

/**
 * The part of both templates the diff has to read: the resources that differ, and every resource that mentions one of
 * them, transitively (cloudformation-diff carries a replacement on to the properties that refer to the replaced
 * resource). Any other resource is the same in both templates and refers to nothing that changes, so the diff has
 * nothing to say about it; leaving it out spared most of the diff's time (it copies, normalizes and deep-compares
 * both whole templates, again for every round of replacements it carries). "Mentions" over-approximates: the logical
 * id appears anywhere in the resource's JSON as a whole word.
 */
function diffInput(before: CfnTemplate, after: CfnTemplate): [CfnTemplate, CfnTemplate] {
  const text = new Map<string, string>();
  const kept = new Set<string>();
  for (const id of new Set([...Object.keys(before.Resources), ...Object.keys(after.Resources)])) {
    const was = JSON.stringify(before.Resources[id]);
    const is = JSON.stringify(after.Resources[id]);
    if (was !== is) {
      kept.add(id);
    }
    text.set(id, `${was}\n${is}`);
  }
  const mentions = (json: string, id: string) => new RegExp(`(?<![A-Za-z0-9])${id}(?![A-Za-z0-9])`).test(json);
  let grew = kept.size > 0;
  while (grew) {
    grew = false;
    for (const [id, json] of text) {
      if (!kept.has(id) && [...kept].some((k) => mentions(json, k))) {
        kept.add(id);
        grew = true;
      }
    }
  }
  const part = (t: CfnTemplate): CfnTemplate => ({ ...t, Resources: Object.fromEntries(Object.entries(t.Resources).filter(([id]) => kept.has(id))) });
  return [part(before), part(after)];
}

/** Options of {@link resourceChanges}. */
export interface ResourceChangesOptions {
  /**
   * Diff the whole templates rather than {@link diffInput}'s part of them (for the test that both agree).
   * @default false
   */
  readonly wholeTemplates?: boolean;
}

/** What CloudFormation does to each resource going from `before` to `after` (unchanged resources left out). */
export function resourceChanges(before: CfnTemplate, after: CfnTemplate, options: ResourceChangesOptions = {}): ResourceChange[] {
  const diff = options.wholeTemplates ? fullDiff(before, after) : fullDiff(...diffInput(before, after));
  const changes = new Map<string, ResourceChange>();
  diff.resources.forEachDifference((logicalId, change) => {
    const type = (change.newResourceType ?? change.oldResourceType)!;
    if (change.isAddition) {
      changes.set(logicalId, { logicalId, type, impact: 'create', because: [] });
      return;
    }
    if (change.isRemoval) {
      // A removed resource with DeletionPolicy Retain stays in the account, outside the stack.
      const retained = before.Resources[logicalId]?.DeletionPolicy === 'Retain';
      changes.set(logicalId, { logicalId, type, impact: retained ? 'orphan' : 'destroy', because: [] });
      return;
    }
    const changed = Object.keys(change.propertyUpdates);
    const corrected = SCHEMA_CORRECTIONS[type]?.updatable ?? [];
    const props = (t: CfnTemplate) => t.Resources[logicalId]?.Properties ?? {};
    const createOnlyChanged = createOnlyPaths(type).filter((path) => changed.includes(path[0])
      && JSON.stringify(valuesAt(props(before), path)) !== JSON.stringify(valuesAt(props(after), path))).map((path) => path.join('.'));
    const replacing = [...new Set([...createOnlyChanged, ...changed.filter((p) =>
      change.propertyUpdates[p].changeImpact === ResourceImpact.WILL_REPLACE && !corrected.includes(p) && !createOnlyChanged.some((c) => c.startsWith(`${p}.`)))])];
    if (replacing.length > 0) {
      changes.set(logicalId, { logicalId, type, impact: 'replace', because: replacing });
    } else if (changed.length > 0 || Object.keys(change.otherChanges).length > 0) {
      changes.set(logicalId, { logicalId, type, impact: 'update', because: changed });
    }
  });
  // Replacements travel: a create-only property that refers to a replaced resource changes value at deploy time.
  let grew = true;
  while (grew) {
    grew = false;
    for (const [logicalId, resource] of Object.entries(after.Resources)) {
      const current = changes.get(logicalId);
      if (current?.impact === 'replace' || current?.impact === 'create' || !before.Resources[logicalId]) {
        continue;
      }
      const props = resource.Properties ?? {};
      const travelling = createOnlyPaths(resource.Type).flatMap((path) =>
        [...references(valuesAt(props, path))].filter((id) => changes.get(id)?.impact === 'replace').map((id) => `${path.join('.')} (ref:${id})`));
      if (travelling.length > 0) {
        changes.set(logicalId, { logicalId, type: resource.Type, impact: 'replace', because: travelling });
        grew = true;
      }
    }
  }
  // Updates travel too where they change an attribute that others read: a configuration's new revision is applied to
  // the cluster that names it (`Fn::GetAtt [X, LatestRevision.Revision]`).
  for (const [logicalId, resource] of Object.entries(after.Resources)) {
    if (changes.has(logicalId) || !before.Resources[logicalId]) {
      continue;
    }
    const revisions = [...revisionReads(resource.Properties)].filter((id) => changes.get(id)?.impact === 'update');
    if (revisions.length > 0) {
      changes.set(logicalId, { logicalId, type: resource.Type, impact: 'update', because: revisions.map((id) => `revision of ${id}`) });
    }
  }
  return [...changes.values()].map((c) => {
    if (c.impact !== 'replace') {
      return c;
    }
    const strategy: ResourceChange['strategy'] = SCHEMA_CORRECTIONS[c.type]?.strategy ?? 'create_then_delete';
    const nameProp = NAME_PROPERTY[c.type];
    const name = (t: CfnTemplate) => JSON.stringify(t.Resources[c.logicalId]?.Properties?.[nameProp]);
    const collides = strategy === 'create_then_delete' && nameProp !== undefined
      && after.Resources[c.logicalId]?.Properties?.[nameProp] !== undefined && name(before) === name(after);
    return { ...c, strategy, collides };
  }).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

/** The problems of a change: name collisions, and stateful resources replaced or destroyed that the case does not expect. */
export function changeProblems(changes: ResourceChange[], expectedLoss: string[] = []): string[] {
  const problems: string[] = [];
  for (const c of changes) {
    if (c.collides) {
      problems.push(`${c.logicalId} (${c.type}) is replaced create-then-delete under the same name (because ${c.because.join(', ')}): the create fails with "already exists"`);
    }
    if ((c.impact === 'replace' || c.impact === 'destroy') && STATEFUL[c.type] && !expectedLoss.includes(c.logicalId)) {
      problems.push(`${c.logicalId} (${c.type}) is ${c.impact === 'replace' ? 'replaced' : 'deleted'} (${c.because.join(', ') || 'removed from the template'}): loses ${STATEFUL[c.type]}`);
    }
  }
  return problems;
}
