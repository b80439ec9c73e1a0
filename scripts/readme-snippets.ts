/**
 * Extracts the TypeScript snippets of README.md into one program, test/readme-snippets.generated.ts, that the
 * type-check task compiles and a test synthesizes. `npm run readme-snippets` rewrites it; a test fails when it is stale.
 *
 * The snippets run in order in one function, as a reader would paste them into one app. What they take as given
 * (README: "they assume a `stack`, ...") is declared by the preamble below.
 */
import * as fs from 'fs';
import * as path from 'path';

export const GENERATED = path.join(__dirname, '..', 'test', 'readme-snippets.generated.ts');
const PACKAGE = 'msk-clickhouse-pipeline';

/** What the README says the snippets assume. */
const PREAMBLE = `  const app = new App({ outdir });
  const stack = new Stack(app, 'ReadmeExample');
  const existingVpc = ec2.Vpc.fromVpcAttributes(stack, 'ExistingVpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.1.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    publicSubnetIds: ['subnet-0a1b2c3d4e5f60700', 'subnet-0a1b2c3d4e5f60701', 'subnet-0a1b2c3d4e5f60702'],
    publicSubnetIpv4CidrBlocks: ['10.1.0.0/24', '10.1.1.0/24', '10.1.2.0/24'],
    publicSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60700', 'rtb-0a1b2c3d4e5f60701', 'rtb-0a1b2c3d4e5f60702'],
  });
  const appSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'AppSecurityGroup', 'sg-0a1b2c3d4e5f60718');
  const appRole = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const sinkSha256 = 'a'.repeat(64);
  const debeziumSha256 = 'b'.repeat(64);
  const configProviderUrl = 'https://github.com/aws-samples/msk-config-providers/releases/download/r0.1.0/msk-config-providers-0.1.0-with-dependencies.zip';
  const configProviderSha256 = 'c'.repeat(64);
`;
const PREAMBLE_IMPORTS: Array<[string, string]> = [
  ['aws-cdk-lib', 'App'], ['aws-cdk-lib', 'Stack'],
  ['aws-cdk-lib/aws-ec2', '* as ec2'], ['aws-cdk-lib/aws-iam', '* as iam'],
];

/** The ```ts blocks of a Markdown text. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** The program of the README's snippets. */
export function renderSnippetProgram(readme: string): string {
  const named = new Map<string, Set<string>>();
  const namespaces = new Map<string, string>();
  const add = (module: string, spec: string) => {
    const target = module === PACKAGE ? '../lib' : module;
    if (spec.startsWith('* as ')) {
      namespaces.set(spec, target);
    } else {
      named.set(target, (named.get(target) ?? new Set()).add(spec));
    }
  };
  PREAMBLE_IMPORTS.forEach(([m, s]) => add(m, s));
  const bodies: string[] = [];
  for (const block of tsBlocks(readme)) {
    const body = block.replace(/^import\s+([\s\S]*?)\s+from\s+'([^']+)';\n/gm, (_all, what: string, module: string) => {
      if (what.startsWith('* as ')) {
        add(module, what);
      } else {
        what.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter((s) => s.length > 0).forEach((s) => add(module, s));
      }
      return '';
    });
    bodies.push(body.trim());
  }
  const declared = [...bodies.join('\n').matchAll(/^const (\w+) =/gm)].map((m) => m[1]);
  const imports = [
    ...[...namespaces].map(([spec, module]) => `import ${spec} from '${module}';`),
    ...[...named].map(([module, specs]) => `import { ${[...specs].sort().join(', ')} } from '${module}';`),
  ].sort((a, b) => a.split(' from ')[1].localeCompare(b.split(' from ')[1]));
  const indent = (text: string) => text.split('\n').map((l) => (l.length > 0 ? `  ${l}` : l)).join('\n');
  return [
    '// Generated from the TypeScript snippets of README.md by `npm run readme-snippets`: do not edit.',
    '/* eslint-disable */',
    ...imports,
    '',
    '/** The README\'s snippets, in order, as one app. */',
    'export function readmeApp(outdir?: string): App {',
    PREAMBLE + bodies.map((b, i) => `\n  // README snippet ${i + 1}\n${indent(b)}\n`).join(''),
    `  void [${declared.join(', ')}];`,
    '  return app;',
    '}',
    '',
  ].join('\n');
}

if (require.main === module) {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
  fs.writeFileSync(GENERATED, renderSnippetProgram(readme));
  console.log(`wrote ${path.relative(process.cwd(), GENERATED)} from ${tsBlocks(readme).length} README snippets`);
}
