// Jest global teardown: stops the background package build of global-setup.js if it is still running (a failed or
// skipped test/compliance/package-consumer.test.ts), by the process group it was started in, and removes the run's
// directory of test cloud assemblies.
const { spawn } = require('child_process');

module.exports = () => {
  const outdir = process.env.TEST_CDK_OUTDIR;
  if (globalThis.testCdkOutdirOwned && outdir) {
    // Hundreds of megabytes: removed by a process of its own, so that jest's exit does not wait for the disk.
    spawn('rm', ['-rf', outdir], { detached: true, stdio: 'ignore' }).unref();
    delete process.env.TEST_CDK_OUTDIR;
    if (globalThis.tmpdirBefore === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = globalThis.tmpdirBefore;
    }
    globalThis.testCdkOutdirOwned = false;
  }
  // The next run of a watch session bundles again.
  globalThis.handlersBundled = false;
  const build = globalThis.packageBuild;
  if (build && build.exitCode === null && build.signalCode === null) {
    try {
      process.kill(-build.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
};
