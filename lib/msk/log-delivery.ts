import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Where a cluster's broker logs or a connector's worker logs go. */
export interface LogDelivery {
  /**
   * Deliver the logs to CloudWatch Logs.
   * @default true
   */
  readonly cloudWatch?: boolean;

  /**
   * The CloudWatch log group.
   * @default - a new log group, retained, kept `logRetention`, encrypted with the stack's shared logs key
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * Retention of the log group created here.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Also deliver the logs to this bucket.
   * @default - no S3 delivery
   */
  readonly s3Bucket?: s3.IBucket;

  /**
   * Key prefix for S3 delivery.
   * @default - no prefix
   */
  readonly s3Prefix?: string;

  /**
   * Also deliver the logs to this Kinesis Data Firehose delivery stream (by name).
   * @default - no Firehose delivery
   */
  readonly firehoseDeliveryStreamName?: string;
}
