// The built-in CloudFormation Validate pass costs ~3 s per test file (its engine starts for every synth). Unit tests
// assert templates directly; the compliance helper (validatorFindings) registers the plugin explicitly, which runs it
// regardless of this switch, and test/compliance/support.test.ts proves it still reports.
process.env.CDK_VALIDATION = 'false';
