// The Lambda runtime-contract oracle: loads every Lambda function of a synthesized cloud assembly the way the
// Node.js runtime does, with the runtime's own loader, and reports what would fail at init.
//
// Rules and where they come from:
// - Handler loading and resolution: aws-lambda-ric 4.x `index.mjs` (UserFunctionLoader.load -> loadModule ->
//   resolveHandler, from the RIC's dist/function/*.js): `_HANDLER` is `<path>/<module>.<export>`, the module is looked
//   up in LAMBDA_TASK_ROOT as given, then with .js, .mjs, .cjs; a missing file is Runtime.ImportModuleError, a missing
//   export Runtime.HandlerNotFound. https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
// - Callback handlers: aws-lambda-ric 4.x dist/function/callback-deprecation.js, `shouldErrorOnCallbackFunction` =
//   `argsNum >= 3 && !streaming` and `errorOnDeprecatedCallback`, called by createRuntime (dist/utils/runtime-setup.js)
//   right after loading: a handler that declares 3 or more parameters fails init with
//   Runtime.CallbackHandlerDeprecated ("AWS Lambda has removed support for callback-based function handlers starting
//   with Node.js 24"). The RIC 4.x is the runtime client of nodejs24.x, hence MODELLED_RUNTIME.
// - Modules: only Node built-ins and the AWS SDK for JavaScript v3 are in the runtime
//   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, "Runtime-included SDK versions"); the runtime
//   resolves them through NODE_PATH, which includes /var/runtime/node_modules
//   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
//
// How: the function's asset directory is copied to a temp dir outside the repository (so no parent node_modules can
// satisfy an import), laid out like /var/task, with a /var/runtime/node_modules that holds only @aws-sdk (a symlink
// to this repository's devDependencies). Then `node <aws-lambda-ric 4.0.2>/index.mjs` runs with the runtime's
// environment (_HANDLER, LAMBDA_TASK_ROOT, AWS_EXECUTION_ENV=AWS_Lambda_nodejs24.x, NODE_PATH) against a fake Runtime
// API on 127.0.0.1: a POST to /runtime/init/error is an init failure, a GET of /runtime/invocation/next means init
// succeeded. The RIC's native transport is replaced by test/support/fake-rapid-client.cjs; nothing else is.
//
// Imports are checked dynamically, by loading, rather than by scanning the bundle: the loader sees exactly what runs
// at init (a static scan cannot tell a require at load from one inside a function, nor follow what a bundled
// dependency requires). Every require made by a file of the task root is logged, and anything that is not a built-in,
// `@aws-sdk/*` or a file inside the task root is reported, even if it happened to resolve.
//
// The aws-lambda-ric package is fetched with `npm pack` (registry or npm cache) into node_modules/.cache and checked
// against its pinned integrity: installing it would run its cmake preinstall, and its engines ask for Node >= 22.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { isBuiltin } from 'module';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

const REPO_ROOT = path.join(__dirname, '..', '..');
export const RIC_VERSION = '4.0.2';
/** `npm view aws-lambda-ric@4.0.2 dist.integrity` */
const RIC_INTEGRITY = 'sha512-FE5Vskx7mYNnqAnWWJXUOsLp2VGgdsJsCoRLFTa8L4Yk0QVtArqR8q58yPA++QC1a73ZWJXBQ2AH31nIAv7NOQ==';
/** The runtime whose runtime interface client is aws-lambda-ric 4.x, the one these rules are read from. */
export const MODELLED_RUNTIME = 'nodejs24.x';
const PRELOAD = path.join(__dirname, 'fake-rapid-client.cjs');
const INIT_TIMEOUT_MS = 20_000;

/** A Lambda function of a cloud assembly whose code is a local asset. */
export interface LambdaFunctionAsset {
  /** Stack artifact id. */
  readonly stack: string;
  readonly logicalId: string;
  readonly runtime?: string;
  readonly handler?: string;
  /** Absolute path of the asset directory in the assembly. */
  readonly assetDir: string;
}

/** What the oracle found for one function. An empty `problems` means it passes. */
export interface ContractReport {
  readonly fn: LambdaFunctionAsset;
  readonly problems: string[];
  /** The error the RIC posted to /runtime/init/error, if any. */
  readonly initError?: { errorType: string; errorMessage: string };
  /** Modules required by files of the task root while loading. */
  readonly imports: string[];
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: Record<string, any> }>;
}

/** Stack templates and asset manifests of an assembly directory, nested assemblies (stages) included. */
function assemblyFiles(outdir: string): { stacks: Array<{ id: string; template: any; dir: string }>; assets: Map<string, string> } {
  const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const stacks: Array<{ id: string; template: any; dir: string }> = [];
  const assets = new Map<string, string>();
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      stacks.push({ id, dir: outdir, template: JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties!.templateFile), 'utf-8')) });
    } else if (artifact.type === 'cdk:asset-manifest') {
      const files = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties!.file), 'utf-8')).files ?? {};
      for (const file of Object.values<any>(files)) {
        for (const destination of Object.values<any>(file.destinations ?? {})) {
          assets.set(destination.objectKey, path.join(outdir, file.source.path));
        }
      }
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const nested = assemblyFiles(path.join(outdir, artifact.properties!.directoryName));
      stacks.push(...nested.stacks);
      nested.assets.forEach((dir, key) => assets.set(key, dir));
    }
  }
  return { stacks, assets };
}

/**
 * Every `AWS::Lambda::Function` of the assembly in `outdir` whose code is a local asset (inline code, images and
 * code in other buckets are not this oracle's subject). The asset is found through the `aws:asset:path` metadata
 * when the app wrote it, else through the asset manifest entry whose object key is the function's `Code.S3Key`.
 */
export function lambdaFunctionsIn(outdir: string): LambdaFunctionAsset[] {
  const { stacks, assets } = assemblyFiles(outdir);
  const functions: LambdaFunctionAsset[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') {
        continue;
      }
      const code = resource.Properties?.Code ?? {};
      const metadataPath = resource.Metadata?.['aws:asset:path'];
      const assetDir = metadataPath ? path.join(stack.dir, metadataPath) : typeof code.S3Key === 'string' ? assets.get(code.S3Key) : undefined;
      if (!assetDir) {
        continue;
      }
      functions.push({ stack: stack.id, logicalId, runtime: resource.Properties.Runtime, handler: resource.Properties.Handler, assetDir });
    }
  }
  return functions;
}

/**
 * The file a handler string names, as the RIC resolves it (dist/utils/handler-path.js `parseHandlerString` and
 * dist/function/module-loader.js `loadModule`), or a problem if the asset has no such file.
 */
export function handlerFileProblem(assetDir: string, handler: string | undefined): string | undefined {
  if (!handler) {
    return 'no Handler';
  }
  const base = path.basename(handler);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match) {
    return `Handler ${handler} is not <module>.<export>`;
  }
  const moduleRoot = handler.substring(0, handler.indexOf(base)).replace(/\/$/, '');
  const candidates = ['', '.js', '.mjs', '.cjs'].map((ext) => path.join(moduleRoot, match[1] + ext));
  if (candidates.some((c) => fs.existsSync(path.join(assetDir, c)) && fs.statSync(path.join(assetDir, c)).isFile())) {
    return undefined;
  }
  const listing = fs.readdirSync(assetDir, { recursive: true }).map(String).sort().join(', ');
  return `Handler ${handler} names ${candidates.filter((c) => c.endsWith('.js')).join('')}, which is not in the asset (it holds: ${listing})`;
}

/** The unpacked aws-lambda-ric package (fetched once into node_modules/.cache), as the path of its index.mjs. */
export function ensureRic(): string {
  const dir = path.join(REPO_ROOT, 'node_modules', '.cache', 'lambda-runtime-contract', `aws-lambda-ric-${RIC_VERSION}`);
  const index = path.join(dir, 'package', 'index.mjs');
  if (fs.existsSync(index)) {
    return index;
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const temp = fs.mkdtempSync(`${dir}.tmp-`);
  const packed = JSON.parse(execFileSync('npm', ['pack', `aws-lambda-ric@${RIC_VERSION}`, '--json', '--prefer-offline', '--ignore-scripts', '--pack-destination', temp], {
    cwd: temp, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'],
  }))[0];
  if (packed.integrity !== RIC_INTEGRITY) {
    throw new Error(`aws-lambda-ric@${RIC_VERSION} has integrity ${packed.integrity}, expected ${RIC_INTEGRITY}`);
  }
  execFileSync('tar', ['xzf', path.join(temp, packed.filename), '-C', temp]);
  try {
    fs.renameSync(temp, dir);
  } catch (e) {
    // Another test process unpacked it first.
    fs.rmSync(temp, { recursive: true, force: true });
    if (!fs.existsSync(index)) {
      throw e;
    }
  }
  return index;
}

/** Throws unless no folder above `dir` holds a node_modules (which Node would search) and `dir` is outside the repo. */
function assertIsolated(dir: string): void {
  if (!path.relative(REPO_ROOT, dir).startsWith('..')) {
    throw new Error(`the task root ${dir} is inside the repository`);
  }
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) {
      throw new Error(`${d}/node_modules would satisfy imports of the task root ${dir}: choose another TMPDIR`);
    }
    if (d === path.dirname(d)) {
      return;
    }
  }
}

interface InitOutcome {
  readonly ready: boolean;
  readonly initError?: { errorType: string; errorMessage: string };
  readonly detail: string;
}

/** Runs the RIC on `taskRoot` against a fake Runtime API until init succeeds (first /next) or fails. */
async function runRic(ricIndex: string, taskRoot: string, runtimeDir: string, fn: LambdaFunctionAsset, importLog: string): Promise<InitOutcome> {
  let child: ChildProcess | undefined;
  let settle: (outcome: InitOutcome) => void = () => undefined;
  const done = new Promise<InitOutcome>((resolve) => { settle = resolve; });
  let initError: InitOutcome['initError'];
  let output = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/2018-06-01/runtime/init/error') {
        const parsed = JSON.parse(body || '{}');
        initError = { errorType: String(req.headers['lambda-runtime-function-error-type'] ?? parsed.errorType), errorMessage: String(parsed.errorMessage) };
        res.writeHead(202).end('{}');
      } else if (req.method === 'GET' && req.url === '/2018-06-01/runtime/invocation/next') {
        // The runtime asks for its first event only once the handler loaded: init succeeded. No event is sent.
        settle({ ready: true, detail: 'init succeeded' });
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => settle({ ready: false, detail: `no init result within ${INIT_TIMEOUT_MS} ms\n${output}` }), INIT_TIMEOUT_MS);
  try {
    child = spawn(process.execPath, ['--require', PRELOAD, ricIndex], {
      cwd: taskRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        _HANDLER: fn.handler ?? '',
        LAMBDA_TASK_ROOT: taskRoot,
        LAMBDA_RUNTIME_DIR: runtimeDir,
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
        NODE_PATH: [path.join(runtimeDir, 'node_modules'), runtimeDir, taskRoot].join(':'),
        LAMBDA_ORACLE_RIC_INDEX: ricIndex,
        LAMBDA_ORACLE_IMPORT_LOG: importLog,
      },
    });
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    child.on('exit', (code, signal) => settle({ ready: false, initError, detail: `runtime exited (${code ?? signal}) during init\n${output.slice(-4000)}` }));
    return await done;
  } finally {
    clearTimeout(timer);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Loads one function with the real runtime interface client and reports every broken rule. */
export async function checkRuntimeContract(fn: LambdaFunctionAsset): Promise<ContractReport> {
  const problems: string[] = [];
  if (fn.runtime !== MODELLED_RUNTIME) {
    problems.push(`Runtime ${fn.runtime}: the oracle models ${MODELLED_RUNTIME} (aws-lambda-ric ${RIC_VERSION}); a function on another runtime needs its own model`);
  }
  const fileProblem = handlerFileProblem(fn.assetDir, fn.handler);
  if (fileProblem) {
    problems.push(fileProblem);
  }
  const ricIndex = ensureRic();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-contract-'));
  try {
    const taskRoot = path.join(work, 'var', 'task');
    const runtimeDir = path.join(work, 'var', 'runtime');
    fs.cpSync(fn.assetDir, taskRoot, { recursive: true });
    fs.mkdirSync(path.join(runtimeDir, 'node_modules'), { recursive: true });
    const sdk = path.join(REPO_ROOT, 'node_modules', '@aws-sdk');
    if (fs.existsSync(sdk)) {
      fs.symlinkSync(sdk, path.join(runtimeDir, 'node_modules', '@aws-sdk'), 'dir');
    }
    assertIsolated(taskRoot);
    const importLog = path.join(work, 'imports.jsonl');
    const outcome = await runRic(ricIndex, taskRoot, runtimeDir, fn, importLog);
    if (!outcome.ready) {
      problems.push(outcome.initError ? `init failed: ${outcome.initError.errorType}: ${outcome.initError.errorMessage}` : outcome.detail);
    }
    const logged = fs.existsSync(importLog)
      ? fs.readFileSync(importLog, 'utf-8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { request: string; from: string })
      : [];
    for (const { request, from } of logged) {
      const insideTaskRoot = (request.startsWith('.') || path.isAbsolute(request))
        && !path.relative(taskRoot, path.resolve(taskRoot, path.dirname(from), request)).startsWith('..');
      if (!insideTaskRoot && !isBuiltin(request) && !request.startsWith('@aws-sdk/')) {
        problems.push(`${from} imports ${request} at load: the Lambda runtime provides only Node built-ins and @aws-sdk/* (bundle it)`);
      }
    }
    return { fn, problems, initError: outcome.initError, imports: [...new Set(logged.map((l) => l.request))].sort() };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Checks every local-asset Lambda function of the assembly in `outdir`, one after the other. */
export async function checkAssembly(outdir: string): Promise<ContractReport[]> {
  const reports: ContractReport[] = [];
  for (const fn of lambdaFunctionsIn(outdir)) {
    reports.push(await checkRuntimeContract(fn));
  }
  return reports;
}

/** One line per problem, for test failure messages: `<stack>/<logicalId>: <problem>`. */
export function describeProblems(reports: ContractReport[]): string[] {
  return reports.flatMap((r) => r.problems.map((p) => `${r.fn.stack}/${r.fn.logicalId}: ${p}`));
}
