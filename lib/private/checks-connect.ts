import { Stack, Token } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { show } from './validation';
import type { ConnectorPermissions, LeastPrivilegeConnectorRole } from '../connect/connector-role';
import type { ConnectorAlarms } from '../connect/msk-connector';
import type { IMskCluster } from '../msk/cluster-ref';

/**
 * Synth-time checks of the MSK Connect and ClickHouse sink constructs (issue #14). Same contract as
 * `validation.ts`: a plain `Error` naming the prop in backticks and echoing the value; unresolved tokens are skipped.
 */

const JAVA_CLASS = /^[a-zA-Z_$][a-zA-Z0-9_$]*(\.[a-zA-Z_$][a-zA-Z0-9_$]*)+$/;
const INT_MAX = 2_147_483_647;

/** Throws unless `value` is a fully qualified Java class name (what Kafka's ConfigDef CLASS type loads). */
export function checkJavaClass(prop: string, value: string): void {
  if (!Token.isUnresolved(value) && !JAVA_CLASS.test(value)) {
    throw new Error(`${prop} must be a fully qualified Java class name such as 'org.apache.kafka.connect.storage.StringConverter', got ${show(value)}`);
  }
}

type ValueRule = { readonly oneOf: readonly string[] } | { readonly min: number; readonly max: number } | { readonly javaClass: true }
| { readonly classList: true };

const BOOL = { oneOf: ['true', 'false'] } as const;
const int = (min: number) => ({ min, max: INT_MAX });
const long = (min: number) => ({ min, max: Number.MAX_SAFE_INTEGER });
const CLASS = { javaClass: true } as const;

/**
 * Types and validators of the consumer/producer overrides MSK Connect allows, from the Kafka 3.7 client ConfigDefs
 * (ConsumerConfig, ProducerConfig): Kafka rejects a value outside them when the worker starts, which on MSK Connect
 * is a connector stuck in CREATING and then FAILED, 20+ minutes after the cluster was made.
 */
const WORKER_VALUES: { [key: string]: ValueRule } = {
  'consumer.allow.auto.create.topics': BOOL,
  'consumer.auto.offset.reset': { oneOf: ['earliest', 'latest', 'none'] },
  'consumer.check.crcs': BOOL,
  'consumer.fetch.max.bytes': int(0),
  'consumer.fetch.max.wait.ms': int(0),
  'consumer.fetch.min.bytes': int(0),
  'consumer.heartbeat.interval.ms': int(1),
  'consumer.key.deserializer': CLASS,
  'consumer.max.partition.fetch.bytes': int(0),
  'consumer.max.poll.interval.ms': int(1),
  'consumer.max.poll.records': int(1),
  'consumer.metadata.max.age.ms': long(0),
  'consumer.partition.assignment.strategy': { classList: true },
  'consumer.reconnect.backoff.max.ms': long(0),
  'consumer.reconnect.backoff.ms': long(0),
  'consumer.request.timeout.ms': int(0),
  'consumer.retry.backoff.ms': long(0),
  'consumer.session.timeout.ms': int(1),
  'consumer.value.deserializer': CLASS,
  'producer.acks': { oneOf: ['all', '-1', '0', '1'] },
  'producer.batch.size': int(0),
  'producer.buffer.memory': long(0),
  'producer.compression.type': { oneOf: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] },
  'producer.enable.idempotence': BOOL,
  'producer.key.serializer': CLASS,
  'producer.linger.ms': long(0),
  'producer.max.request.size': int(0),
  'producer.metadata.max.age.ms': long(0),
  // ProducerConfig: metadata.max.idle.ms is atLeast(5000).
  'producer.metadata.max.idle.ms': long(5000),
  'producer.partitioner.class': CLASS,
  'producer.reconnect.backoff.max.ms': long(0),
  'producer.reconnect.backoff.ms': long(0),
  'producer.request.timeout.ms': int(0),
  'producer.retry.backoff.ms': long(0),
  'producer.value.serializer': CLASS,
  // Kafka Connect WorkerConfig: converters are CLASS-typed.
  'key.converter': CLASS,
  'value.converter': CLASS,
};

/** Throws unless the value of a worker property is one its Kafka ConfigDef accepts (the value, not only the key). */
export function checkWorkerPropertyValue(key: string, value: string): void {
  const rule = WORKER_VALUES[key];
  if (!rule || Token.isUnresolved(value)) {
    return;
  }
  const prop = `\`properties\` ${show(key)}`;
  if ('oneOf' in rule) {
    // Kafka's BOOLEAN parser ignores case; its enum validators (ValidString) do not.
    const given = rule === BOOL ? value.toLowerCase() : value;
    if (!rule.oneOf.includes(given)) {
      throw new Error(`${prop} must be one of ${rule.oneOf.map(show).join(', ')}, got ${show(value)}`);
    }
  } else if ('min' in rule) {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < rule.min || n > rule.max) {
      throw new Error(`${prop} must be a whole number between ${rule.min} and ${rule.max}, got ${show(value)}`);
    }
  } else if ('javaClass' in rule) {
    checkJavaClass(prop, value);
  } else {
    // A LIST of assignor classes: Kafka loads each by name, so 'range' or 'roundrobin' fail at start.
    for (const name of value.split(',').map((s) => s.trim())) {
      if (!JAVA_CLASS.test(name)) {
        throw new Error(`${prop} must list fully qualified assignor classes such as 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor', got ${show(name)}`);
      }
    }
  }
}

/** Cross-key rules of the Kafka clients that make a worker fail to start. */
export function checkWorkerPropertyCombination(properties: { [key: string]: string }): void {
  const number = (key: string) => {
    const v = properties[key];
    return v === undefined || Token.isUnresolved(v) ? undefined : Number(v);
  };
  // ConsumerConfig: heartbeat.interval.ms "must be set lower than session.timeout.ms" (the group coordinator
  // rejects the join otherwise); Kafka 3.7's session.timeout.ms default is 45000.
  const heartbeat = number('consumer.heartbeat.interval.ms');
  const session = number('consumer.session.timeout.ms') ?? 45_000;
  if (heartbeat !== undefined && heartbeat >= session) {
    throw new Error(`\`properties\` 'consumer.heartbeat.interval.ms' (${heartbeat}) must be lower than 'consumer.session.timeout.ms' (${session}${properties['consumer.session.timeout.ms'] === undefined ? ', the default' : ''})`);
  }
  // KafkaProducer (3.x): "Must set acks to all in order to use the idempotent producer".
  const idempotent = properties['producer.enable.idempotence'];
  const acks = properties['producer.acks'];
  if (idempotent?.toLowerCase() === 'true' && acks !== undefined && !Token.isUnresolved(acks) && acks !== 'all' && acks !== '-1') {
    throw new Error(`\`properties\` 'producer.enable.idempotence' true needs 'producer.acks' all (the idempotent producer requires it), got ${show(acks)}`);
  }
}

const URL_USERINFO = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#\s]*@/;

/**
 * Throws if `url` carries credentials (`scheme://user:pass@host`): they would be stored in plain text. A
 * comma-separated list (Confluent's `schema.registry.url` takes one) is checked URL by URL.
 */
export function checkNoUrlCredentials(prop: string, url: string): void {
  if (!Token.isUnresolved(url) && url.split(',').some((u) => URL_USERINFO.test(u.trim()))) {
    throw new Error(`\`${prop}\` must not carry credentials ('user:password@'): the URL is stored in plain text in the template, got ${show(url.replace(/\/\/[^/?#\s,]*@/g, '//***@'))}`);
  }
}

const TEXT_SECRET = /(?:^|[?&;,\s])(password|passwd|pwd|user|username|secret|token|access[_-]?key|api[_-]?key)\s*=/i;
const PROVIDER_REFERENCE = /^\$\{[a-zA-Z0-9_-]+:[^}]+\}$/;

/**
 * Throws if free text carries a credential: a connection string with `password=`/`user=`, or a URL with
 * `user:password@`. Config-provider references (`${secretsmanager:...}`) are the way to pass one.
 */
export function checkNoSecretInText(prop: string, text: string): void {
  if (Token.isUnresolved(text) || PROVIDER_REFERENCE.test(text)) {
    return;
  }
  const m = TEXT_SECRET.exec(text);
  if (m && !PROVIDER_REFERENCE.test(text.substring(m.index + m[0].length).split(/[&;,\s]/)[0])) {
    throw new Error(`${prop} must not carry credentials (found '${m[1]}='): it is stored in plain text in the template and the connector; pass them through \`credentials\` or a '\${secretsmanager:...}' reference`);
  }
  if (/[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#\s@]*:[^/?#\s@]*@/.test(text)) {
    throw new Error(`${prop} must not carry credentials ('user:password@' in a URL): it is stored in plain text in the template and the connector`);
  }
}

/** Throws unless `value` is at most `max` characters (CloudFormation maxLength). */
export function checkMaxLength(prop: string, value: string | undefined, max: number): void {
  if (value !== undefined && !Token.isUnresolved(value) && value.length > max) {
    throw new Error(`\`${prop}\` must be at most ${max} characters, got ${value.length}`);
  }
}

/**
 * Checks a `topics.regex` as Kafka Connect will compile it (java.util.regex.Pattern): it must compile in JS, and
 * the constructs Java refuses but JS accepts are refused too.
 */
export function checkJavaRegex(label: string, regex: string): void {
  if (Token.isUnresolved(regex)) {
    return;
  }
  try {
    new RegExp(regex);
  } catch {
    throw new Error(`${label} must be a valid regular expression, got ${show(regex)}`);
  }
  if (regex === '') {
    throw new Error(`${label} must not be empty (it would match no topic), got ''`);
  }
  const refusal = javaRegexRefusal(regex);
  if (refusal) {
    throw new Error(`${label} has ${refusal}, which Java's regex engine (which Kafka Connect uses) rejects, got ${show(regex)}`);
  }
}

/**
 * What java.util.regex.Pattern refuses in a regex that JavaScript's RegExp compiles, or undefined. Kafka Connect
 * (`topics.regex`) and Debezium (include lists) compile with Java, the checks here with JavaScript.
 */
export function javaRegexRefusal(regex: string): string | undefined {
  // Java: "Illegal repetition" for a '{' that does not start a quantifier (JS reads it as a literal).
  if (/(^|[^\\])\{(?!\d+(,\d*)?\})/.test(stripClasses(regex))) {
    return "a '{' that is not a quantifier (write '\\{')";
  }
  // Java: look-behind needs an obvious maximum length, so '*' or '+' inside one fails to compile.
  if (/\(\?<[=!][^)]*[*+]/.test(regex)) {
    return 'a look-behind without a maximum length';
  }
  // Java: a named group is (?<name>...) with a name of ASCII letters and digits, starting with a letter.
  const badGroupName = /\(\?<(?![=!])([^>]*)>/.exec(regex);
  if (badGroupName && !/^[a-zA-Z][a-zA-Z0-9]*$/.test(badGroupName[1])) {
    return `a group name ${show(badGroupName[1])} that is not ASCII letters and digits starting with a letter`;
  }
  return undefined;
}

function stripClasses(regex: string): string {
  return regex.replace(/\\./g, '__').replace(/\[[^\]]*\]/g, '');
}

/**
 * Literal prefixes such that every match of `regex` starts with one of them (one or more per top-level
 * alternative; a leading group is expanded). An empty string means "any topic".
 */
export function literalPrefixes(regex: string): string[] {
  return splitAlternatives(regex).flatMap(literalPrefix);
}

/**
 * Walks `regex` from `from`, skipping escapes and character classes, and calls `visit` with each structural character
 * (`(`, `)`, `|`), its index and the group depth after it; stops when `visit` returns true. Returns that index, or -1.
 */
function scanRegex(regex: string, from: number, visit: (c: string, i: number, depth: number) => boolean): number {
  let depth = 0;
  for (let i = from; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      const end = regex.indexOf(']', i + 2);
      i = end < 0 ? regex.length : end;
    } else if (c === '(' || c === ')' || c === '|') {
      depth += c === '(' ? 1 : c === ')' ? -1 : 0;
      if (visit(c, i, depth)) {
        return i;
      }
    }
  }
  return -1;
}

function splitAlternatives(regex: string): string[] {
  const alternatives: string[] = [];
  let start = 0;
  scanRegex(regex, 0, (c, i, depth) => {
    if (c === '|' && depth === 0) {
      alternatives.push(regex.substring(start, i));
      start = i + 1;
    }
    return false;
  });
  alternatives.push(regex.substring(start));
  return alternatives;
}

/** The index of the ')' closing the group opened at `open`, or -1. */
function groupEnd(regex: string, open: number): number {
  return scanRegex(regex, open, (c, _i, depth) => c === ')' && depth === 0);
}

function literalPrefix(regex: string): string[] {
  let out = '';
  let i = regex.startsWith('^') ? 1 : 0;
  while (i < regex.length) {
    let char: string;
    let next = i + 1;
    if (regex[i] === '(') {
      const end = groupEnd(regex, i);
      const quantifier = regex[end + 1];
      // A plain or non-capturing group, not optional: every match goes through one of its alternatives.
      const inner = regex.substring(i + 1, end).replace(/^\?(?::|<[a-zA-Z][a-zA-Z0-9]*>)/, '');
      if (end < 0 || inner.startsWith('?') || quantifier === '?' || quantifier === '*' || quantifier === '{') {
        break;
      }
      return literalPrefixes(inner).map((p) => out + p);
    }
    if (regex[i] === '\\') {
      if (/[a-zA-Z0-9]/.test(regex[i + 1] ?? 'a')) {
        break;
      }
      char = regex[i + 1];
      next = i + 2;
    } else if ('.[]){}*+?|^$'.includes(regex[i])) {
      break;
    } else {
      char = regex[i];
    }
    const quantifier = regex[next];
    if (quantifier === '?' || quantifier === '*' || quantifier === '{') {
      break;
    }
    out += char;
    if (quantifier === '+') {
      break;
    }
    i = next;
  }
  return [out];
}

/** True if `name` is covered by one of the topic/group name patterns of a role (exact, or a prefix ending in '*'). */
export function coveredBy(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === name || (p.endsWith('*') && name.startsWith(p.substring(0, p.length - 1))));
}

const CONNECTOR_NAMES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * MSK Connect connector names are unique per account and region (CreateConnector fails with ConflictException):
 * two connectors of one app with the same name and the same (or the same unresolved) environment collide.
 */
export function registerConnectorName(connector: IConstruct, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const stack = Stack.of(connector);
  const env = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
    ? `stack ${stack.node.path}`
    : `${stack.account}/${stack.region}`;
  const root = connector.node.root;
  const names = CONNECTOR_NAMES.get(root) ?? new Map<string, string>();
  CONNECTOR_NAMES.set(root, names);
  const key = `${env}\n${name}`;
  const other = names.get(key);
  if (other !== undefined) {
    throw new Error(`\`connectorName\` ${show(name)} is already used by ${show(other)} in the same account and region: MSK Connect connector names are unique per account and region`);
  }
  names.set(key, connector.node.path);
}

/**
 * ClickHouse names the sink puts into its URL path and its DDL/queries (database, KeeperMap table, cluster):
 * letters, digits and '_' (⚠ '-' is allowed in quoted identifiers, but the sink does not quote every use; kept
 * to the unquoted identifier grammar, clickhouse.com/docs/sql-reference/syntax#identifiers, plus '-' for database).
 */
export function checkClickHouseName(prop: string, value: string | undefined, allowHyphen = false): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const grammar = allowHyphen ? /^[a-zA-Z_][a-zA-Z0-9_-]{0,205}$/ : /^[a-zA-Z_][a-zA-Z0-9_]{0,205}$/;
  if (!grammar.test(value)) {
    throw new Error(`\`${prop}\` must be a ClickHouse identifier (a letter or '_', then letters, digits, '_'${allowHyphen ? ", '-'" : ''}; at most 206 characters), got ${show(value)}`);
  }
}

// `basic.auth.user.info` (Schema Registry clients) holds 'user:password'.
const SECRET_KEY = /(password|passwd|secret|token|credential|api[._-]?key|private[._-]?key|sasl\.jaas\.config|user\.info)/i;
/** The MSK IAM login module carries no secret: it signs with the workers' role. */
const IAM_JAAS = /^software\.amazon\.msk\.auth\.iam\.IAMLoginModule required;$/;

/**
 * Whether `value` is a literal under a secret-looking key. A config provider's own prefix
 * (`config.providers.secretsmanager.`) is not read as part of the key: its name says where secrets come from.
 */
export function holdsLiteralSecret(key: string, value: string): boolean {
  const own = key.replace(/^config\.providers\.[^.]+\./, '');
  // `*.basic.auth.credentials.source` names where the credentials come from (USER_INFO, URL, SASL_INHERIT).
  return SECRET_KEY.test(own) && own !== 'class' && !own.endsWith('credentials.source') && !Token.isUnresolved(value) && value !== '' && !PROVIDER_REFERENCE.test(value) && !IAM_JAAS.test(value);
}

/** Throws when a secret-looking key of `config` holds anything but a config-provider reference. */
export function checkNoLiteralSecrets(prop: string, config: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(config)) {
    if (holdsLiteralSecret(key, value)) {
      throw new Error(`\`${prop}\` '${key}' must be a config-provider reference such as '\${secretsmanager:<secret-name>:<key>}', not a literal value (it would be stored in plain text in the template and the connector)`);
    }
  }
}

/**
 * A `LeastPrivilegeConnectorRole` given as a connector's `role` must be the role of that connector (its trust names
 * the connector, its consumer-group grant is `connect-<name>`) and of that cluster (every kafka-cluster grant names the
 * cluster's ARN), and allow what the connector does: otherwise the connector cannot assume it, or starts and fails
 * on the first request it is refused.
 */
export function checkRoleFits(role: LeastPrivilegeConnectorRole, connectorName: string, cluster: IMskCluster, needed?: ConnectorPermissions): void {
  const where = `\`role\` (${show(role.node.path)})`;
  if (!Token.isUnresolved(role.connectorName) && !Token.isUnresolved(connectorName) && role.connectorName !== connectorName) {
    throw new Error(`${where} is the role of connector ${show(role.connectorName)}, not of \`connectorName\` ${show(connectorName)}: its trust lets only that connector assume it, and it grants the consumer group 'connect-${role.connectorName}'`);
  }
  const arnOf = (c: IMskCluster) => JSON.stringify(Stack.of(cluster).resolve(c.clusterArn));
  if (role.cluster !== cluster && arnOf(role.cluster) !== arnOf(cluster)) {
    throw new Error(`${where} is the role of cluster ${show(role.cluster.node.path)}, not of \`cluster\` ${show(cluster.node.path)}: its kafka-cluster grants name that cluster's ARN, so the connector could not connect`);
  }
  if (!needed) {
    return;
  }
  const has = role.permissions;
  const missingTopics = (label: string, want: readonly string[] | undefined, got: readonly string[] | undefined) => {
    const missing = (want ?? []).filter((t) => !Token.isUnresolved(t) && !coveredBy(t, got ?? []));
    if (missing.length > 0) {
      throw new Error(`${where} ${label} ${show([...(got ?? [])])} do not cover ${show(missing)}, which the connector needs: it would fail on its first request for them`);
    }
  };
  missingTopics('readTopics', needed.readTopics, has.readTopics);
  missingTopics('writeTopics', needed.writeTopics, has.writeTopics);
  missingTopics('createTopics', needed.createTopics, has.createTopics);
  missingTopics('describeTopicConfigurations', needed.describeTopicConfigurations, has.describeTopicConfigurations);
  for (const flag of ['describeClusterDynamicConfiguration', 'idempotentWrites'] as const) {
    if (needed[flag] && !has[flag]) {
      throw new Error(`${where} does not set \`${flag}\`, which the connector needs: it would fail on its first request for it`);
    }
  }
  const secretId = (x: { secretArn: string }) => Stack.of(cluster).resolve(x.secretArn);
  for (const secret of needed.secrets ?? []) {
    if (!(has.secrets ?? []).some((h) => h === secret || JSON.stringify(secretId(h)) === JSON.stringify(secretId(secret)))) {
      throw new Error(`${where} \`secrets\` do not include ${show(secret.node.path)}, which the connector reads through its config provider: the workers would fail to start`);
    }
  }
}

/**
 * The `alarms` of a connector construct that also takes the deprecated `alarmTopic`: the two together are an error,
 * `alarmTopic` alone is `alarms.topic`.
 */
export function connectorAlarms(props: { readonly alarms?: ConnectorAlarms; readonly alarmTopic?: sns.ITopic }): ConnectorAlarms | undefined {
  if (props.alarmTopic === undefined) {
    return props.alarms;
  }
  if (props.alarms !== undefined) {
    throw new Error('`alarmTopic` is the deprecated form of `alarms.topic`: give only `alarms`, got both');
  }
  return { topic: props.alarmTopic };
}
