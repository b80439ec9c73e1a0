import { awscdk, javascript, JsonFile } from 'projen';

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
    coverageText: false,
    jestConfig: {
      snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.ts'],
      setupFiles: ['<rootDir>/test/support/setup-env.ts'],
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
  ],

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
project.npmignore?.exclude('/bin/', '/cdk.json', '/cdk.out/', '/docs/', '/.ci/', '/scripts/', '/.cdk-app/', '/.bench/');

// Lambda handlers are plain JavaScript (no build step between the tested file and the shipped one): jsii compiles only
// TypeScript, so copy them next to the compiled library.
project.compileTask.exec('mkdir -p dist/handlers && cp -r lib/handlers/. dist/handlers/');

// ts-jest transpiles test files one by one (isolatedModules) for speed; one tsc pass type-checks tests and bin/.
// One program for tests, the example app and the scripts: a single tsc start instead of three.
new JsonFile(project, 'tsconfig.typecheck.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '.' },
    include: ['lib/**/*.ts', 'test/**/*.ts', 'bin/**/*.ts', 'scripts/**/*.ts'],
  },
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, the example app and the scripts (the library itself is checked by jsii)',
  steps: [{ exec: 'tsc --noEmit -p tsconfig.typecheck.json' }],
});
project.testTask.prependSpawn(typecheck);
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
project.addTask('bench', {
  description: 'Benchmark: synth time against an empty app, resources and synth time per connector, npm test wall time',
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

project.synth();
