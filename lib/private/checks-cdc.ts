import { Token } from 'aws-cdk-lib';
import { javaRegexRefusal } from './checks-connect';
import { show } from './validation';

/**
 * Synth-time checks of the CDC constructs (Aurora MySQL source, Debezium MySQL connector, change tables). Like
 * `validation.ts`, each throws a plain `Error` naming the prop and echoing the value, and skips unresolved tokens.
 */

/**
 * MySQL's own schemas. Debezium skips them (`table.ignore.builtin`, default true: mysql, sys, information_schema,
 * performance_schema), so including one captures nothing, and MySQL refuses grants on information_schema and
 * performance_schema to a user (MySQL 8.0 reference, "The INFORMATION_SCHEMA Database").
 */
export const MYSQL_SYSTEM_DATABASES = ['mysql', 'sys', 'information_schema', 'performance_schema'];

/** Throws when `name` (any case; MySQL compares schema names of its own schemas case-insensitively) is a system schema. */
export function checkNotSystemDatabase(prop: string, name: string, why: string): void {
  if (!Token.isUnresolved(name) && MYSQL_SYSTEM_DATABASES.includes(name.toLowerCase())) {
    throw new Error(`\`${prop}\` must not name a MySQL system database (${MYSQL_SYSTEM_DATABASES.join(', ')}): ${why}, got ${show(name)}`);
  }
}

/**
 * Debezium's include lists are comma-separated Java regular expressions, each matched against the whole name and
 * case-insensitively (Debezium MySQL connector docs, `database.include.list`, `table.include.list`; `Strings.setOfRegex`
 * matches with `Pattern.matcher(name).matches()`). The construct joins the entries with commas, so an entry must not
 * hold an unescaped one, and each must compile: in JavaScript, and without what Java refuses but JavaScript takes
 * (`javaRegexRefusal`).
 */
export function checkDebeziumRegexList(prop: string, list: readonly string[] | undefined): void {
  for (const entry of list ?? []) {
    if (Token.isUnresolved(entry)) {
      continue;
    }
    if (entry.trim() === '') {
      throw new Error(`\`${prop}\` entries must not be empty, got ${show(entry)}`);
    }
    // Debezium's RegExSplitterByComma (io.debezium.util.Strings) splits on every comma not escaped as '\,'.
    if (/(^|[^\\]),/.test(entry)) {
      throw new Error(`\`${prop}\` entries must not contain an unescaped ',' (Debezium splits the list on commas; escape one inside a pattern as '\\,', or give one entry per pattern), got ${show(entry)}`);
    }
    try {
      new RegExp(unescapeCommas(entry));
    } catch (e) {
      throw new Error(`\`${prop}\` entries must be regular expressions (Debezium compiles each one), got ${show(entry)}: ${(e as Error).message}`);
    }
    const refusal = javaRegexRefusal(unescapeCommas(entry));
    if (refusal) {
      throw new Error(`\`${prop}\` entry ${show(entry)} has ${refusal}, which Java's regex engine (which Debezium uses) rejects`);
    }
  }
}

/** Whether Debezium's anchored, case-insensitive match of `pattern` accepts `name`. */
export function debeziumMatches(pattern: string, name: string): boolean {
  return new RegExp(`^(?:${unescapeCommas(pattern)})$`, 'i').test(name);
}

/** The pattern as Debezium compiles it: its splitter turns `\,` back into `,`. */
function unescapeCommas(pattern: string): string {
  return pattern.replace(/\\,/g, ',');
}

/** The literal database part of a `table.include.list` entry (`shop.orders`, `shop\.orders`, `shop\.order_.*`), if any. */
export function literalDatabaseOf(entry: string): string | undefined {
  const m = /^([A-Za-z0-9_$]+)(?:\\\.|\.)/.exec(entry);
  return m ? m[1] : undefined;
}

/** Whether `entry` is a plain name (no regex syntax but an escaped or bare `.`). */
export function isLiteralName(entry: string): boolean {
  return /^[A-Za-z0-9_$]+((\\\.|\.)[A-Za-z0-9_$]+)*$/.test(entry);
}

/**
 * A password inside a value: a JDBC-style `password=...` parameter or the user-info of a URL (`scheme://user:pw@host`).
 * A config-provider reference (`${secretsmanager:...}`) in that place is fine.
 */
const PASSWORD_PARAMETER = /(?:^|[?&;:\s])(?:password|passwd|pwd)\s*=\s*(?!\$\{)[^&;\s]+/i;
const URL_USER_INFO = /[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:(?!\$\{)[^/@\s]+@/i;

/** Throws when a value of `map` carries a literal password (key names are checked by `checkNoLiteralSecrets`). */
export function checkNoSecretsInValues(prop: string, map: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(map)) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (PASSWORD_PARAMETER.test(value) || URL_USER_INFO.test(value)) {
      throw new Error(`\`${prop}\` ${show(key)} holds a password in its value (a 'password=' parameter or a 'user:password@' URL): it would be stored in plain text in the template and the connector; pass it through a config-provider reference such as '\${secretsmanager:<secret-name>:<key>}'`);
    }
  }
}

/**
 * Enum-valued and boolean Debezium MySQL settings a user may pass through, with the values Debezium accepts (its
 * `EnumeratedValue.parse` ignores case; Kafka's `ConfigDef` reads a boolean from 'true' or 'false' in any case).
 * Values from the Debezium MySQL connector docs (1.9 and 2.7), "Connector properties"; `snapshot.locking.mode`
 * `custom` is 2.x only, accepted for every release rather than refusing a valid 2.x value.
 */
const DEBEZIUM_ENUM_VALUES: { readonly [key: string]: readonly string[] } = {
  'decimal.handling.mode': ['precise', 'double', 'string'],
  'bigint.unsigned.handling.mode': ['long', 'precise'],
  'time.precision.mode': ['adaptive_time_microseconds', 'connect'],
  'snapshot.locking.mode': ['minimal', 'minimal_percona', 'extended', 'none', 'custom'],
  // MySqlConnectorConfig.SnapshotMode, the union of 1.9 (never, schema_only, schema_only_recovery), 2.7 (adds no_data,
  // recovery, configuration_based, custom, always) and 3.0 (drops the deprecated names): a typo such as 'inital'
  // fails the connector's first start, after the cluster and the workers were made.
  'snapshot.mode': ['initial', 'initial_only', 'when_needed', 'never', 'schema_only', 'schema_only_recovery', 'no_data', 'recovery', 'configuration_based', 'custom', 'always'],
  'binary.handling.mode': ['bytes', 'base64', 'base64-url-safe', 'hex'],
  'event.processing.failure.handling.mode': ['fail', 'warn', 'skip', 'ignore'],
  'inconsistent.schema.handling.mode': ['fail', 'warn', 'skip'],
  'tombstones.on.delete': ['true', 'false'],
  'include.query': ['true', 'false'],
  'table.ignore.builtin': ['true', 'false'],
  'connect.keep.alive': ['true', 'false'],
};

/** Throws when a pass-through Debezium setting with a fixed set of values holds another one. */
export function checkDebeziumValues(prop: string, map: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(map)) {
    const allowed = DEBEZIUM_ENUM_VALUES[key];
    if (allowed && !Token.isUnresolved(value) && !allowed.includes(value.trim().toLowerCase())) {
      throw new Error(`\`${prop}\` ${show(key)} must be one of ${allowed.map(show).join(', ')}, got ${show(value)}`);
    }
  }
}

/** The Aurora MySQL release (`[3, 8]` for `8.0.mysql_aurora.3.08.2`), or undefined when not known at synth. */
export function auroraRelease(fullVersion: string): [number, number] | undefined {
  if (Token.isUnresolved(fullVersion)) {
    return undefined;
  }
  const m = /mysql_aurora\.(\d+)\.(\d+)/.exec(fullVersion);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Claims `value` under `owner` in a registry keyed by `scope` (e.g. a cluster): throws when another construct holds it.
 */
export function claimUnique(
  registry: WeakMap<object, Map<string, string>>, scope: object, prop: string, value: string, owner: string, why: string,
): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  const claimed = registry.get(scope) ?? new Map<string, string>();
  registry.set(scope, claimed);
  const holder = claimed.get(value);
  if (holder !== undefined && holder !== owner) {
    throw new Error(`\`${prop}\` ${show(value)} is already used by connector ${show(holder)} on the same cluster: ${why}`);
  }
  claimed.set(value, owner);
}
