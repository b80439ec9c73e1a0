import { Token } from 'aws-cdk-lib';

/**
 * Synth-time checks shared by every construct. Each throws a plain `Error` that names the prop in backticks and
 * echoes the value, and skips values that are unresolved tokens (they cannot be checked before deploy).
 */

/** Formats a value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(show).join(', ')}]`;
  }
  return String(value);
}

/**
 * Throws when a required prop is missing or null: TypeScript refuses that at compile time, but JavaScript callers
 * (jsii users) reach the constructor without it. `what` says what to give.
 */
export function checkRequired(prop: string, value: unknown, what: string): void {
  if (value === undefined || value === null) {
    throw new Error(`\`${prop}\` is required: give ${what}, got ${show(value)}`);
  }
}

/** Throws unless `value` is a whole number within [min, max]. */
export function checkIntegerRange(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`\`${prop}\` must be a whole number between ${min} and ${max}, got ${show(value)}`);
  }
}

/** Throws unless `value` is a whole number >= min. */
export function checkIntegerAtLeast(prop: string, value: number | undefined, min: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`\`${prop}\` must be a whole number of at least ${min}, got ${show(value)}`);
  }
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T>(prop: string, value: T | undefined, allowed: readonly T[]): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!allowed.includes(value)) {
    throw new Error(`\`${prop}\` must be one of ${allowed.map(show).join(', ')}, got ${show(value)}`);
  }
}

/** Kafka's own topic-name rule (`Topic.validate`): 1–249 characters of `[a-zA-Z0-9._-]`, and not `.` or `..`. */
export function isKafkaTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && /^[a-zA-Z0-9._-]+$/.test(name) && name !== '.' && name !== '..';
}

/** The text `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Kafka's own topic-name rule: 1–249 characters of `[a-zA-Z0-9._-]`, and not `.` or `..`. */
export function checkTopicName(prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  if (!isKafkaTopicName(name)) {
    throw new Error(`\`${prop}\` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got ${show(name)}`);
  }
}

/** Throws when `list` is empty. */
export function checkNotEmpty(prop: string, list: readonly unknown[] | undefined): void {
  if (list !== undefined && list.length === 0) {
    throw new Error(`\`${prop}\` must not be empty, got []`);
  }
}

/**
 * Throws on the first value `values` holds twice (unresolved tokens are skipped). `label` is what the user wrote, as
 * the message shows it: a prop in backticks, or a prop and a key (`` `connectorConfiguration` 'topics' ``).
 */
export function checkNoRepeats(label: string, values: readonly string[] | undefined, noun = 'entry'): void {
  const seen = new Set<string>();
  for (const value of values ?? []) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (seen.has(value)) {
      throw new Error(`${label} must not name the same ${noun} twice, got ${show(value)} twice`);
    }
    seen.add(value);
  }
}

/** The parts of an ARN, when `arn` is resolved and has the six-part shape `arn:partition:service:region:account:resource`. */
export function parseArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/.exec(arn);
  return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/**
 * Throws unless `arn` is the ARN of a KMS key (`arn:<partition>:kms:<region>:<account>:key/<key-id>`, the id a UUID
 * or a multi-Region `mrk-` id). An alias ARN is refused: IAM authorizes kms:Decrypt against the key's ARN, never
 * against an alias ARN, so a policy naming the alias grants nothing (AWS KMS developer guide, "Using aliases to
 * control access to KMS keys"). When the stack's region is known, the key must be in it: Secrets Manager only
 * encrypts a secret with a key of its own Region.
 */
export function checkKmsKeyArn(prop: string, arn: string | undefined, stackRegion: string): void {
  if (arn === undefined || Token.isUnresolved(arn)) {
    return;
  }
  const parts = parseArn(arn);
  if (parts?.service === 'kms' && parts.resource.startsWith('alias/')) {
    throw new Error(`\`${prop}\` must be the ARN of the key, not of an alias (IAM grants kms:Decrypt on key ARNs only), got ${show(arn)}`);
  }
  if (parts?.service !== 'kms' || !/^key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/.test(parts.resource) || !parts.region || !/^\d{12}$/.test(parts.account)) {
    throw new Error(`\`${prop}\` must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key-id>), got ${show(arn)}`);
  }
  if (!Token.isUnresolved(stackRegion) && parts.region !== stackRegion) {
    throw new Error(`\`${prop}\` is a key in ${parts.region}, but the stack deploys to ${stackRegion}: Secrets Manager encrypts a secret only with a key of its own Region, got ${show(arn)}`);
  }
}

/**
 * Runs `build` (the construction of an inner construct from a composite's props) and, when it throws, renames the
 * inner construct's props in the message to the composite props the user set (`` `hostname` `` becomes
 * `` `clickHouseHostname` ``, `` `release.version` `` becomes `` `sinkRelease.version` ``), so the message names what
 * the user wrote. Only backticked prop names are renamed; the rest of the message stays as the inner check wrote it.
 */
export function namingUserProps<T>(names: { [inner: string]: string }, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof Error)) {
      throw e;
    }
    const inner = Object.keys(names).map(escapeRegExp).join('|');
    if (inner !== '') {
      e.message = e.message.replace(new RegExp(`\`(${inner})((?:\\.[\\w.[\\]]+)?)\``, 'g'), (_m, name: string, rest: string) => `\`${names[name]}${rest}\``);
    }
    throw e;
  }
}
