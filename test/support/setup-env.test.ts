// What test/support/setup-env.ts does to stack traces. The interface below is erased by the transpiler, so the
// generated JavaScript's lines are not the TypeScript lines: a stack that names this file's TypeScript line was
// mapped by jest, one that does not was not.
interface Frame {
  /** Line number in the file that ran. */
  readonly line: number;
}

/** The first frame of `stack` in this file. */
function frameHere(stack: string | undefined): Frame {
  const m = /\(\/[^)]*setup-env\.test\.ts:(\d+):\d+\)/.exec(stack ?? '');
  if (!m) {
    throw new Error(`no frame of this file in ${stack}`);
  }
  return { line: Number(m[1]) };
}

test('an Error keeps jest\'s source mapping: its stack names the TypeScript line', () => {
  const error = new Error('here'); // line 19
  expect(frameHere(error.stack).line).toBe(19);
});

test('a stack captured into a plain object, as aws-cdk-lib records metadata, is left unmapped, in V8\'s frame format', () => {
  const capture: { stack?: string } = {};
  Error.captureStackTrace(capture); // line 25
  expect(capture.stack).toMatch(/^Error\n {4}at /);
  const frame = frameHere(capture.stack);
  expect(frame.line).not.toBe(25);
  expect(frame.line).toBeGreaterThan(0);
});
