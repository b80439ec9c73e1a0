// The built-in CloudFormation Validate pass costs ~3 s per test file (its engine starts for every synth). Unit tests
// assert templates directly; the compliance helper (validatorFindings) registers the plugin explicitly, which runs it
// regardless of this switch, and test/compliance/support.test.ts proves it still reports.
process.env.CDK_VALIDATION = 'false';
// jest raises V8's stack depth to 100 frames and source-maps every frame of every stack captured in a test. aws-cdk-lib
// captures one for each `Validations.of(x).acknowledge()` (regardless of the stack-trace context switches), dozens per
// stack: that mapping was about a tenth of the unit tests' CPU time. 30 frames still reach from a construct's throw to
// the test's own line.
Error.stackTraceLimit = 30;
