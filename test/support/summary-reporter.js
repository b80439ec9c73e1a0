// Jest reporter that writes the run's real counts for .ci/run, which prints them as `N passed, N failed`.
// A test file that fails to load (syntax error, throw at import) has no test results; it counts as one failure.
const fs = require('fs');
const path = require('path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const brokenFiles = results.testResults.filter((r) => r.testExecError && r.numFailingTests === 0).length;
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + brokenFiles,
      skipped: results.numPendingTests + results.numTodoTests,
      files: results.numTotalTestSuites,
    };
    const dir = path.join(this.rootDir, 'test-reports');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  }
}

module.exports = SummaryReporter;
