/**
 * Benchmark, reported as ratios and per-connector figures measured in the same run (absolute times on a shared
 * machine are noise):
 *
 * 1. `npx cdk synth` of the example app ÷ `npx cdk synth` of an empty aws-cdk-lib app: same CLI, alternating, median.
 * 2. Scale: one stack, one cluster, 1 / 10 / 50 ClickHouse sinks that share what can be shared (plugin, worker
 *    configuration, security group, log group, alarm topic): resources and synth time added per connector, template
 *    size, and how many connectors fit under CloudFormation's 500-resource and 1 MB template limits.
 * 3. Wall time of `npm test`, with the slowest test files.
 *
 *   npm run bench              # all three
 *   npm run bench -- --quick   # skip npm test
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
import { createAlarmTopic } from '../lib/private/alarm-topic';

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

/** Example app vs an empty app, through the same `npx cdk synth`, alternating. */
function synthRatio(): { example: number; empty: number; ratio: number } {
  const emptyDir = path.join(WORK, 'empty');
  fs.mkdirSync(emptyDir, { recursive: true });
  fs.writeFileSync(path.join(emptyDir, 'app.js'), [
    "const { App, Stack } = require('aws-cdk-lib');",
    'const app = new App();',
    "new Stack(app, 'Empty');",
    'app.synth();',
    '',
  ].join('\n'));
  const example: number[] = [];
  const empty: number[] = [];
  // One warm-up of each (disk caches), then alternate.
  timeCommand(`npx cdk synth -q -o ${path.join(WORK, 'out-example')}`);
  timeCommand(`npx cdk synth -q --app "node ${path.join(emptyDir, 'app.js')}" -o ${path.join(WORK, 'out-empty')}`);
  for (let i = 0; i < RUNS; i++) {
    example.push(timeCommand(`npx cdk synth -q -o ${path.join(WORK, 'out-example')}`));
    empty.push(timeCommand(`npx cdk synth -q --app "node ${path.join(emptyDir, 'app.js')}" -o ${path.join(WORK, 'out-empty')}`));
  }
  const ex = median(example);
  const em = median(empty);
  return { example: ex, empty: em, ratio: ex / em };
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
      alarmTopic: topic,
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

function measureTests(): { seconds: number; slowest: string[] } {
  const start = process.hrtime.bigint();
  const out = execSync('npm test 2>&1', { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const files = [...out.matchAll(/^PASS (\S+) \(([\d.]+) s\)/gm)].map((m) => ({ file: m[1], s: Number(m[2]) }));
  files.sort((a, b) => b.s - a.s);
  return { seconds, slowest: files.slice(0, 3).map((f) => `${f.file} ${f.s.toFixed(1)} s`) };
}

function main(): void {
  const quick = process.argv.includes('--quick');
  fs.mkdirSync(WORK, { recursive: true });
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };

  const synth = synthRatio();
  say(`| synth: example app / empty app (median of ${RUNS}, alternating) | ${synth.ratio.toFixed(2)} (${synth.example.toFixed(2)} s / ${synth.empty.toFixed(2)} s) | <= 1.3 |`);

  const scale = measureScale([1, 10, 50]);
  for (const r of scale.rows) {
    say(`| ${r.count} sink(s) on one cluster | ${r.resources} resources, ${(r.bytes / 1024).toFixed(0)} KiB, synth ${r.ms.toFixed(0)} ms | |`);
  }
  say(`| resources added per connector | ${scale.perConnector.resources.toFixed(1)} | <= 5 |`);
  say(`| synth time added per connector | ${scale.perConnector.ms.toFixed(1)} ms | <= 20 ms |`);
  say(`| template bytes added per connector | ${(scale.perConnector.bytes / 1024).toFixed(1)} KiB | |`);
  say(`| connectors per stack before CloudFormation's limits | ${scale.fit} (500 resources: ${scale.fitByResources}, 1 MB: ${scale.fitByBytes}) | >= 80 |`);

  if (!quick) {
    const tests = measureTests();
    say(`| npm test wall time | ${tests.seconds.toFixed(0)} s (slowest: ${tests.slowest.join(', ')}) | <= 120 s |`);
  }
  fs.writeFileSync(path.join(WORK, 'results.md'), `${lines.join('\n')}\n`);
}

main();
