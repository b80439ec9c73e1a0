import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { MySqlCdcToClickHouseStack } from '../../lib';
import { GENERATED, renderSnippetProgram, tsBlocks } from '../../scripts/readme-snippets';
import { readmeApp } from '../readme-snippets.generated';
import { CfnTemplate } from '../support/cfn-resolver';
import { CDC_EXAMPLE, ORDERS } from '../support/fixtures';
import { RuntimeOracle } from '../support/runtime-oracle';

const ROOT = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

describe('README', () => {
  test('the snippet program is current (run `npm run readme-snippets` after editing README snippets)', () => {
    expect(tsBlocks(readme).length).toBeGreaterThanOrEqual(4);
    expect(fs.readFileSync(GENERATED, 'utf-8')).toBe(renderSnippetProgram(readme));
  });

  test('the snippets, as one app, synthesize without errors, and what they deploy works at run time', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    const assembly = readmeApp(outdir).synth();
    const stack = assembly.getStackByName('ReadmeExample');
    expect(stack.messages.filter((m) => m.level === 'error').map((m) => m.entry.data)).toEqual([]);
    const template = stack.template as CfnTemplate;
    const count = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).length;
    expect(count('AWS::KafkaConnect::Connector')).toBe(3);
    expect(count('AWS::MSK::Cluster')).toBe(1);
    expect(count('AWS::RDS::DBCluster')).toBe(1);
    expect(await new RuntimeOracle(template, 'ReadmeExample').failures()).toEqual([]);
  }, 60_000);

  test('the deploy commands name the example app\'s stacks and only context keys it reads; every key it reads is documented', () => {
    const app = fs.readFileSync(path.join(ROOT, 'bin', 'app.ts'), 'utf-8');
    const stacks = [...app.matchAll(/new \w+Stack\(app, '([^']+)'/g)].map((m) => m[1]);
    const readKeys = new Set([...app.matchAll(/(?:ctx|list)\('([^']+)'\)/g)].map((m) => m[1]));
    const commands = [...readme.matchAll(/^npx cdk deploy(.*(?:\\\n.*)*)/gm)].map((m) => m[1]);
    expect(commands.length).toBe(stacks.length);
    const deployed = commands.map((c) => c.trim().split(/\s+/)[0]);
    expect(deployed.sort()).toEqual([...stacks].sort());
    const usedKeys = new Set(commands.flatMap((c) => [...c.matchAll(/-c ([\w:]+)=/g)].map((m) => m[1])));
    expect([...usedKeys].filter((k) => !readKeys.has(k))).toEqual([]);
    const documented = new Set([...readme.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([\w:]+)`/g)].map((k) => k[1])));
    expect([...readKeys].filter((k) => !documented.has(k))).toEqual([]);
  });

  test('the CDC table the README shows is what the example sink\'s createTableStatement gives', () => {
    const ddl = new MySqlCdcToClickHouseStack(new App(), 'Cdc', CDC_EXAMPLE).sink.createTableStatement(ORDERS);
    expect(readme).toContain('```sql\n' + ddl + '```');
  });
});
