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

/** Kafka's own topic-name rule: 1–249 characters of `[a-zA-Z0-9._-]`, and not `.` or `..`. */
export function checkTopicName(prop: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  if (name.length === 0 || name.length > 249 || !/^[a-zA-Z0-9._-]+$/.test(name) || name === '.' || name === '..') {
    throw new Error(`\`${prop}\` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got ${show(name)}`);
  }
}

/** Throws when `list` is empty. */
export function checkNotEmpty(prop: string, list: readonly unknown[] | undefined): void {
  if (list !== undefined && list.length === 0) {
    throw new Error(`\`${prop}\` must not be empty, got []`);
  }
}
