#!/usr/bin/env node
'use strict';
// Runs projen tasks at the same time and fails when any of them fails: `node scripts/run-together.js typecheck eslint`
// (the first step of `npm test`). Each task is one single-threaded process that builds its own TypeScript program of
// the whole repository, so on two cores the pair takes about as long as the slower one. Each task's output is held
// and printed in one piece when it ends, in the order the tasks are named, so the two never interleave.
const { spawn } = require('child_process');
const path = require('path');

const projen = path.join(__dirname, '..', 'node_modules', 'projen', 'bin', 'projen');

function run(task) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [projen, task], { cwd: path.join(__dirname, '..'), env: process.env });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (e) => resolve({ task, code: 1, output: Buffer.from(`${e.stack ?? e}\n`) }));
    child.on('close', (code, signal) => resolve({ task, code: code ?? (signal ? 1 : 0), output: Buffer.concat(output) }));
  });
}

async function main(tasks) {
  if (tasks.length === 0) {
    process.stderr.write('usage: run-together.js <projen task>...\n');
    return 2;
  }
  const started = tasks.map((t) => ({ task: t, done: run(t) }));
  let failed = [];
  for (const { task, done } of started) {
    const result = await done;
    process.stdout.write(result.output);
    if (result.code !== 0) {
      process.stdout.write(`run-together: task "${task}" failed (exit code ${result.code})\n`);
      failed = [...failed, task];
    }
  }
  return failed.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
