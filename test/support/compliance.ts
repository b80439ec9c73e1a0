import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, AppProps, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

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
};

/** A test App. The built-in CloudFormation Validate pass is off in tests (setup-env.ts); `validatorFindings` runs it. */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...TEST_CONTEXT, ...props.context } });
}

/**
 * Runs the four cdk-nag 3 packs (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1) on `scope` and returns
 * the findings that are not acknowledged with `Validations.of(resource).acknowledge(...)`.
 */
export function nagFindings(scope: IConstruct): Finding[] {
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

/**
 * Synthesizes the app of `stack` with aws-cdk-lib's CloudFormation Validate plugin (AWS's offline CloudFormation
 * validator: resource schemas and semantic rules) and the cfn-guard Control Tower rules, and returns the findings
 * that survive CDK's own acknowledgement handling — errors, warnings and everything else alike.
 */
export function validatorFindings(stack: Stack): Finding[] {
  const app = stack.node.root as App;
  const previous = process.env.CDK_VALIDATION;
  Validations.of(app).addPlugins(new CfnGuardValidator(), new CloudFormationValidatePlugin());
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
