/**
 * Jest snapshot serializer that blanks CDK asset hashes, so a snapshot changes only when the template does —
 * not when an unrelated byte of a bundled asset or the CDK version moves.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;
const MARK = '[ASSET-HASH]';

function containsHash(value: unknown): boolean {
  if (typeof value === 'string') {
    ASSET_HASH.lastIndex = 0;
    return ASSET_HASH.test(value);
  }
  if (Array.isArray(value)) {
    return value.some(containsHash);
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => containsHash(k) || containsHash(v));
  }
  return false;
}

function strip(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(ASSET_HASH, MARK);
  }
  if (Array.isArray(value)) {
    return value.map(strip);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [strip(k) as string, strip(v)]));
  }
  return value;
}

module.exports = {
  test: (value: unknown) => value !== null && typeof value === 'object' && containsHash(value),
  serialize: (value: unknown, config: any, indentation: string, depth: number, refs: any, printer: any) =>
    printer(strip(value), config, indentation, depth, refs),
};
