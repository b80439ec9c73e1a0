#!/usr/bin/env node
'use strict';
// Builds the npm package the way a release does, for test/compliance/package-consumer.test.ts:
//   npx projen pre-compile   (the bundle task: assets/handlers)
//   npx projen compile       (jsii: dist/ and .jsii, plus whatever else the compile task does)
//   npm pack                 (what `projen package:js` runs through jsii-pacmak: the same tarball, byte for byte,
//                             measured here, in 1.2 s instead of 6.6 s)
// Usage: node test/support/build-package.js <outDir>. Writes the tarball and <outDir>/result.json
// ({ ok, tarball, files, seconds, log, cached }); exits 0 either way, so the test reports the failing step.
//
// The build takes about 35 s of CPU (26 s of wall time run alone, 19 s of it jsii), in a test run bound by CPU. The
// tarball of a successful build is kept in node_modules/.cache/package-build/<key>/, where the key is a SHA-256 of the
// Node.js version, of this script, and of the path and content of every file of the working tree outside test/ (git's
// tracked and untracked files, less the ignored ones: lib/, the handlers' sources, package.json, package-lock.json,
// README.md, API.md, .npmignore, scripts/, ...). A run whose key matches takes that tarball instead of
// building: the same inputs, so the same package. Any change outside test/ builds again. Only the latest build is
// kept. PACKAGE_BUILD_CACHE=off builds even so, and keeps the new tarball (the bench's first test run does this).
const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const cacheRoot = path.join(root, 'node_modules', '.cache', 'package-build');

/**
 * The cache key of the package the working tree at `dir` builds, or undefined where git cannot list the tree: this
 * script, the Node.js version, and the path and content of every file git lists outside test/.
 */
function inputsKey(dir = root) {
  let listed;
  try {
    listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: dir, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const files = [...new Set(listed.split('\0').filter((f) => f !== '' && !f.startsWith('test/')))].sort();
  const hash = crypto.createHash('sha256').update(fs.readFileSync(__filename)).update(`\0${process.version}\0`);
  for (const f of files) {
    const file = path.join(dir, f);
    // A tracked file deleted from the working tree is listed too.
    hash.update(`${f}\0`).update(fs.existsSync(file) ? fs.readFileSync(file) : '(deleted)').update('\0');
  }
  return hash.digest('hex');
}

function writeResult(outDir, result) {
  // Written last and through a rename: its presence means the build has finished.
  fs.writeFileSync(path.join(outDir, 'result.json.tmp'), JSON.stringify(result, null, 1));
  fs.renameSync(path.join(outDir, 'result.json.tmp'), path.join(outDir, 'result.json'));
  return result;
}

/** The cached package of `key` copied into `outDir`, or undefined. */
function fromCache(key, outDir) {
  const entry = path.join(cacheRoot, key);
  try {
    const cached = JSON.parse(fs.readFileSync(path.join(entry, 'result.json'), 'utf-8'));
    const tarball = path.join(outDir, path.basename(cached.tarball));
    const start = Date.now();
    fs.copyFileSync(path.join(entry, path.basename(cached.tarball)), tarball);
    return { ...cached, tarball, cached: key, seconds: { 'copy from node_modules/.cache/package-build': (Date.now() - start) / 1000 } };
  } catch {
    return undefined;
  }
}

/**
 * Keeps the tarball of a successful build as the only cache entry. The entry is written beside the cache and renamed
 * into place, so a run that reads the cache meanwhile finds a whole entry or none (and then builds).
 */
function toCache(key, result) {
  const staging = `${cacheRoot}.${process.pid}`;
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(path.join(staging, key), { recursive: true });
    fs.copyFileSync(result.tarball, path.join(staging, key, path.basename(result.tarball)));
    fs.writeFileSync(path.join(staging, key, 'result.json'), JSON.stringify(result, null, 1));
    fs.rmSync(cacheRoot, { recursive: true, force: true });
    fs.renameSync(staging, cacheRoot);
  } catch {
    // no cache this time: the next run builds again
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function buildPackage(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const key = inputsKey();
  const hit = key && process.env.PACKAGE_BUILD_CACHE !== 'off' && fromCache(key, outDir);
  if (hit) {
    return writeResult(outDir, hit);
  }
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
  // Kept only if the tree did not change while it built, so the key names what the tarball was built from.
  if (key && result.ok && result.tarball && inputsKey() === key) {
    toCache(key, result);
  }
  return writeResult(outDir, result);
}

module.exports = { buildPackage, inputsKey };

if (require.main === module) {
  buildPackage(path.resolve(process.argv[2]));
}
