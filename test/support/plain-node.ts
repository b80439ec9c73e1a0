import { Worker } from 'worker_threads';

/**
 * Runs `exportName` of the TypeScript module `modulePath` (absolute) with `args` in a worker thread: plain Node.js,
 * outside jest's sandbox, with the worker's own copy of every module. The arguments and what the function returns are
 * structured-cloned, so plain data only. Resolves to the return value; rejects with the worker's error.
 *
 * What it is for: jest runs each test file in a `vm` context, where aws-cdk-lib's token resolution and
 * cloudformation-diff's comparisons ran 2.5 to 7 times slower than in plain Node.js (global lookups through the
 * context's interceptors; source-mapped stack traces). The 169 change-safety cases took 21 s of synthesis and diffing
 * inside jest, 13 s in a worker.
 */
export function inPlainNode<T>(modulePath: string, exportName: string, ...args: unknown[]): Promise<T> {
  const code = [
    "require('esbuild-register/dist/node').register({ target: 'node20' });",
    "const { parentPort, workerData } = require('worker_threads');",
    'Promise.resolve().then(() => require(workerData.modulePath)[workerData.exportName](...workerData.args))',
    '  .then((value) => parentPort.postMessage({ value }), (e) => parentPort.postMessage({ error: e instanceof Error ? e.stack : String(e) }));',
  ].join('\n');
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, env: { ...process.env }, workerData: { modulePath, exportName, args } });
    worker.once('message', (m: { value?: T; error?: string }) => {
      void worker.terminate();
      if (m.error !== undefined) {
        reject(new Error(`${exportName} in ${modulePath} failed in the worker: ${m.error}`));
      } else {
        resolve(m.value as T);
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code2) => code2 !== 0 && reject(new Error(`worker for ${exportName} exited with ${code2}`)));
  });
}
