// Reply of a custom resource handler to CloudFormation's pre-signed response URL. Bundled into each handler.
import * as https from 'https';

/** The fields of a CloudFormation custom resource request that the handlers read. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete' | string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties?: Record<string, any>;
}

export type ResponseStatus = 'SUCCESS' | 'FAILED';

/** Sends the result of a custom resource request; the handlers take it as a dependency so tests can record it. */
export type SendResponse = (
  event: CustomResourceEvent, status: ResponseStatus, physicalResourceId: string, data: Record<string, string>, reason?: string,
) => Promise<void>;

/** Sends the custom resource result to CloudFormation. */
export const respond: SendResponse = (event, status, physicalResourceId, data, reason) => {
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
      response.on('end', () => resolve());
    });
    request.on('error', reject);
    request.end(body);
  });
};

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return String(e instanceof Error ? e.message : e);
}
