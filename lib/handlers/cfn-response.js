'use strict';
// Reply of a custom resource handler to CloudFormation's pre-signed response URL.

const https = require('https');

/** Sends the custom resource result to CloudFormation. */
function respond(event, status, physicalResourceId, data, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? 'see the handler log',
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  return new Promise((resolve, reject) => {
    const request = https.request(event.ResponseURL, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
}

module.exports = { respond };
