// Jest global setup.
// 1. Bundles the deploy-time handlers into assets/handlers before any test file runs. The constructs (run from lib/
//    by ts-jest) take their Lambda code from there, and the runtime-contract tests load those bundles, so a clean
//    clone or an edited handler never tests a missing or stale bundle. Same options as the `bundle` task (~0.3 s).
// 2. On a run of the whole compliance project (`npm test`), starts building the npm package for
//    test/compliance/package-consumer.test.ts in the background, at low priority: the jsii compile (~19 s) fills the
//    gaps the test workers leave instead of adding to the wall time, and is skipped where nothing the package is
//    built from changed since the last build (see build-package.js). The test waits for
//    $PACKAGE_BUILD_DIR/result.json; a targeted run of that test builds the package itself. global-teardown.js stops
//    a build that is still running at the end.
// 3. Gives the run one directory for the cloud assemblies of its test apps ($TEST_CDK_OUTDIR, see testApp in
//    compliance.ts) and its temporary files ($TMPDIR), in memory where the machine offers it: every synthesis writes
//    its templates and a copy of each asset (1.4 MB for the CDC setup handler), and every run used to leave them
//    in the system's temp directory (12 GB had piled up on the build machine). The teardown removes the directory.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { bundleHandlers } = require('../../scripts/bundle-handlers');

/**
 * A writable memory-backed directory (Linux's /dev/shm), if there is one. The tests write hundreds of cloud
 * assemblies per run and delete CDK's staging copies as they go; on this project's build machine, a VM with a slow
 * disk, that I/O made file deletes take 10 ms each under load.
 */
function memoryBackedDir() {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

/** True when jest runs every test file (no path or name filter, no watch mode). */
function wholeSuite(globalConfig) {
  const patterns = globalConfig.testPathPatterns;
  const filtered = patterns && (typeof patterns.isSet === 'function' ? patterns.isSet() : patterns.length > 0);
  return !filtered && !globalConfig.testNamePattern && !globalConfig.watch && !globalConfig.watchAll
    && !globalConfig.onlyChanged && !globalConfig.findRelatedTests && !globalConfig.listTests;
}

module.exports = (globalConfig, projectConfig) => {
  // Both jest projects (unit, compliance) name this file: bundle once per run.
  if (!globalThis.handlersBundled) {
    bundleHandlers();
    globalThis.handlersBundled = true;
  }
  if (!process.env.TEST_CDK_OUTDIR) {
    const root = fs.mkdtempSync(path.join(memoryBackedDir() ?? os.tmpdir(), 'msk-clickhouse-pipeline-tests-'));
    // Workers start after the global setup and inherit this environment. TMPDIR sends aws-cdk-lib's own staging
    // directories (a copy, then a delete, for each stack's default-security-group handler) and the tests' temporary
    // files to the same place.
    process.env.TEST_CDK_OUTDIR = root;
    globalThis.tmpdirBefore = process.env.TMPDIR;
    fs.mkdirSync(path.join(root, 'tmp'));
    process.env.TMPDIR = path.join(root, 'tmp');
    globalThis.testCdkOutdirOwned = true;
  }
  // The package build serves test/compliance/package-consumer.test.ts, which is in the compliance project: only that project's
  // setup starts it (it runs only when the run selects that project).
  const compliance = !projectConfig || projectConfig.displayName === undefined
    || (projectConfig.displayName.name ?? projectConfig.displayName) === 'compliance';
  if (compliance && wholeSuite(globalConfig) && !process.env.PACKAGE_BUILD_DIR) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-build-'));
    // Its own process group, so that the teardown can stop npx, projen and jsii together.
    const build = spawn(process.execPath, [path.join(__dirname, 'build-package.js'), dir], { detached: true, stdio: 'ignore' });
    // Low priority (inherited by npx, projen and jsii): on a busy machine the tests go first, and the build still has
    // until the consumer test, which runs last.
    try {
      os.setPriority(build.pid, 15);
    } catch {
      // not permitted here: run at normal priority
    }
    // Workers start after the global setup and inherit this environment.
    process.env.PACKAGE_BUILD_DIR = dir;
    globalThis.packageBuild = build;
  }
};
