/**
 * Jest snapshot serializer that blanks CDK asset hashes, so a snapshot changes only when the template does — not
 * when an unrelated byte of a bundled asset or the CDK version moves.
 *
 * It blanks only hashes CDK computes over asset content, where CDK writes them:
 * - an asset's object key, `<hash>.zip` / `<hash>.json` / `<hash>.jar` (Lambda `Code.S3Key`, a custom plugin's
 *   `FileKey`), also as the `/<hash>.zip` tail of a `Fn::Join`ed ARN;
 * - anything after CDK's bootstrap bucket or repository, `cdk-<qualifier>-assets-...` /
 *   `cdk-<qualifier>-container-assets-...` (`/<hash>.zip` keys, `:<hash>` Docker image tags);
 * - the staging directory `asset.<hash>` (`aws:asset:path` metadata, cdk.out paths) and the value of `aws:asset:hash`.
 *
 * Every other 64-hex string stays visible, above all the pinned SHA-256 checksums of connector plugin artifacts (the
 * `Sha256` of each source of `Custom::ConnectorPluginArtifact`): a snapshot must show when a checksum changes.
 */
const HEX = '[0-9a-f]{64}';
export const ASSET_HASH_MARK = '[ASSET-HASH]';

/** Each rule captures (prefix)(hash); the hash is replaced, the prefix kept. */
const RULES: RegExp[] = [
  // asset object key, whole or as the tail of an ARN: "<hash>.zip", "/<hash>.json"
  new RegExp(`^(/?)(${HEX})(?=\\.(?:zip|json|jar|tar\\.gz|tgz|yaml)$)`),
  // anything in CDK's bootstrap asset bucket or container repository (an S3 key after '/', an image tag after ':')
  new RegExp(`(cdk-[a-z0-9]+-(?:container-)?assets-.*?[/:])(${HEX})(?![0-9a-f])`, 'g'),
  // the staging directory of an asset
  new RegExp(`((?:^|/)asset\\.)(${HEX})(?![0-9a-f])`, 'g'),
];
const ASSET_METADATA_HASH = new RegExp(`^${HEX}$`);

function blank(value: string, key?: string): string {
  if (key === 'aws:asset:hash' && ASSET_METADATA_HASH.test(value)) {
    return ASSET_HASH_MARK;
  }
  return RULES.reduce((s, rule) => s.replace(rule, (_m, prefix: string) => `${prefix}${ASSET_HASH_MARK}`), value);
}

/** `value` with every CDK asset hash replaced by `[ASSET-HASH]` (object keys too); other values as they are. */
export function stripAssetHashes(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    return blank(value, key);
  }
  if (Array.isArray(value)) {
    return value.map((v) => stripAssetHashes(v));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [blank(k), stripAssetHashes(v, k)]));
  }
  return value;
}

function containsAssetHash(value: unknown, key?: string): boolean {
  if (typeof value === 'string') {
    return blank(value, key) !== value;
  }
  if (Array.isArray(value)) {
    return value.some((v) => containsAssetHash(v));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => blank(k) !== k || containsAssetHash(v, k));
  }
  return false;
}

// The serializer jest loads (snapshotSerializers in .projenrc.ts).
export const test = (value: unknown): boolean => value !== null && value !== undefined && containsAssetHash(value);
export const serialize = (value: unknown, config: any, indentation: string, depth: number, refs: any, printer: any): string =>
  printer(stripAssetHashes(value), config, indentation, depth, refs);
