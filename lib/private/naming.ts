import * as crypto from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Eight hex digits of the SHA-256 of `createOnly` as synthesized (tokens resolved to their CloudFormation form), for
 * names of resources that CloudFormation replaces create-then-delete: hash every create-only property, so the name
 * changes exactly when a replacement needs a new one.
 */
export function createOnlyHash(scope: Construct, createOnly: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(Stack.of(scope).resolve(createOnly))).digest('hex').slice(0, 8);
}
