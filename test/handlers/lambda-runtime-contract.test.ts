import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AuroraMySqlCdcSource, ConnectorPlugin, MskClickHousePipelineStack, MySqlCdcToClickHouseStack, PluginSource, PrivateSubnetWithNat,
} from '../../lib';
import { testApp } from '../support/compliance';
import { CDC_EXAMPLE, EXAMPLE_SHA256, PIPELINE_EXAMPLE } from '../support/fixtures';
import { checkAssembly, checkRuntimeContract, ContractReport, describeProblems, lambdaFunctionsIn } from '../support/lambda-runtime-contract';

// Loading a function with the real runtime interface client takes 0.2-1 s; the assembly below has 9 functions.
jest.setTimeout(120_000);

const BUNDLES = path.join(__dirname, '..', '..', 'assets', 'handlers');
const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Synthesizes one function whose asset holds `files`, and runs the oracle on it. */
async function oracleOn(files: Record<string, string>, handler: string, runtime = lambda.Runtime.NODEJS_24_X): Promise<ContractReport> {
  const assetDir = tempDir('contract-asset-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(assetDir, name)), { recursive: true });
    fs.writeFileSync(path.join(assetDir, name), content);
  }
  const outdir = tempDir('contract-out-');
  const app = new App({ outdir });
  new lambda.Function(new Stack(app, 'S'), 'Fn', { runtime, handler, code: lambda.Code.fromAsset(assetDir) });
  app.synth();
  const functions = lambdaFunctionsIn(outdir);
  expect(functions).toHaveLength(1);
  return checkRuntimeContract(functions[0]);
}

// Negative controls: each shows the oracle fails on one way a Lambda breaks at init, so its green verdict on the
// library's stacks below means something. The positive control shows it does not fail everything.
describe('Lambda runtime-contract oracle', () => {
  test('passes an async (event, context) handler that uses the AWS SDK of the runtime', async () => {
    const report = await oracleOn({
      'index.js': "const { S3Client } = require('@aws-sdk/client-s3');\nconst crypto = require('node:crypto');\nexports.handler = async (event, context) => ({ ok: typeof S3Client, id: crypto.randomUUID() });\n",
    }, 'index.handler');
    expect(report.problems).toEqual([]);
    expect(report.imports).toEqual(['@aws-sdk/client-s3', 'node:crypto']);
  });

  test('fails a handler that declares a third (callback) parameter', async () => {
    const report = await oracleOn({ 'index.js': 'exports.handler = async (event, context, callback) => callback(null, 1);\n' }, 'index.handler');
    expect(report.initError?.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(report.problems).toEqual([expect.stringContaining('init failed: Runtime.CallbackHandlerDeprecated: ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24')]);
  });

  test('fails a handler string that names a file the asset does not have (handlers nested one folder too deep)', async () => {
    const report = await oracleOn({ 'handlers/plugin-fetch.js': 'exports.handler = async (event, context) => 1;\n' }, 'plugin-fetch.handler');
    expect(report.initError?.errorType).toBe('Runtime.ImportModuleError');
    expect(report.problems).toEqual([
      'Handler plugin-fetch.handler names plugin-fetch.js, which is not in the asset (it holds: handlers, handlers/plugin-fetch.js)',
      expect.stringContaining("init failed: Runtime.ImportModuleError: Error: Cannot find module 'plugin-fetch'"),
    ]);
  });

  test('fails a handler that imports a package it did not bundle, even one installed in this repository', async () => {
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'node_modules', 'fflate'))).toBe(true);
    const report = await oracleOn({ 'index.js': "const { zipSync } = require('fflate');\nexports.handler = async (event) => zipSync({});\n" }, 'index.handler');
    expect(report.initError?.errorType).toBe('Runtime.ImportModuleError');
    expect(report.problems).toEqual([
      expect.stringContaining("init failed: Runtime.ImportModuleError: Error: Cannot find module 'fflate'"),
      'index.js imports fflate at load: the Lambda runtime provides only Node built-ins and @aws-sdk/* (bundle it)',
    ]);
  });

  test('fails a handler that is not exported', async () => {
    const report = await oracleOn({ 'index.js': 'exports.main = async (event) => 1;\n' }, 'index.handler');
    expect(report.initError?.errorType).toBe('Runtime.HandlerNotFound');
  });

  test('fails a function on a runtime it does not model', async () => {
    const report = await oracleOn({ 'index.js': 'exports.handler = async (event) => 1;\n' }, 'index.handler', lambda.Runtime.NODEJS_22_X);
    expect(report.problems).toEqual(['Runtime nodejs22.x: the oracle models nodejs24.x (aws-lambda-ric 4.0.2); a function on another runtime needs its own model']);
  });
});

describe('the Lambda functions of the library load on the nodejs24.x runtime', () => {
  // Both example stacks, plus the smallest stacks that hold each handler.
  const outdir = tempDir('contract-stacks-');
  const app = testApp({ outdir });
  new MskClickHousePipelineStack(app, 'Pipeline', PIPELINE_EXAMPLE);
  new MySqlCdcToClickHouseStack(app, 'Cdc', CDC_EXAMPLE);
  const pluginOnly = new Stack(app, 'PluginOnly');
  new ConnectorPlugin(pluginOnly, 'Plugin', { source: PluginSource.fromUrl({ url: 'https://example.com/c-1.0.0.zip', sha256: EXAMPLE_SHA256 }) });
  const sourceOnly = new Stack(app, 'SourceOnly');
  const network = new PrivateSubnetWithNat(sourceOnly, 'Net', { flowLogs: false });
  new AuroraMySqlCdcSource(sourceOnly, 'Source', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  app.synth();
  let reports: ContractReport[];

  beforeAll(async () => {
    reports = await checkAssembly(outdir);
  });

  test('every function passes the oracle', () => {
    expect(reports.length).toBeGreaterThanOrEqual(9);
    expect(new Set(reports.map((r) => r.fn.stack))).toEqual(new Set(['Pipeline', 'Cdc', 'PluginOnly', 'SourceOnly']));
    expect(describeProblems(reports)).toEqual([]);
  });

  test('each handler of lib/handlers is among them, in its own asset that holds only its bundle', () => {
    const names = fs.readdirSync(BUNDLES);
    expect(names.sort()).toEqual(['cdc-setup', 'plugin-fetch']);
    for (const name of names) {
      const bundle = fs.readFileSync(path.join(BUNDLES, name, 'index.js'));
      const mine = reports.filter((r) => fs.existsSync(path.join(r.fn.assetDir, 'index.js')) && fs.readFileSync(path.join(r.fn.assetDir, 'index.js')).equals(bundle));
      expect(mine.map((r) => r.fn.stack).sort()).toEqual(name === 'plugin-fetch' ? ['Cdc', 'Pipeline', 'PluginOnly'] : ['Cdc', 'SourceOnly']);
      for (const r of mine) {
        expect(r.fn.handler).toBe('index.handler');
        expect(fs.readdirSync(r.fn.assetDir).sort()).toEqual(fs.readdirSync(path.join(BUNDLES, name)).sort());
      }
    }
    const cdc = reports.filter((r) => r.fn.stack === 'Cdc' && r.fn.logicalId.match(/PluginStoreHandler|SetupHandler/));
    expect(new Set(cdc.map((r) => r.fn.assetDir)).size).toBe(2);
  });
});
