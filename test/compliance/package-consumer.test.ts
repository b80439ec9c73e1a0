import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CDC_EXAMPLE, PIPELINE_EXAMPLE } from '../support/fixtures';
import { checkAssembly, ContractReport, describeProblems, lambdaFunctionsIn } from '../support/lambda-runtime-contract';

// The library as a consumer gets it: the real npm tarball (bundle, jsii compile, npm pack; see
// test/support/build-package.js), installed into a throwaway CDK app outside the repository, synthesized there, and
// every Lambda function of the consumer's cdk.out checked by the runtime-contract oracle. The other tests run the
// TypeScript in lib/; only this one sees what the package ships.
//
// In a full `npm test` the jest global setup starts the build in the background (test/support/global-setup.js), at
// low priority, and this test waits for it; run alone, it builds first. Where nothing outside test/ changed since the
// last successful build, the build takes that tarball from node_modules/.cache/package-build (the key and why it is
// safe: build-package.js). Wall time on the 2-core machine run alone: about 25 s building, a few seconds cached.
jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = 'msk-clickhouse-pipeline';

interface BuildResult {
  readonly ok: boolean;
  readonly tarball?: string;
  readonly files?: string[];
  readonly seconds: Record<string, number>;
  readonly log: string;
}

/** Temp folders this test made (the background build's folder included), removed at the end. */
const temporary: string[] = [];

async function packageBuild(): Promise<BuildResult> {
  let dir = process.env.PACKAGE_BUILD_DIR;
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-build-'));
    execFileSync(process.execPath, [path.join(__dirname, '..', 'support', 'build-package.js'), dir], { stdio: 'inherit' });
  }
  temporary.push(dir);
  const result = path.join(dir, 'result.json');
  for (let waited = 0; !fs.existsSync(result); waited += 250) {
    if (waited > 280_000) {
      throw new Error(`the background package build (${dir}) did not finish`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return JSON.parse(fs.readFileSync(result, 'utf-8'));
}

/**
 * A CDK app that uses every public construct: the two example stacks hold all of them (checked below), given the
 * example app's values as a JavaScript consumer writes them.
 */
const APP = `
const { App } = require('aws-cdk-lib');
const { Construct } = require('constructs');
const lib = require('${PACKAGE}');
// Asset metadata on, as \`cdk synth\` sets it: the oracle then finds each asset through aws:asset:path.
const app = new App({ outdir: process.argv[2], context: { 'aws:cdk:enable-asset-metadata': true } });
new lib.MskClickHousePipelineStack(app, 'Pipeline', ${JSON.stringify(PIPELINE_EXAMPLE)});
new lib.MySqlCdcToClickHouseStack(app, 'Cdc', ${JSON.stringify(CDC_EXAMPLE)});
app.synth();
// JavaScript lets a required prop be left out: the message the package gives then.
let missingProp;
try {
  new lib.MskClickHousePipelineStack(new App(), 'Missing', { ...${JSON.stringify(PIPELINE_EXAMPLE)}, sinkRelease: undefined });
} catch (e) {
  missingProp = e.message;
}
// The package's public construct classes, for the coverage check.
const constructs = Object.keys(lib).filter((k) => typeof lib[k] === 'function' && lib[k].prototype instanceof Construct);
console.log(JSON.stringify({ constructs, missingProp }));
`;

/** Fully qualified names of the constructs in the assembly's tree.json that come from `pkg`. */
function constructTypesIn(outdir: string, pkg: string): Set<string> {
  const found = new Set<string>();
  const walk = (node: any) => {
    const fqn: string | undefined = node.constructInfo?.fqn;
    if (fqn?.startsWith(`${pkg}.`)) {
      found.add(fqn.substring(pkg.length + 1));
    }
    Object.values(node.children ?? {}).forEach(walk);
  };
  walk(JSON.parse(fs.readFileSync(path.join(outdir, 'tree.json'), 'utf-8')).tree);
  return found;
}

describe('the npm package, installed into a consumer CDK app', () => {
  let build: BuildResult;
  let appDir: string;
  let outdir: string;
  let exported: string[];
  let missingProp: string | undefined;
  let reports: ContractReport[];

  beforeAll(async () => {
    build = await packageBuild();
    if (!build.ok) {
      return;
    }
    // Install: a package without dependencies (aws-cdk-lib and constructs are peers) is its tarball unpacked under
    // node_modules; the peers are this repository's, linked, as a consumer's app would have its own.
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-app-'));
    temporary.push(appDir);
    const installed = path.join(appDir, 'node_modules', PACKAGE);
    fs.mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['xzf', build.tarball!, '-C', installed, '--strip-components=1']);
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(appDir, 'node_modules', peer), 'dir');
    }
    fs.writeFileSync(path.join(appDir, 'app.js'), APP);
    outdir = path.join(appDir, 'cdk.out');
    const stdout = execFileSync(process.execPath, ['app.js', outdir], { cwd: appDir, encoding: 'utf-8', env: { ...process.env, CDK_VALIDATION: 'false' } });
    ({ constructs: exported, missingProp } = JSON.parse(stdout.trim().split('\n').pop()!));
    reports = await checkAssembly(outdir);
  });

  afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  test('the package builds', () => {
    expect(build.log).toBe('');
    expect(build.ok).toBe(true);
  });

  test('the tarball holds the compiled library and the handler bundles, and nothing from development', () => {
    const files = build.files!;
    const wanted = ['package.json', 'dist/index.js', 'dist/index.d.ts', '.jsii', 'assets/handlers/plugin-fetch/index.js', 'assets/handlers/cdc-setup/index.js'];
    const development = /^(test-reports|test|bin|scripts|lib|docs|\.ci)\/|^(tsconfig\.typecheck\.json|tsconfig\.json|cdk\.json|\.projenrc\.ts)$/;
    expect([
      ...wanted.filter((f) => !files.includes(f)).map((f) => `missing ${f}`),
      ...files.filter((f) => development.test(f)).map((f) => `carries ${f}`),
    ]).toEqual([]);
    // Unpacking the tarball is a faithful install only while the package has no dependencies of its own.
    const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules', PACKAGE, 'package.json'), 'utf-8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  test('the consumer app uses every public construct of the package', () => {
    expect(exported.length).toBeGreaterThanOrEqual(13);
    const missing = exported.filter((name) => !constructTypesIn(outdir, PACKAGE).has(name));
    // A new construct missing here: add it to APP above.
    expect(missing).toEqual([]);
  });

  test('a required prop left out by a JavaScript consumer is named', () => {
    expect(missingProp).toBe('`sinkRelease` is required: give the ClickHouse sink release and MSK config provider, pinned by SHA-256, got undefined');
  });

  test('every Lambda asset in the consumer\'s cdk.out holds the file its handler names, and loads on nodejs24.x', () => {
    expect(lambdaFunctionsIn(outdir).length).toBeGreaterThanOrEqual(5);
    expect(reports).toHaveLength(lambdaFunctionsIn(outdir).length);
    // Each report starts with the handler-file check (handlerFileProblem), then what the RIC said at init.
    expect(describeProblems(reports)).toEqual([]);
  });
});
