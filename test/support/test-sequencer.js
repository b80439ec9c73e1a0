// Jest test sequencer: jest's order (failed first, then slowest first), except test/compliance/package-consumer.test.ts runs
// last. It waits for the package build that the global setup starts in the background; run early, it would hold the
// only worker while the build runs.
const Sequencer = require('@jest/test-sequencer').default;

class ConsumerTestLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const last = (t) => t.path.endsWith('package-consumer.test.ts');
    return [...sorted.filter((t) => !last(t)), ...sorted.filter(last)];
  }
}

module.exports = ConsumerTestLast;
