import { Token } from 'aws-cdk-lib';
import * as kafkaconnect from 'aws-cdk-lib/aws-kafkaconnect';
import { checkIntegerRange, checkOneOf, show } from '../private/validation';

/**
 * The Kafka Connect version MSK Connect runs a connector on.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-plugins.html
 */
export class KafkaConnectVersion {
  /** Kafka Connect 2.7.1 on Java 11. */
  public static readonly V2_7_1 = new KafkaConnectVersion('2.7.1', 11);
  /** Kafka Connect 3.7.x on Java 17 (needed by Debezium 3.x and other Java 17 connectors). */
  public static readonly V3_7_X = new KafkaConnectVersion('3.7.x', 17);

  /** A version this class does not list yet. */
  public static of(version: string, javaVersion: number): KafkaConnectVersion {
    // CreateConnector's kafkaConnectVersion is a release line such as '2.7.1' or '3.7.x' (MSK developer guide,
    // msk-connect-plugins); anything else fails CreateConnector at deploy.
    if (!Token.isUnresolved(version) && !/^\d+\.\d+\.(\d+|x)$/.test(version)) {
      throw new Error(`\`version\` must be a Kafka Connect version such as '3.7.x' or '2.7.1', got ${show(version)}`);
    }
    return new KafkaConnectVersion(version, javaVersion);
  }

  private constructor(
    /** The version string CloudFormation takes. */
    public readonly version: string,
    /** The Java major version of the workers. */
    public readonly javaVersion: number,
  ) {}
}

/** Options of an autoscaled capacity. */
export interface AutoScaledCapacityOptions {
  /**
   * MSK Connect units per worker: 1, 2, 4 or 8 (1 MCU = 1 vCPU and 4 GiB).
   * @default 1
   */
  readonly mcuCount?: number;

  /**
   * Fewest workers (1–10).
   * @default 1
   */
  readonly minWorkers?: number;

  /**
   * Most workers (1–10, at least `minWorkers`).
   * @default 2
   */
  readonly maxWorkers?: number;

  /**
   * Average CPU (percent) below which a worker is removed.
   * @default 20
   */
  readonly scaleInCpuPercent?: number;

  /**
   * Average CPU (percent) above which a worker is added.
   * @default 80
   */
  readonly scaleOutCpuPercent?: number;
}

/** Options of a provisioned capacity. */
export interface ProvisionedCapacityOptions {
  /**
   * MSK Connect units per worker: 1, 2, 4 or 8.
   * @default 1
   */
  readonly mcuCount?: number;

  /**
   * Number of workers (1–10).
   * @default 1
   */
  readonly workerCount?: number;
}

const MCU_COUNTS = [1, 2, 4, 8];

/**
 * Compute capacity of a connector: autoscaled or provisioned. Changing it updates the connector in place.
 */
export class ConnectorCapacity {
  /** Workers added and removed by CPU load. MSK Connect then sets `tasks.max` to workers × MCUs × 2. */
  public static autoScaled(options: AutoScaledCapacityOptions = {}): ConnectorCapacity {
    const mcu = options.mcuCount ?? 1;
    const min = options.minWorkers ?? 1;
    // With a token minWorkers the default cannot be computed at synth: then the largest count MSK Connect allows.
    const max = options.maxWorkers ?? (Token.isUnresolved(min) ? 10 : Math.max(2, min));
    const scaleIn = options.scaleInCpuPercent ?? 20;
    const scaleOut = options.scaleOutCpuPercent ?? 80;
    checkOneOf('capacity.mcuCount', mcu, MCU_COUNTS);
    checkIntegerRange('capacity.minWorkers', min, 1, 10);
    checkIntegerRange('capacity.maxWorkers', max, 1, 10);
    if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
      throw new Error(`\`capacity.minWorkers\` (${min}) must not exceed \`capacity.maxWorkers\` (${max})`);
    }
    checkIntegerRange('capacity.scaleInCpuPercent', scaleIn, 1, 100);
    checkIntegerRange('capacity.scaleOutCpuPercent', scaleOut, 1, 100);
    if (!Token.isUnresolved(scaleIn) && !Token.isUnresolved(scaleOut) && scaleIn >= scaleOut) {
      throw new Error(`\`capacity.scaleInCpuPercent\` (${scaleIn}) must be below \`capacity.scaleOutCpuPercent\` (${scaleOut})`);
    }
    return new ConnectorCapacity(true, mcu, min, max, {
      autoScaling: {
        mcuCount: mcu,
        minWorkerCount: min,
        maxWorkerCount: max,
        scaleInPolicy: { cpuUtilizationPercentage: scaleIn },
        scaleOutPolicy: { cpuUtilizationPercentage: scaleOut },
      },
    });
  }

  /** A fixed number of workers. */
  public static provisioned(options: ProvisionedCapacityOptions = {}): ConnectorCapacity {
    const mcu = options.mcuCount ?? 1;
    const workers = options.workerCount ?? 1;
    checkOneOf('capacity.mcuCount', mcu, MCU_COUNTS);
    checkIntegerRange('capacity.workerCount', workers, 1, 10);
    return new ConnectorCapacity(false, mcu, workers, workers, { provisionedCapacity: { mcuCount: mcu, workerCount: workers } });
  }

  private constructor(
    /** Whether workers scale with load. */
    public readonly isAutoScaled: boolean,
    /** MCUs per worker. */
    public readonly mcuCount: number,
    /** Fewest workers (the worker count when provisioned). */
    public readonly minWorkers: number,
    /** Most workers (the worker count when provisioned). */
    public readonly maxWorkers: number,
    private readonly rendered: kafkaconnect.CfnConnector.CapacityProperty,
  ) {}

  /**
   * The CloudFormation form.
   * @internal
   */
  public _render(): kafkaconnect.CfnConnector.CapacityProperty {
    return this.rendered;
  }
}
