import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node.js script (the jest setup runs it too)
const { inputsKey } = require('./build-package') as { inputsKey: (dir?: string) => string | undefined };

// The cache key of the package build (test/support/build-package.js): a run may reuse the last tarball only while
// nothing the package is built from has changed.
describe('the package build cache key', () => {
  let dir: string;
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-key-'));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    write('.gitignore', 'dist/\n');
    write('lib/index.ts', 'export const a = 1;\n');
    write('README.md', '# readme\n');
    write('test/a.test.ts', 'test("a", () => {});\n');
    execFileSync('git', ['add', '.'], { cwd: dir });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('stays the same for edits under test/ and for ignored files', () => {
    const before = inputsKey(dir);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    write('test/a.test.ts', 'test("b", () => {});\n');
    write('test/new.test.ts', 'test("c", () => {});\n');
    write('dist/index.js', 'exports.a = 2;\n');
    expect(inputsKey(dir)).toBe(before);
  });

  test('changes with a source edit, a new untracked file and a deleted tracked one', () => {
    const before = inputsKey(dir);
    write('lib/index.ts', 'export const a = 2;\n');
    const edited = inputsKey(dir);
    expect(edited).not.toBe(before);
    write('scripts/new.ts', 'export {};\n');
    const added = inputsKey(dir);
    expect(added).not.toBe(edited);
    fs.rmSync(path.join(dir, 'README.md'));
    expect(inputsKey(dir)).not.toBe(added);
  });

  test('is undefined outside a git working tree: no cache, the package is built', () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'package-key-plain-'));
    try {
      expect(inputsKey(plain)).toBeUndefined();
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});
