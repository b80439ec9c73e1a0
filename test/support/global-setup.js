// Jest global setup: bundles the deploy-time handlers into assets/handlers before any test file runs. The constructs
// (run from lib/ by ts-jest) take their Lambda code from there, and the runtime-contract tests load those bundles,
// so a clean clone or an edited handler never tests a missing or stale bundle. Same options as the `bundle` task.
const { bundleHandlers } = require('../../scripts/bundle-handlers');

module.exports = () => {
  bundleHandlers();
};
