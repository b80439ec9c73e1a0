// Jest global teardown: stops the background package build of global-setup.js if it is still running (a failed or
// skipped test/compliance/package-consumer.test.ts), by the process group it was started in.
module.exports = () => {
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
