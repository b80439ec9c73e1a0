import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ASSET_HASH_MARK, serialize, stripAssetHashes, test as isSerialized } from './asset-hash-serializer';
import { testApp } from './compliance';
import { EXAMPLE_SHA256 } from './fixtures';
import { ConnectorPlugin, PluginSource } from '../../lib';

const HASH = '89f911655259f95f0b26d371850516a3f5f22707522212dbd782e7fbb10c47ee';
const CHECKSUM = '0'.repeat(64);

describe('asset hashes are blanked', () => {
  test.each([
    ['a Lambda asset key', { S3Key: `${HASH}.zip` }, { S3Key: `${ASSET_HASH_MARK}.zip` }],
    ['a template asset key', { S3Key: `${HASH}.json` }, { S3Key: `${ASSET_HASH_MARK}.json` }],
    ['the tail of a joined asset ARN', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `/${HASH}.zip`]] }, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `/${ASSET_HASH_MARK}.zip`]] }],
    ['a key in the bootstrap bucket', { 'Fn::Sub': `cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${HASH}.zip` }, { 'Fn::Sub': `cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${ASSET_HASH_MARK}.zip` }],
    ['a Docker image tag', { ImageUri: { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/cdk-hnb659fds-container-assets-\${AWS::AccountId}-\${AWS::Region}:${HASH}` } }, { ImageUri: { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/cdk-hnb659fds-container-assets-\${AWS::AccountId}-\${AWS::Region}:${ASSET_HASH_MARK}` } }],
    ['asset metadata', { 'aws:asset:path': `asset.${HASH}`, 'aws:asset:hash': HASH }, { 'aws:asset:path': `asset.${ASSET_HASH_MARK}`, 'aws:asset:hash': ASSET_HASH_MARK }],
    ['an object key', { [`${HASH}.zip`]: 1 }, { [`${ASSET_HASH_MARK}.zip`]: 1 }],
  ])('%s', (_what, value, expected) => {
    expect(isSerialized(value)).toBe(true);
    expect(stripAssetHashes(value)).toEqual(expected);
  });
});

describe('pinned checksums and other 64-hex values are kept', () => {
  test.each([
    ['a plugin artifact checksum', { Sources: [{ Url: 'https://example.com/a.zip', Sha256: CHECKSUM }] }],
    ['the fixtures\' checksum', { Sha256: EXAMPLE_SHA256 }],
    ['a bare 64-hex value under any other key', { Salt: HASH }],
    ['a checksum named in a release URL', { Url: `https://example.com/${HASH}.zip` }],
  ])('%s', (_what, value) => {
    expect(isSerialized(value)).toBe(false);
    expect(stripAssetHashes(value)).toEqual(value);
  });
});

test('serialize prints the value with asset hashes blanked and checksums kept', () => {
  const printed = serialize({ S3Key: `${HASH}.zip`, Sha256: CHECKSUM }, {}, '', 0, [], (v: unknown) => JSON.stringify(v));
  expect(printed).toBe(`{"S3Key":"${ASSET_HASH_MARK}.zip","Sha256":"${CHECKSUM}"}`);
});

test('on a synthesized template only the asset hashes go: the handler code, a plugin asset, asset metadata', () => {
  const stack = new Stack(testApp({ context: { 'aws:cdk:enable-asset-metadata': true } }), 'S');
  new ConnectorPlugin(stack, 'FromUrl', { source: PluginSource.fromUrl({ url: 'https://example.com/a.zip', sha256: EXAMPLE_SHA256 }) });
  new ConnectorPlugin(stack, 'FromAsset', { source: PluginSource.fromAsset(path.join(__dirname, '..', 'fixtures', 'example-connector.zip')) });
  const json = Template.fromStack(stack).toJSON();
  const hexes = (v: unknown) => [...new Set(JSON.stringify(v).match(/[0-9a-f]{64}/g) ?? [])];
  // before: the fetch handler's code asset (its S3Key and aws:asset:path), the plugin asset (FileKey), the checksum
  expect(hexes(json)).toHaveLength(3);
  expect(hexes(json)).toContain(EXAMPLE_SHA256);
  const stripped = JSON.stringify(stripAssetHashes(json));
  expect(hexes(JSON.parse(stripped))).toEqual([EXAMPLE_SHA256]);
  expect(stripped.match(/"(S3Key|FileKey)":"\[ASSET-HASH\]\.zip"/g)).toEqual(['"S3Key":"[ASSET-HASH].zip"', '"FileKey":"[ASSET-HASH].zip"']);
  expect(stripped.match(/"aws:asset:path":"asset\.\[ASSET-HASH\]"/g)).toHaveLength(1);
  expect(stripped).toContain(`"Sha256":"${EXAMPLE_SHA256}"`);
});

test('the configured serializer writes snapshots that way', () => {
  expect({ S3Key: `${HASH}.zip`, Sources: [{ Sha256: CHECKSUM }] }).toMatchSnapshot();
});
