'use strict';
// Preloaded (`node --require`) into the process that runs the real aws-lambda-ric 4.x `index.mjs` for the Lambda
// runtime-contract oracle (test/support/lambda-runtime-contract.ts). Two jobs, nothing else:
//
// 1. Transport. RAPIDClient.create (dist/client/rapid-client.js in aws-lambda-ric) loads `./rapid-client.node`, a
//    native addon that aws-lambda-ric's preinstall builds with cmake. We answer that one require with a client of the
//    same shape (src/native/rapid-client.cc: next() -> Promise<{ bodyJson, headers }>, done(id, body),
//    error(id, body, xrayCause)) that speaks the Lambda Runtime API over HTTP to the fake server of the test
//    (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html). The loader, the handler resolution and the
//    callback-arity rule stay the RIC's own code.
// 2. Observation. Every module that a file of the task root requires is logged (one JSON line per require) to
//    $LAMBDA_ORACLE_IMPORT_LOG, so the oracle can say which imports the handler makes at load.
const fs = require('fs');
const http = require('http');
const Module = require('module');
const path = require('path');

// Module filenames are real paths (symlinks resolved), so compare with real paths.
const ricIndex = fs.realpathSync(process.env.LAMBDA_ORACLE_RIC_INDEX);
const taskRoot = fs.realpathSync(process.env.LAMBDA_TASK_ROOT) + path.sep;
const importLog = process.env.LAMBDA_ORACLE_IMPORT_LOG;
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');

function call(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port: Number(port), method, path: urlPath, headers: { 'content-type': 'application/json' } }, (response) => {
      let data = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { data += chunk; });
      response.on('end', () => resolve({ bodyJson: data, headers: response.headers }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const fakeNativeClient = {
  next: () => call('GET', '/2018-06-01/runtime/invocation/next'),
  done: (id, body) => { call('POST', `/2018-06-01/runtime/invocation/${id}/response`, body).catch(() => undefined); },
  error: (id, body) => { call('POST', `/2018-06-01/runtime/invocation/${id}/error`, body).catch(() => undefined); },
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === './rapid-client.node' && parent && parent.filename === ricIndex) {
    return fakeNativeClient;
  }
  if (importLog && parent && parent.filename && parent.filename.startsWith(taskRoot)) {
    fs.appendFileSync(importLog, JSON.stringify({ request, from: path.relative(taskRoot, parent.filename) }) + '\n');
  }
  return load.apply(this, arguments);
};
