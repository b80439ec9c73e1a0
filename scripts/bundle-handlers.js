#!/usr/bin/env node
'use strict';
// Bundles each deploy-time Lambda handler, lib/handlers/<name>/index.ts, into <outdir>/<name>/index.js (handler
// string `index.handler`), one asset directory per handler. Used by the `bundle` task (before jsii compiles, so the
// bundles ship in the npm package under assets/handlers), by the jest global setup and by scripts/run-app.js.
//
// Everything is bundled except Node built-ins and the AWS SDK v3 (`@aws-sdk/*`), the only modules the Lambda Node.js
// runtime provides (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). The build fails if a bundle
// would import anything else at run time. The licence texts of the bundled packages go beside each bundle.
const fs = require('fs');
const path = require('path');
const { builtinModules } = require('module');

const root = path.join(__dirname, '..');
const handlersDir = path.join(root, 'lib', 'handlers');
/** Lambda nodejs24.x; the runtime the handlers are deployed with (lib/private/deploy-time-handler.ts). */
const TARGET = 'node24';
const RUNTIME_PROVIDED = /^@aws-sdk\//;

/**
 * Optional modules that a bundled package probes for at load with a `require` esbuild cannot see (a template literal,
 * inside try/catch), which the Lambda runtime would then look for in /var/task and the runtime's node_modules. In the
 * bundle of `handler`, each is replaced by the error the runtime would throw, so the package takes the same fallback
 * without the lookup. The build fails if a probe is no longer found, so an upgrade of the package is looked at again.
 */
const LOAD_TIME_PROBES = [{
  handler: 'cdc-setup',
  // mysql2: cardinal only colours debug output; mysql2 falls back to plain text.
  probe: 'require(`cardinal${REQUIRE_TERMINATOR}`)',
  replacement: "(() => { throw Object.assign(new Error(\"Cannot find module 'cardinal' (not bundled)\"), { code: 'MODULE_NOT_FOUND' }); })()",
}];

/** The bundle text of `name` with its load-time probes removed. */
function withoutLoadTimeProbes(name, text) {
  let out = text;
  for (const { handler, probe, replacement } of LOAD_TIME_PROBES.filter((p) => p.handler === name)) {
    if (!out.includes(probe)) {
      throw new Error(`lib/handlers/${name}: the bundle no longer contains the load-time probe \`${probe}\`: look at LOAD_TIME_PROBES in scripts/bundle-handlers.js again`);
    }
    out = out.split(probe).join(replacement);
  }
  return out;
}

/** Names of the handlers: the folders of lib/handlers that hold an index.ts. */
function handlerNames() {
  return fs.readdirSync(handlersDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(handlersDir, e.name, 'index.ts')))
    .map((e) => e.name)
    .sort();
}

/** The package (name and folder) that a bundled input file belongs to, or undefined for the project's own files. */
function packageOf(input) {
  const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match ? { name: match[2], dir: path.join(root, match[1], match[2]) } : undefined;
}

function licenceNotice(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const pkg = packageOf(input);
    if (pkg) {
      packages.set(pkg.name, pkg.dir);
    }
  }
  return [...packages.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
    const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? fs.readFileSync(path.join(dir, file), 'utf-8').trim() : `License: ${manifest.license}`;
    return `${name}@${manifest.version}\n\n${text}\n`;
  }).join(`\n${'-'.repeat(80)}\n\n`);
}

/** Writes `content` to `file` through a rename, so a concurrent reader never sees half a bundle. */
function writeAtomically(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && Buffer.compare(fs.readFileSync(file), Buffer.from(content)) === 0) {
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

/**
 * Bundles every handler into `outdir` (default assets/handlers). Returns the names bundled. Throws if a bundle keeps
 * an import that the Lambda runtime does not provide.
 */
function bundleHandlers(outdir = path.join(root, 'assets', 'handlers')) {
  const esbuild = require('esbuild');
  const names = handlerNames();
  for (const name of names) {
    const result = esbuild.buildSync({
      entryPoints: [path.join(handlersDir, name, 'index.ts')],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      target: TARGET,
      format: 'cjs',
      external: ['@aws-sdk/*'],
      // The bundle is the deployed code: keep it readable in the console and in stack traces.
      minify: false,
      legalComments: 'none',
      metafile: true,
      write: false,
      logLevel: 'error',
      outfile: path.join(outdir, name, 'index.js'),
    });
    const outputs = Object.values(result.metafile.outputs);
    const foreign = outputs.flatMap((o) => o.imports).filter((i) => i.external)
      .map((i) => i.path)
      .filter((p) => !RUNTIME_PROVIDED.test(p) && !builtinModules.includes(p.replace(/^node:/, '')));
    if (foreign.length > 0) {
      throw new Error(`lib/handlers/${name}: the bundle would import ${foreign.join(', ')} at run time; only Node built-ins and @aws-sdk/* are in the Lambda runtime`);
    }
    const dir = path.join(outdir, name);
    const written = new Set();
    for (const file of result.outputFiles) {
      writeAtomically(file.path, file.path.endsWith('.js') ? withoutLoadTimeProbes(name, file.text) : file.contents);
      written.add(path.basename(file.path));
    }
    const notice = licenceNotice(Object.keys(result.metafile.inputs));
    if (notice) {
      writeAtomically(path.join(dir, 'THIRD-PARTY-LICENSES.txt'), notice);
      written.add('THIRD-PARTY-LICENSES.txt');
    }
    // Anything else in the folder would ship in the asset: remove what an earlier build left there.
    for (const stale of fs.readdirSync(dir).filter((f) => !written.has(f) && !f.endsWith('.tmp'))) {
      fs.rmSync(path.join(dir, stale), { recursive: true, force: true });
    }
  }
  return names;
}

module.exports = { bundleHandlers, handlerNames };

if (require.main === module) {
  const names = bundleHandlers(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`bundled ${names.length} handlers: ${names.join(', ')}`);
}
