import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, CfnResource, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
// The rule packs load on first use: cdk-nag alone takes ~1 s to load, and every test file imports testApp from here.
type CdkNag = typeof import('cdk-nag');
type CfnGuard = typeof import('@cdklabs/cdk-validator-cfnguard');
type CfnGuardValidator = InstanceType<CfnGuard['CfnGuardValidator']>;

/** One unacknowledged finding of a rule pack or validator. */
export interface Finding {
  /** The pack or plugin that reported it. */
  readonly source: string;
  /** The rule id (for cdk-nag, with the finding suffix, e.g. `AwsSolutions-IAM5[Resource::*]`). */
  readonly rule: string;
  /** Construct path of the violating resource. */
  readonly path: string;
  /** What the rule says. */
  readonly description: string;
  /** 'error', 'warning', ... */
  readonly severity: string;
}

/** Context every test app gets: CloudFormation Validate findings are errors, and synth never throws on them. */
const TEST_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/core:failSynthOnValidationErrors': false,
  // As under `cdk synth`, whose cloud assemblies carry no creation stacks: capturing a stack trace for every element
  // and annotation was about a tenth of the tests' construction time, for metadata no test reads.
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-stack-trace': true,
};

/**
 * A test App. The built-in CloudFormation Validate pass is off in tests (setup-env.ts); `validatorFindings` runs it.
 * Its cloud assembly goes to a fresh directory under the run's $TEST_CDK_OUTDIR (test/support/global-setup.js), which
 * the run removes at its end.
 */
export function testApp(props: AppProps = {}): App {
  const root = process.env.TEST_CDK_OUTDIR;
  const outdir = props.outdir ?? (root && fs.existsSync(root) ? fs.mkdtempSync(path.join(root, 'cdk.out-')) : undefined);
  // No tree.json: no test reads a test app's construct tree (the consumer test's own app writes one), and building it
  // was about a tenth of each synthesis.
  return new App({ treeMetadata: false, ...props, outdir, context: { ...TEST_CONTEXT, ...props.context } });
}

/**
 * Runs the four cdk-nag 3 packs (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1) on `scope` and returns
 * the findings that are not acknowledged with `Validations.of(resource).acknowledge(...)`.
 */
export function nagFindings(scope: IConstruct): Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see the type imports above)
  const { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } = require('cdk-nag') as CdkNag;
  const packs = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()];
  const findings: Finding[] = [];
  for (const pack of packs) {
    for (const v of pack.validateScope(scope).violations) {
      for (const r of v.violatingResources) {
        findings.push({ source: pack.readPackName, rule: v.ruleName, path: r.constructPath ?? '?', description: v.description, severity: v.severity ?? 'error' });
      }
    }
  }
  return findings;
}

let validatePlugin: CloudFormationValidatePlugin | undefined;
let guardRuleTypes: Map<string, Set<string>> | undefined;

/**
 * The resource types each Control Tower Guard rule file names, by rule id (`ct-s3-pr-1`). A rule selects its resources
 * by these type strings (`let S3_BUCKET_TYPE = "AWS::S3::Bucket"`), so on a template without any of them it can only
 * skip.
 */
function controlTowerRuleTypes(): Map<string, Set<string>> {
  if (!guardRuleTypes) {
    const root = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []);
    guardRuleTypes = new Map(files(root).map((f) => [path.basename(f, '.guard'), new Set(fs.readFileSync(f, 'utf-8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [])]));
  }
  return guardRuleTypes;
}

/**
 * The Control Tower rules that cannot apply to `app`: those naming resource types, none of which the app has. cfn-guard
 * evaluates every rule file in its own pass over each template (about 35 ms per rule on the CDC example), so leaving
 * these out is most of the Guard time, with the same findings (`test/compliance/support.test.ts` compares both).
 */
export function inapplicableGuardRules(app: IConstruct): string[] {
  const present = new Set(app.node.findAll().filter(CfnResource.isCfnResource).map((r) => r.cfnResourceType));
  return [...controlTowerRuleTypes()]
    .filter(([, types]) => types.size > 0 && ![...types].some((t) => present.has(t)))
    .map(([id]) => id);
}

/**
 * The validator plugins for a synthesis of `app`: cfn-guard with the Control Tower rules that can apply to it (all of
 * them with `allGuardRules`), and CloudFormation Validate, one instance per test file, which keeps its engine (~3 s
 * to start) for every later synthesis whose resource types it already knows.
 */
function validators(app: App, allGuardRules: boolean): [CfnGuardValidator, CloudFormationValidatePlugin] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see the type imports above)
  const { CfnGuardValidator: Guard } = require('@cdklabs/cdk-validator-cfnguard') as CfnGuard;
  validatePlugin = validatePlugin ?? new CloudFormationValidatePlugin();
  return [new Guard({ disabledRules: allGuardRules ? [] : inapplicableGuardRules(app) }), validatePlugin];
}

/**
 * Synthesizes the app of `stack` with aws-cdk-lib's CloudFormation Validate plugin (AWS's offline CloudFormation
 * validator: resource schemas and semantic rules) and the cfn-guard Control Tower rules, and returns the findings
 * that survive CDK's own acknowledgement handling — errors, warnings and everything else alike.
 */
export function validatorFindings(stack: Stack, options: { allGuardRules?: boolean } = {}): Finding[] {
  const app = stack.node.root as App;
  const previous = process.env.CDK_VALIDATION;
  Validations.of(app).addPlugins(...validators(app, options.allGuardRules ?? false));
  try {
    const assembly = app.synth({ force: true });
    const reportFile = path.join(assembly.directory, 'validation-report.json');
    if (!fs.existsSync(reportFile)) {
      return [];
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
    const findings: Finding[] = [];
    for (const plugin of report.pluginReports ?? []) {
      for (const v of plugin.violations ?? []) {
        for (const c of v.violatingConstructs ?? [{}]) {
          findings.push({
            source: plugin.pluginName,
            rule: v.ruleName,
            path: c.constructPath ?? c.cloudFormationResource?.logicalId ?? '?',
            description: v.description,
            severity: v.severity ?? 'error',
          });
        }
      }
    }
    return findings;
  } finally {
    process.env.CDK_VALIDATION = previous;
  }
}

/** Renders findings one a line, so a failing `expect(...).toEqual([])` shows what to fix. */
export function describeFindings(findings: Finding[]): string[] {
  return findings.map((f) => `${f.source} ${f.rule} at ${f.path}: ${f.description}`);
}
