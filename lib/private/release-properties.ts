import { show } from './validation';

/**
 * The connector properties each pinned release accepts, so a construct never writes a key its plugin does not know
 * (Kafka Connect passes unknown keys through silently: the setting would simply not take effect).
 *
 * The sets are facts read from each release's own ConfigDef at its tag (see the comments at each table); the
 * framework keys are Kafka Connect's own (ConnectorConfig, SinkConnectorConfig, SourceConnectorConfig and KIP-158's
 * topic.creation.*, Apache Kafka 3.7).
 */

/** Dotted release numbers compared numerically (`1.3.10` > `1.3.9`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.]/).map((p) => parseInt(p, 10));
  const pb = b.split(/[.]/).map((p) => parseInt(p, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** Keys of Kafka Connect itself, accepted by every connector (`ConnectorConfig`). */
const CONNECT_KEYS = [
  'name', 'connector.class', 'tasks.max', 'key.converter', 'value.converter', 'header.converter', 'config.action.reload',
  'transforms', 'predicates', 'errors.retry.timeout', 'errors.retry.delay.max.ms', 'errors.tolerance', 'errors.log.enable',
  'errors.log.include.messages',
];
/**
 * Prefixes of Kafka Connect's own pass-through settings, with the per-connector client overrides of KIP-458
 * (`consumer.override.`, `producer.override.`, `admin.override.`; Kafka 3.0 made `All` the default override policy).
 */
const CONNECT_PREFIXES = ['key.converter.', 'value.converter.', 'header.converter.', 'transforms.', 'predicates.',
  'consumer.override.', 'producer.override.', 'admin.override.'];

/** Kafka Connect's keys of sink connectors (`SinkConnectorConfig`). */
export const SINK_FRAMEWORK = {
  keys: [...CONNECT_KEYS, 'topics', 'topics.regex', 'errors.deadletterqueue.topic.name',
    'errors.deadletterqueue.topic.replication.factor', 'errors.deadletterqueue.context.headers.enable'],
  prefixes: CONNECT_PREFIXES,
};

/** Kafka Connect's keys of source connectors (`SourceConnectorConfig`, KIP-158 topic creation). */
export const SOURCE_FRAMEWORK = {
  keys: [...CONNECT_KEYS, 'topic.creation.groups', 'exactly.once.support', 'transaction.boundary', 'offsets.storage.topic'],
  prefixes: [...CONNECT_PREFIXES, 'topic.creation.'],
};

/** A release line's property sets: each key with the first release that has it (and the first that dropped it). */
export interface ReleaseKeyTable {
  /** The product, for messages (`ClickHouse sink`). */
  readonly product: string;
  /** Every release of the table, oldest first. */
  readonly releases: readonly string[];
  /** key → [first release, first release without it]. */
  readonly keys: { readonly [key: string]: readonly [string, string?] };
  /** Prefixes the connector passes through (e.g. a JDBC driver's `driver.`). */
  readonly prefixes?: { readonly [prefix: string]: readonly [string, string?] };
}

/**
 * Whether `release` (one of the table's releases, or newer) accepts `key`: as one of its own properties, or with
 * `passThrough` also under a prefix it passes on (e.g. Debezium's `database.` to the JDBC driver).
 */
export function releaseAccepts(table: ReleaseKeyTable, release: string, key: string, passThrough = false): boolean {
  const within = ([since, until]: readonly [string, string?]) =>
    compareVersions(release, since) >= 0 && (until === undefined || compareVersions(release, until) < 0);
  const span = table.keys[key];
  if (span) {
    // A key of another release is a mistake even where a pass-through prefix would take it (e.g. Debezium 1.x's
    // `database.history.*` under 2.x's `database.` JDBC pass-through).
    return within(span);
  }
  return passThrough && Object.entries(table.prefixes ?? {}).some(([prefix, s]) => key.startsWith(prefix) && within(s));
}

/** The table's release whose key set stands for `release`: itself, or the newest known for a newer one. */
export function knownRelease(table: ReleaseKeyTable, prop: string, release: string): { release: string; exact: boolean } {
  if (table.releases.includes(release)) {
    return { release, exact: true };
  }
  const newest = table.releases[table.releases.length - 1];
  if (compareVersions(release, newest) > 0) {
    return { release: newest, exact: false };
  }
  throw new Error(`\`${prop}\` ${show(release)} is not a ${table.product} release this library knows the properties of (${table.releases.join(', ')}; newer ones are checked against ${newest})`);
}

/** One key the construct is about to write, and the prop of the user's that produced it. */
export interface WrittenKey {
  readonly key: string;
  readonly prop: string;
  /** A key the user passed through (`additionalProperties`): the release's pass-through prefixes count too. */
  readonly passThrough?: boolean;
}

/**
 * Throws when a key that is neither Kafka Connect's nor the release's would be written: the error names the prop that
 * produced it, the key and the release, and when a later release has the key, says which.
 */
export function checkReleaseAccepts(table: ReleaseKeyTable, framework: { keys: string[]; prefixes: string[] },
  release: string, written: WrittenKey[]): void {
  for (const { key, prop, passThrough } of written) {
    if (framework.keys.includes(key) || framework.prefixes.some((p) => key.startsWith(p))) {
      continue;
    }
    if (releaseAccepts(table, release, key, passThrough)) {
      continue;
    }
    const span = table.keys[key];
    const when = span === undefined
      ? 'no release this library knows has it'
      : compareVersions(release, span[0]) < 0 ? `it arrived in ${span[0]}` : `it was removed in ${span[1]}`;
    const via = prop === key ? `\`${prop}\`` : `\`${prop}\` (property ${show(key)})`;
    throw new Error(`${via} is not accepted by ${table.product} ${release}: ${when}`);
  }
}
