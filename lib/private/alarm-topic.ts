import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createKey } from './secure-defaults';

/**
 * An SNS topic for alarms: encrypted with a customer-managed key that CloudWatch may use, SSL-only.
 */
export function createAlarmTopic(scope: Construct, id: string, displayName: string, removalPolicy?: RemovalPolicy): sns.Topic {
  const key = createKey(scope, `${id}Key`, `Encrypts the notifications of: ${displayName}`, removalPolicy);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const topic = new sns.Topic(scope, id, {
    displayName: displayName.slice(0, 100),
    masterKey: key,
    enforceSSL: true,
  });
  // A topic policy replaces SNS's default policy: without this statement CloudWatch may not publish and every alarm
  // is silent. Scoped to this account's alarms against the confused deputy.
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
      ArnLike: { 'aws:SourceArn': Stack.of(scope).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
  return topic;
}
