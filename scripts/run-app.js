#!/usr/bin/env node
'use strict';
// Entry point of the example CDK app (cdk.json "app"). Transpiles lib/ and bin/ to .cdk-app/ with one esbuild call
// when a source changed since the last run (type checking stays in `npm test` and the jsii build), keeps V8's
// compiled code between runs, then runs bin/app.js. About 1.5 s faster a synth than ts-node.
//
// v8-compile-cache passes `produceCachedData: true` together with the cached data, and on Node 20 V8 then serializes
// every module's code again even when it accepted the cache: the whole cache (~4.5 MB, ~500 modules) was rebuilt and
// rewritten on every synth. Produce code cache only for a module without an accepted cache, so a warm run only reads.
const vm = require('vm');
const Script = vm.Script;
vm.Script = class CachedScript extends Script {
  constructor(code, options) {
    const cached = options !== undefined && options.cachedData !== undefined && options.produceCachedData;
    super(code, cached ? { ...options, produceCachedData: false } : options);
    if (cached && !this.cachedDataRejected) {
      Object.defineProperty(this, 'cachedDataProduced', { value: false });
    }
  }
};
require('v8-compile-cache');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, '.cdk-app');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sources(full);
    }
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = [...sources(path.join(root, 'lib')), ...sources(path.join(root, 'bin'))];
const handlers = path.join(root, 'lib', 'handlers') + path.sep;
const stamp = files.map((f) => `${path.relative(root, f)}:${fs.statSync(f).mtimeMs}`).join('\n');
const stampFile = path.join(out, '.stamp');
if (!fs.existsSync(stampFile) || fs.readFileSync(stampFile, 'utf-8') !== stamp) {
  fs.rmSync(out, { recursive: true, force: true });
  require('esbuild').buildSync({
    // The handlers are not part of the app: they are bundled on their own, below.
    entryPoints: files.filter((f) => f.endsWith('.ts') && !f.startsWith(handlers)),
    outdir: out,
    outbase: root,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  // The constructs find the handler bundles at <package root>/assets/handlers (lib/private/deploy-time-handler.ts),
  // here .cdk-app/assets/handlers: bundle them there with the same options as the package build.
  require('./bundle-handlers').bundleHandlers(path.join(out, 'assets', 'handlers'));
  fs.writeFileSync(stampFile, stamp);
}
require(path.join(out, 'bin', 'app.js'));
