// The built-in CloudFormation Validate pass costs ~3 s per test file (its engine starts for every synth). Unit tests
// assert templates directly; the compliance helper (validatorFindings) registers the plugin explicitly, which runs it
// regardless of this switch, and test/compliance/support.test.ts proves it still reports.
process.env.CDK_VALIDATION = 'false';
// jest raises V8's stack depth to 100 frames and source-maps every frame of every stack captured in a test. aws-cdk-lib
// captures one for each `Validations.of(x).acknowledge()` (regardless of the stack-trace context switches), dozens per
// stack: that mapping was about a tenth of the unit tests' CPU time. 30 frames still reach from a construct's throw to
// the test's own line.
Error.stackTraceLimit = 30;
// Where aws-cdk-lib records a call stack as metadata (each `Validations.of(x).acknowledge()`, dozens per stack), it
// captures it into a plain object (`Error.captureStackTrace({})`) and parses the frames. jest maps every frame of
// every stack to the TypeScript sources, copying each call site as it goes; for these stacks, which no test reads,
// that was 1.2 s of the Debezium test file's 10.9 s of CPU (the unit project: 55 s of CPU, from 58 s). Node formats
// a stack with the hook of the realm whose constructor made the object, so this hook in the test's realm sees them
// first: it renders plain-object captures as V8 does, and hands every Error to jest's hook in the outer realm (set
// up after this file runs), so failures still point at the TypeScript lines.
const outerError = (setTimeout.constructor as FunctionConstructor)('return Error')() as ErrorConstructor;
Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]): string => {
  const jest = outerError.prepareStackTrace;
  if (error instanceof Error && typeof jest === 'function' && jest !== Error.prepareStackTrace) {
    return jest(error, frames);
  }
  const header = error instanceof Error ? `${error.name}: ${error.message}` : 'Error';
  return header + frames.map((f) => `\n    at ${f}`).join('');
};
