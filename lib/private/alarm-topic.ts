import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createKey } from './secure-defaults';

/** Construct id, at the stack's root, of the alarm topic the library's constructs share by default. */
const SHARED_ALARM_TOPIC_ID = 'PipelineAlarmTopic';

/**
 * The stack's one alarm topic for the library's constructs that are given none (cluster, connectors): one place to
 * subscribe, one key. Created on first use.
 */
export function sharedAlarmTopic(scope: Construct): sns.Topic {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(SHARED_ALARM_TOPIC_ID) as sns.Topic | undefined)
    ?? createAlarmTopic(stack, SHARED_ALARM_TOPIC_ID, `Alarms of the MSK to ClickHouse pipeline constructs of stack ${stack.stackName}`);
}

/**
 * An SNS topic for alarms: encrypted with a customer-managed key that CloudWatch may use, SSL-only.
 */
export function createAlarmTopic(scope: Construct, id: string, displayName: string, removalPolicy?: RemovalPolicy): sns.Topic {
  const key = createKey(scope, `${id}Key`, `Encrypts the notifications of: ${displayName}`, removalPolicy);
  // No aws:SourceAccount / aws:SourceArn here, deliberately: the SNS developer guide's key policy for AWS services that
  // publish to encrypted topics (sns-key-management, "compatibility with AWS services") carries no condition, and AWS
  // documents no condition key that CloudWatch's KMS request is sure to carry; a condition the request lacks would
  // drop every alarm notification without an error. The key encrypts this one topic only, and sns:Publish on the
  // topic below is what is held to this account's alarms.
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
