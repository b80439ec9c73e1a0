import * as fs from 'fs';
import * as path from 'path';
import { CfnTemplate } from '../support/cfn-resolver';
import { CASES, CaseOutcome, CaseResult, renderChangeSafetyDoc, RunAllCasesOptions } from '../support/change-cases';
import { changeProblems, resourceChanges } from '../support/change-safety';
import { inPlainNode } from '../support/plain-node';

const results: CaseResult[] = [];

/** The index in CASES of the first case that `is`. */
function caseIndex(what: string, is: (c: (typeof CASES)[number]) => boolean): number {
  const i = CASES.findIndex(is);
  if (i < 0) {
    throw new Error(`no change-safety case: ${what}`);
  }
  return i;
}

/** Cases whose replacements are carried on to other resources (see 'the diff of the changed part' below). */
const CARRIED = ['source checksum (new release)', 'kafkaVersion 3.8.x.kraft → 3.9.x.kraft', 'availabilityZoneCount 3 → 2', 'natGateways 3 → 1']
  .map((change) => caseIndex(change, (x) => x.change === change && x.construct !== 'PrivateSubnetWithNat'));
const WORKERS = caseIndex('maxPollRecords', (x) => x.change === 'maxPollRecords (worker configuration)');
const KAFKA = caseIndex('kafkaVersion', (x) => x.change.startsWith('kafkaVersion'));
const HOST = caseIndex('ClickHouse host name', (x) => x.change === 'ClickHouse host name');

// The cases' synthesis and diffs run in a worker thread, outside jest's sandbox (see plain-node.ts); the worker loads
// the same change-cases module, so its outcomes come in the order of CASES. It also diffs the CARRIED cases' whole
// templates and returns the templates the negative controls edit (synthesized again in here, those seven tests took
// 5.0 s of a whole-suite run; 1.5 s now run alone, most of it loading the diff engine).
let outcomes: CaseOutcome[];
beforeAll(async () => {
  const options: RunAllCasesOptions = { wholeTemplates: CARRIED, templates: [WORKERS, KAFKA, HOST] };
  outcomes = await inPlainNode<CaseOutcome[]>(path.join(__dirname, '..', 'support', 'change-cases.ts'), 'runAllCases', options);
  expect(outcomes).toHaveLength(CASES.length);
}, 180_000);

/** The two templates of case `i`, as the worker synthesized them. */
function templates(i: number): { before: CfnTemplate; after: CfnTemplate } {
  const { before, after, error } = outcomes[i];
  expect(error).toBeUndefined();
  return { before: before!, after: after! };
}

describe('a second deploy', () => {
  test.each(CASES.map((c, i) => [`${c.construct}: ${c.change}`, c, i] as const))('%s', (_name, c, i) => {
    const { error, ...outcome } = outcomes[i];
    expect(error).toBeUndefined();
    const result: CaseResult = { c, ...outcome };
    results.push(result);
    expect(result.problems).toEqual([]);
    expect(result.summary).toEqual(expect.arrayContaining(c.expect));
    // A known problem must still be there: otherwise the docs table would state a hazard that no longer exists.
    // And the table must say what it means.
    expect(c.knownProblems === undefined || c.hazard !== undefined).toBe(true);
    const all = changeProblems(result.changes);
    for (const k of c.knownProblems ?? []) {
      expect(all.some((p) => k.test(p))).toBe(true);
    }
  });

  test('docs/CHANGE-SAFETY.md matches the cases (run `npm run change-safety-doc` after changing them)', () => {
    expect(results).toHaveLength(CASES.length);
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'CHANGE-SAFETY.md'), 'utf-8');
    expect(doc).toBe(renderChangeSafetyDoc(results));
  });
});

// The diff reads only the resources that differ and those that mention them (diffInput in change-safety.ts). Where a
// replacement is carried on to other resources, through a reference, a revision or a create-only property, that part
// of the templates must give what the whole templates give. (All 169 cases agreed when the shortcut was made.)
describe('the diff of the changed part', () => {
  test.each(CARRIED.map((i) => [CASES[i].change, i] as const))('agrees with the diff of the whole templates: %s', (_change, i) => {
    const { changes, wholeTemplateChanges, error } = outcomes[i];
    expect(error).toBeUndefined();
    expect(changes.length).toBeGreaterThan(1);
    expect(wholeTemplateChanges).toEqual(changes);
  });
});

/** Negative controls: the oracle reports the naming defects it was built for. */
describe('negative controls', () => {
  const named = (t: CfnTemplate, type: string, prop: string, value: string) => {
    for (const r of Object.values(t.Resources).filter((x) => x.Type === type)) {
      r.Properties[prop] = value;
    }
  };

  test('a worker configuration whose name does not change with its content collides', () => {
    const { before, after } = templates(WORKERS);
    named(before, 'AWS::KafkaConnect::WorkerConfiguration', 'Name', 'fixed-name');
    named(after, 'AWS::KafkaConnect::WorkerConfiguration', 'Name', 'fixed-name');
    expect(changeProblems(resourceChanges(before, after))).toEqual([
      expect.stringMatching(/^SinkWorkerConfiguration\w+ \(AWS::KafkaConnect::WorkerConfiguration\) is replaced create-then-delete under the same name \(because PropertiesFileContent\)/),
    ]);
  });

  test('an MSK configuration named without the Kafka version collides on an upgrade', () => {
    const { before, after } = templates(KAFKA);
    named(before, 'AWS::MSK::Configuration', 'Name', 'S-Cluster-configuration');
    named(after, 'AWS::MSK::Configuration', 'Name', 'S-Cluster-configuration');
    expect(changeProblems(resourceChanges(before, after))).toEqual([
      expect.stringMatching(/^ClusterConfiguration\w+ \(AWS::MSK::Configuration\) is replaced create-then-delete under the same name \(because KafkaVersionsList\)/),
    ]);
  });

  test('a connector replaced by a description change, and a stateful resource replaced, are reported', () => {
    const { before, after } = templates(HOST);
    for (const r of Object.values(after.Resources).filter((x) => x.Type === 'AWS::KafkaConnect::Connector')) {
      r.Properties.ConnectorDescription = 'ClickHouse sink to xyz.eu-west-1.aws.clickhouse.cloud';
    }
    const changes = resourceChanges(before, after);
    expect(changes.find((x) => x.type === 'AWS::KafkaConnect::Connector')).toMatchObject({ impact: 'replace', strategy: 'delete_then_create', collides: false });
    for (const r of Object.values(after.Resources).filter((x) => x.Type === 'AWS::MSK::Cluster')) {
      r.Properties.ClusterName = 'renamed';
    }
    expect(changeProblems(resourceChanges(before, after))).toEqual([
      expect.stringMatching(/^Cluster\w+ \(AWS::MSK::Cluster\) is replaced \(ClusterName\): loses every topic and message of the cluster$/),
    ]);
  });
});
