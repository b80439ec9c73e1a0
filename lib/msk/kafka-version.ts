import { Token } from 'aws-cdk-lib';

/**
 * An Apache Kafka version offered by Amazon MSK.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html
 */
export class KafkaVersion {
  /** Kafka 3.6.0 (ZooKeeper mode). */
  public static readonly V3_6_0 = new KafkaVersion('3.6.0');
  /** Kafka 3.7.x (ZooKeeper mode). */
  public static readonly V3_7_X = new KafkaVersion('3.7.x');
  /** Kafka 3.7.x in KRaft mode (no ZooKeeper). */
  public static readonly V3_7_X_KRAFT = new KafkaVersion('3.7.x.kraft');
  /** Kafka 3.8.x (ZooKeeper mode). */
  public static readonly V3_8_X = new KafkaVersion('3.8.x');
  /** Kafka 3.8.x in KRaft mode. */
  public static readonly V3_8_X_KRAFT = new KafkaVersion('3.8.x.kraft');
  /** Kafka 3.9.x (ZooKeeper mode). */
  public static readonly V3_9_X = new KafkaVersion('3.9.x');
  /** Kafka 3.9.x in KRaft mode. */
  public static readonly V3_9_X_KRAFT = new KafkaVersion('3.9.x.kraft');
  /** Kafka 4.0.x (KRaft only). */
  public static readonly V4_0_X_KRAFT = new KafkaVersion('4.0.x.kraft');
  /** Kafka 4.1.x (KRaft only). */
  public static readonly V4_1_X_KRAFT = new KafkaVersion('4.1.x.kraft');

  /**
   * A version this class does not list yet, as MSK spells it (`3.9.x.kraft`, `4.2.x.kraft`).
   */
  public static of(version: string): KafkaVersion {
    if (!Token.isUnresolved(version) && !/^\d+\.\d+\.(\d+|x)(\.\d+)?(\.kraft|-tiered|\.tiered)?$/.test(version)) {
      throw new Error(`\`kafkaVersion\` must look like an MSK version such as '3.9.x.kraft' or '3.6.0', got '${version}'`);
    }
    if (!Token.isUnresolved(version)) {
      const [major, minor] = version.split('.').map(Number);
      // MSK offers KRaft mode from Kafka 3.7 on, and Kafka 4.x has no ZooKeeper mode [MSK supported Apache Kafka versions].
      if (version.endsWith('.kraft') && (major < 3 || (major === 3 && minor < 7))) {
        throw new Error(`\`kafkaVersion\` KRaft mode needs Kafka 3.7 or later on MSK, got '${version}'`);
      }
      if (major >= 4 && !version.endsWith('.kraft')) {
        throw new Error(`\`kafkaVersion\` ${major}.x runs in KRaft mode only on MSK: write '${version}.kraft', got '${version}'`);
      }
    }
    return new KafkaVersion(version);
  }

  private constructor(
    /** The version string CloudFormation takes. */
    public readonly version: string,
  ) {}

  /** True for versions that run without ZooKeeper (KRaft metadata mode). */
  public get isKraft(): boolean {
    return this.version.endsWith('.kraft') || /^[4-9]\./.test(this.version);
  }
}
