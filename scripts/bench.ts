/**
 * Benchmark, reported as ratios and per-connector figures measured in the same run (absolute times on a shared
 * machine are noise):
 *
 * 1. `npx cdk synth` of the example app ÷ the floor app (scripts/bench-floor.ts: the example's templates, byte for
 *    byte, from raw `CfnResource`s, generated from the example's cloud assembly and checked identical) and ÷ an empty
 *    aws-cdk-lib app: same CLI, same cdk.json context (CloudFormation Validate on), alternating, medians of BENCH_RUNS.
 * 2. Estimated deploy critical path (scripts/critical-path.ts): the longest path of the templates' dependency graph
 *    weighted by typical create times per resource type, next to the inherent floor chain.
 * 3. Scale: one stack, one cluster, 1 / 10 / 50 ClickHouse sinks that share what can be shared (plugin, worker
 *    configuration, security group, log group, alarm topic): resources and synth time added per connector, template
 *    size, and how many connectors fit under CloudFormation's 500-resource and 1 MB template limits.
 * 4. Wall time of `npm test` (with the slowest test files), with the package build and with it cached, and of the unit
 *    project alone (`npm run test:unit`).
 *
 * Ends with the five figures of issue #17 as one table.
 *
 *   npm run bench              # everything
 *   npm run bench -- --quick   # skip the two test runs
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ClickHouseEndpoint, ClickHouseSinkConnector, ConnectorPlugin, MskCluster, PluginSource, PrivateSubnetWithNat, WorkerConfiguration,
} from '../lib';
import { assertSameTemplates, generateFloorApp } from './bench-floor';
import { CREATE_TIMES, criticalPaths, renderPath } from './critical-path';
import { createAlarmTopic } from '../lib/private/alarm-topic';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundleHandlers } = require('./bundle-handlers');

const ROOT = path.join(__dirname, '..');
const WORK = path.join(ROOT, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CFN_RESOURCE_LIMIT = 500;
const CFN_TEMPLATE_BYTES_LIMIT = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeCommand(command: string): number {
  const start = process.hrtime.bigint();
  execSync(command, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Wall seconds and CPU seconds (user + system of the command and every process it waited for, from GNU time) of one
 * run. The CPU figure is much less sensitive to other load on the machine than the wall time; NaN without GNU time.
 */
function timeSynth(command: string): { wall: number; cpu: number } {
  if (!fs.existsSync(GNU_TIME)) {
    return { wall: timeCommand(command), cpu: NaN };
  }
  const out = path.join(WORK, 'time.txt');
  const wall = timeCommand(`${GNU_TIME} -f "%U %S" -o ${out} ${command}`);
  const [user, sys] = fs.readFileSync(out, 'utf-8').trim().split(/\s+/).slice(-2).map(Number);
  return { wall, cpu: user + sys };
}

interface SynthFigures {
  /** Median wall seconds. */
  readonly example: number;
  readonly floor: number;
  readonly empty: number;
  /** Median CPU seconds. */
  readonly cpu: { example: number; floor: number; empty: number };
  /** Files of the floor's cloud assembly checked byte-identical to the example's. */
  readonly identical: string[];
}

/** The example app, the floor app and an empty app, through the same `npx cdk synth`, alternating. */
function synthRatios(): SynthFigures {
  const emptyDir = path.join(WORK, 'empty');
  fs.mkdirSync(emptyDir, { recursive: true });
  fs.writeFileSync(path.join(emptyDir, 'app.js'), [
    "const { App, Stack } = require('aws-cdk-lib');",
    'const app = new App();',
    "new Stack(app, 'Empty');",
    'app.synth();',
    '',
  ].join('\n'));
  const exampleOut = path.join(WORK, 'out-example');
  const floorOut = path.join(WORK, 'out-floor');
  const floorDir = path.join(WORK, 'floor');
  const commands = {
    example: `npx cdk synth -q -o ${exampleOut}`,
    floor: `npx cdk synth -q --app "node ${path.join(floorDir, 'app.js')}" -o ${floorOut}`,
    empty: `npx cdk synth -q --app "node ${path.join(emptyDir, 'app.js')}" -o ${path.join(WORK, 'out-empty')}`,
  };
  // The example first (its cloud assembly is the floor's source), then one run of each as warm-up (disk caches).
  fs.rmSync(exampleOut, { recursive: true, force: true });
  fs.rmSync(floorOut, { recursive: true, force: true });
  timeCommand(commands.example);
  generateFloorApp(exampleOut, floorDir);
  timeCommand(commands.floor);
  assertSameTemplates(exampleOut, floorOut);
  timeCommand(commands.empty);
  const times = { example: [] as number[], floor: [] as number[], empty: [] as number[] };
  const cpu = { example: [] as number[], floor: [] as number[], empty: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order, so that no app always runs right after the same other one.
    const order = (['example', 'floor', 'empty'] as const).map((_, j, all) => all[(i + j) % all.length]);
    for (const app of order) {
      const t = timeSynth(commands[app]);
      times[app].push(t.wall);
      cpu[app].push(t.cpu);
    }
  }
  // Still the same bytes after the timed runs.
  const identical = assertSameTemplates(exampleOut, floorOut);
  return {
    example: median(times.example),
    floor: median(times.floor),
    empty: median(times.empty),
    cpu: { example: median(cpu.example), floor: median(cpu.floor), empty: median(cpu.empty) },
    identical,
  };
}

/** One stack with `count` ClickHouse sinks on one cluster, sharing everything a sink can share. */
function scaleStack(count: number): Stack {
  const app = new App({ outdir: path.join(WORK, `out-scale-${count}`) });
  const stack = new Stack(app, `Scale${count}`);
  const network = new PrivateSubnetWithNat(stack, 'Network');
  const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
  const topic = createAlarmTopic(stack, 'Alarms', 'Alarms');
  const plugin = new ConnectorPlugin(stack, 'Plugin', {
    source: PluginSource.fromUrl({
      url: ClickHouseSinkConnector.releaseUrl('1.3.5'),
      sha256: '0'.repeat(64),
      extraArtifacts: [{ url: 'https://example.com/msk-config-providers.zip', sha256: '0'.repeat(64) }],
    }),
  });
  const workers = new WorkerConfiguration(stack, 'Workers', { secretsManagerConfigProvider: true });
  const securityGroup = new ec2.SecurityGroup(stack, 'SinkWorkers', {
    vpc: network.vpc, allowAllOutbound: false, description: 'Workers of the ClickHouse sinks',
  });
  const logGroup = new logs.LogGroup(stack, 'SinkLogs', { retention: logs.RetentionDays.ONE_YEAR });
  const credentials = secretsmanager.Secret.fromSecretNameV2(stack, 'Credentials', 'clickhouse/ingest');
  for (let i = 0; i < count; i++) {
    new ClickHouseSinkConnector(stack, `Sink${i}`, {
      cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnetSelection,
      connectorName: `sink-${i}`,
      endpoint: ClickHouseEndpoint.cloud({ hostname: 'example.clickhouse.cloud' }),
      credentials,
      topics: [`events-${i}`],
      plugin,
      workerConfiguration: workers,
      securityGroups: [securityGroup],
      logging: { logGroup },
      alarms: { topic },
    });
  }
  return stack;
}

function measureScale(counts: number[]) {
  process.env.CDK_VALIDATION = 'false';
  const rows = counts.map((count) => {
    const times: number[] = [];
    let template: any;
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint();
      const stack = scaleStack(count);
      template = (stack.node.root as App).synth().getStackByName(stack.stackName).template;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return { count, resources: Object.keys(template.Resources).length, bytes: JSON.stringify(template).length, ms: median(times) };
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  const span = last.count - first.count;
  const perConnector = {
    resources: (last.resources - first.resources) / span,
    bytes: (last.bytes - first.bytes) / span,
    ms: (last.ms - first.ms) / span,
  };
  const base = { resources: first.resources - perConnector.resources * first.count, bytes: first.bytes - perConnector.bytes * first.count };
  const fitByResources = Math.floor((CFN_RESOURCE_LIMIT - base.resources) / perConnector.resources);
  const fitByBytes = Math.floor((CFN_TEMPLATE_BYTES_LIMIT - base.bytes) / perConnector.bytes);
  return { rows, perConnector, base, fit: Math.min(fitByResources, fitByBytes), fitByResources, fitByBytes };
}

interface TestRun {
  readonly seconds: number;
  readonly slowest: string[];
  readonly summary: string;
}

/** One `npm test`, its output in .bench/<log>. */
function npmTest(log: string, env: NodeJS.ProcessEnv = {}): TestRun {
  const start = process.hrtime.bigint();
  const out = execSync('npm test 2>&1', { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.writeFileSync(path.join(WORK, log), out);
  const summary = fs.readFileSync(path.join(ROOT, 'test-reports', 'summary.json'), 'utf-8');
  const files = [...out.matchAll(/^PASS (?:\S+ )?(\S+\.test\.ts) \(([\d.]+) s\)/gm)].map((m) => ({ file: m[1], s: Number(m[2]) }));
  files.sort((a, b) => b.s - a.s);
  return { seconds, slowest: files.slice(0, 3).map((f) => `${f.file} ${f.s.toFixed(1)} s`), summary };
}

/**
 * `npm test` twice: first with the package build of the consumer test (PACKAGE_BUILD_CACHE=off: what a run after a
 * change outside test/ does), then with the tarball that build left in the cache (a run after editing only tests).
 * Then the unit project.
 */
function measureTests(): { built: TestRun; cached: TestRun; unitSeconds: number; unitTests: number } {
  const built = npmTest('npm-test.log', { PACKAGE_BUILD_CACHE: 'off' });
  const cached = npmTest('npm-test-cached.log');
  const summary = cached.summary;
  const start = process.hrtime.bigint();
  const unit = execSync('npx projen test:unit 2>&1', { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const unitSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const unitTests = Number(/^Tests:.*?(\d+) total/m.exec(unit)?.[1] ?? NaN);
  // The unit run rewrites the summary; keep the one of npm test (both projects) for .ci/run's reader.
  fs.writeFileSync(path.join(ROOT, 'test-reports', 'summary.json'), summary);
  return { built, cached, unitSeconds, unitTests };
}

function main(): void {
  const quick = process.argv.includes('--quick');
  fs.mkdirSync(WORK, { recursive: true });
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };

  // The scale stacks below are built from lib/ in this process, and the constructs take their Lambda code from
  // assets/handlers: bundle it first, as the jest setup does, so a fresh clone does not fail after the synth runs.
  bundleHandlers();
  const synth = synthRatios();
  const floorRatio = synth.example / synth.floor;
  const emptyRatio = synth.example / synth.empty;
  say(`floor app: ${synth.identical.join(', ')} byte-identical to the example's (checked before and after the timed runs)`);
  say(`| synth: example app / floor app (median of ${RUNS}, alternating) | ${floorRatio.toFixed(2)} (${synth.example.toFixed(2)} s / ${synth.floor.toFixed(2)} s) | <= 1.08 |`);
  say(`| synth: example app / empty app (median of ${RUNS}, alternating) | ${emptyRatio.toFixed(2)} (${synth.example.toFixed(2)} s / ${synth.empty.toFixed(2)} s) | <= 1.25 |`);
  const c = synth.cpu;
  say(`| synth CPU time (user + system, less load-sensitive): example / floor, example / empty | ${(c.example / c.floor).toFixed(2)}, ${(c.example / c.empty).toFixed(2)} (${c.example.toFixed(2)} s, ${c.floor.toFixed(2)} s, ${c.empty.toFixed(2)} s) | |`);

  const paths = criticalPaths(path.join(WORK, 'out-example'));
  for (const p of paths) {
    const atFloor = Math.abs(p.path.minutes - p.floor.minutes) < 1e-9;
    say(`| deploy critical path, ${p.stack} | ${p.path.minutes.toFixed(1)} min: ${renderPath(p.path)} | ${atFloor ? 'at the floor' : `floor ${p.floor.minutes.toFixed(1)} min: ${renderPath(p.floor)}`} |`);
  }
  say(`  (create times per type: scripts/critical-path.ts, e.g. MSK cluster ${CREATE_TIMES['AWS::MSK::Cluster'].minutes} min, connector ${CREATE_TIMES['AWS::KafkaConnect::Connector'].minutes} min, with sources)`);

  const scale = measureScale([1, 10, 50]);
  for (const r of scale.rows) {
    say(`| ${r.count} sink(s) on one cluster | ${r.resources} resources, ${(r.bytes / 1024).toFixed(0)} KiB, synth ${r.ms.toFixed(0)} ms | |`);
  }
  say(`| resources added per connector | ${scale.perConnector.resources.toFixed(1)} | <= 5 |`);
  say(`| synth time added per connector | ${scale.perConnector.ms.toFixed(1)} ms | <= 20 ms |`);
  say(`| template bytes added per connector | ${(scale.perConnector.bytes / 1024).toFixed(1)} KiB | |`);
  say(`| connectors per stack before CloudFormation's limits | ${scale.fit} (500 resources: ${scale.fitByResources}, 1 MB: ${scale.fitByBytes}) | >= 80 |`);

  const tests = quick ? undefined : measureTests();
  if (tests) {
    for (const [name, run] of [['with the package build', tests.built], ['package build cached', tests.cached]] as const) {
      say(`| npm test wall time, ${name} | ${run.seconds.toFixed(0)} s (slowest: ${run.slowest.join(', ')}; summary ${run.summary}) | <= 120 s |`);
    }
    say(`| unit project wall time (npm run test:unit, ${tests.unitTests} tests) | ${tests.unitSeconds.toFixed(0)} s | <= 30 s |`);
  }

  const worst = paths.reduce((a, b) => (b.path.minutes - b.floor.minutes > a.path.minutes - a.floor.minutes ? b : a));
  const skipped = 'skipped (--quick)';
  say('');
  say('| figure (issue #17) | now | target |');
  say('| --- | --- | --- |');
  say(`| \`npx cdk synth\` example ÷ floor app (identical templates from raw CfnResources) | ${floorRatio.toFixed(2)} (${synth.example.toFixed(2)} s vs ${synth.floor.toFixed(2)} s) | <= 1.08 |`);
  say(`| example ÷ empty app (same CLI) | ${emptyRatio.toFixed(2)} (${synth.example.toFixed(2)} s vs ${synth.empty.toFixed(2)} s) | <= 1.25 |`);
  say(`| \`npm test\` wall time | ${tests ? `${tests.built.seconds.toFixed(0)} s with the package build, ${tests.cached.seconds.toFixed(0)} s with it cached` : skipped} | <= 120 s |`);
  say(`| unit tests without the compliance suite | ${tests ? `${tests.unitSeconds.toFixed(0)} s` : skipped} | <= 30 s |`);
  say(`| estimated deploy critical path | ${paths.map((p) => `${p.stack} ${p.path.minutes.toFixed(1)} min (floor ${p.floor.minutes.toFixed(1)})`).join(', ')}: ${worst.path.minutes - worst.floor.minutes < 1e-9 ? 'at the floor' : `${(worst.path.minutes - worst.floor.minutes).toFixed(1)} min above the floor`} | at the floor |`);
  fs.writeFileSync(path.join(WORK, 'results.md'), `${lines.join('\n')}\n`);
}

main();
