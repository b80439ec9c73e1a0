import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

import { buildPluginZip, download, makeHandler, pluginKey } from '../../lib/handlers/plugin-fetch';

// These tests exercise the handler's source; test/handlers/lambda-runtime-contract.test.ts loads its bundle the way the Lambda
// runtime does.

/** Temp folders of the Python helpers, removed after the tests. */
const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
  temporary.push(dir);
  return dir;
}

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** Archives made by Python's tarfile/zipfile, so the handler is checked against an independent implementation. */
function python(script: string, ...args: string[]): Buffer {
  return execFileSync('python3', ['-c', script, ...args], { maxBuffer: 64 * 1024 * 1024 });
}

function makeTarGz(files: Record<string, string>, format: 'PAX_FORMAT' | 'USTAR_FORMAT' = 'PAX_FORMAT'): Buffer {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  const out = path.join(dir, 'out.tar.gz');
  python(`
import sys, tarfile, os
src, out, fmt, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with tarfile.open(out, 'w:gz', format=getattr(tarfile, fmt)) as t:
    for n in names:
        t.add(os.path.join(src, n), arcname=n)
`, dir, out, format, ...Object.keys(files));
  return fs.readFileSync(out);
}

function makeZip(files: Record<string, string>): Buffer {
  const dir = tempDir();
  const out = path.join(dir, 'out.zip');
  python(`
import sys, zipfile, json
out, files = sys.argv[1], json.loads(sys.argv[2])
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for n, c in files.items():
        z.writestr(n, c)
`, out, JSON.stringify(files));
  return fs.readFileSync(out);
}

/** Lists a ZIP with Python's zipfile (and tests its CRCs): { name: content as UTF-8 }. */
function readZipWithPython(zip: Buffer): Record<string, string> {
  return Object.fromEntries(Object.entries(readZipBytesWithPython(zip)).map(([n, b]) => [n, b.toString('utf8')]));
}

function readZipBytesWithPython(zip: Buffer): Record<string, Buffer> {
  const file = path.join(tempDir(), 'check.zip');
  fs.writeFileSync(file, zip);
  const listing = JSON.parse(python(`
import sys, zipfile, json, base64
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    assert bad is None, bad
    print(json.dumps({n: base64.b64encode(z.read(n)).decode('ascii') for n in z.namelist()}))
`, file).toString()) as Record<string, string>;
  return Object.fromEntries(Object.entries(listing).map(([n, b64]) => [n, Buffer.from(b64, 'base64')]));
}

describe('plugin-fetch handler (loopback HTTP server)', () => {
  const routes: Record<string, { status: number; body?: Buffer; location?: string }> = {};
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const route = routes[req.url ?? ''];
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(route.status, route.location ? { location: route.location } : {});
      res.end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const debeziumTarGz = makeTarGz({
    'debezium-connector-mysql/debezium-connector-mysql-2.7.4.Final.jar': 'connector classes',
    'debezium-connector-mysql/mysql-binlog-connector-java-0.31.0.jar': 'binlog client',
    'debezium-connector-mysql/LICENSE.txt': 'license',
  });
  const providerJar = makeZip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'com/amazonaws/Provider.class': 'bytes' });
  const clickhouseZip = makeZip({ 'clickhouse-kafka-connect-v1.3.5/lib/clickhouse-kafka-connect-v1.3.5-confluent.jar': 'sink classes' });

  beforeEach(() => {
    routes['/debezium.tar.gz'] = { status: 200, body: debeziumTarGz };
    routes['/provider.jar'] = { status: 200, body: providerJar };
    routes['/clickhouse.zip'] = { status: 200, body: clickhouseZip };
    routes['/redirect'] = { status: 302, location: '/clickhouse.zip' };
    routes['/notes.txt'] = { status: 200, body: Buffer.from('just text') };
  });

  test('repackages a .tar.gz into a ZIP with the same files, readable by another ZIP implementation', async () => {
    const zip = await buildPluginZip([{ url: `${base}/debezium.tar.gz`, sha256: sha256(debeziumTarGz) }], { allowHttp: true });
    expect(readZipWithPython(zip)).toEqual({
      'debezium-connector-mysql/debezium-connector-mysql-2.7.4.Final.jar': 'connector classes',
      'debezium-connector-mysql/mysql-binlog-connector-java-0.31.0.jar': 'binlog client',
      'debezium-connector-mysql/LICENSE.txt': 'license',
    });
  });

  test('keeps names longer than 100 characters of a ustar tar (prefix field)', async () => {
    // ustar splits such a name into its prefix and name fields (PAX, above, writes a path record instead).
    const long = `${'connector-'.repeat(8)}dir/${'lib-'.repeat(10)}x/connector-with-a-long-name.jar`;
    expect(long.length).toBeGreaterThan(100);
    const archive = makeTarGz({ [long]: 'classes', 'short/x.jar': 'x' }, 'USTAR_FORMAT');
    routes['/long.tar.gz'] = { status: 200, body: archive };
    const zip = await buildPluginZip([{ url: `${base}/long.tar.gz`, sha256: sha256(archive) }], { allowHttp: true });
    expect(readZipWithPython(zip)).toEqual({ [long]: 'classes', 'short/x.jar': 'x' });
  });

  test('bundles extra jars (a config provider) into the same ZIP under lib/', async () => {
    const zip = await buildPluginZip([
      { url: `${base}/clickhouse.zip`, sha256: sha256(clickhouseZip) },
      { url: `${base}/provider.jar`, sha256: sha256(providerJar) },
    ], { allowHttp: true });
    const files = readZipBytesWithPython(zip);
    expect(Object.keys(files)).toEqual(['clickhouse-kafka-connect-v1.3.5/lib/clickhouse-kafka-connect-v1.3.5-confluent.jar', 'lib/provider.jar']);
    expect(files['lib/provider.jar'].equals(providerJar)).toBe(true);
  });

  test('the same sources give byte-identical ZIPs', async () => {
    const sources = [{ url: `${base}/debezium.tar.gz`, sha256: sha256(debeziumTarGz) }];
    const a = await buildPluginZip(sources, { allowHttp: true });
    const b = await buildPluginZip(sources, { allowHttp: true });
    expect(sha256(a)).toBe(sha256(b));
  });

  test('fails on a checksum mismatch, naming both checksums', async () => {
    const wrong = '0'.repeat(64);
    await expect(buildPluginZip([{ url: `${base}/debezium.tar.gz`, sha256: wrong }], { allowHttp: true }))
      .rejects.toThrow(`checksum mismatch for ${base}/debezium.tar.gz: expected sha256 ${wrong}, got ${sha256(debeziumTarGz)}; refusing to install it`);
  });

  test('follows redirects', async () => {
    const zip = await buildPluginZip([{ url: `${base}/redirect`, sha256: sha256(clickhouseZip) }], { allowHttp: true });
    expect(Object.keys(readZipWithPython(zip))).toHaveLength(1);
  });

  test('fails on an unreachable artifact with the HTTP status', async () => {
    await expect(buildPluginZip([{ url: `${base}/missing.zip`, sha256: '0'.repeat(64) }], { allowHttp: true }))
      .rejects.toThrow(`cannot download ${base}/missing.zip: HTTP 404`);
  });

  test('fails when nothing listens', async () => {
    await expect(download('http://127.0.0.1:1/x.zip', { allowHttp: true })).rejects.toThrow('cannot download http://127.0.0.1:1/x.zip:');
  });

  test('refuses plain http outside tests', async () => {
    await expect(download(`${base}/clickhouse.zip`)).rejects.toThrow('only https: URLs are allowed');
  });

  test('fails on an artifact that is not an archive', async () => {
    await expect(buildPluginZip([{ url: `${base}/notes.txt`, sha256: sha256(Buffer.from('just text')) }], { allowHttp: true }))
      .rejects.toThrow('is neither a ZIP, a JAR nor a .tar.gz archive');
  });

  test('fails when the plugin would contain no jar', async () => {
    const docs = makeZip({ 'README.md': 'docs only' });
    routes['/docs.zip'] = { status: 200, body: docs };
    await expect(buildPluginZip([{ url: `${base}/docs.zip`, sha256: sha256(docs) }], { allowHttp: true }))
      .rejects.toThrow('the plugin has no .jar file');
  });

  test('fails when two sources carry the same file', async () => {
    await expect(buildPluginZip([
      { url: `${base}/clickhouse.zip`, sha256: sha256(clickhouseZip) },
      { url: `${base}/redirect`, sha256: sha256(clickhouseZip) },
    ], { allowHttp: true })).rejects.toThrow('is in both');
  });

  describe('CloudFormation handler', () => {
    const event = (requestType: string, sha = sha256(debeziumTarGz)) => ({
      RequestType: requestType,
      ResponseURL: 'https://cloudformation-response.invalid/',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'Plugin',
      ResourceProperties: { Bucket: 'plugins', KmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k', KeyPrefix: 'plugins/', PluginName: 'debezium', Sources: [{ Url: `${base}/debezium.tar.gz`, Sha256: sha }] },
    });

    test('Create uploads the ZIP under a checksum-derived key and reports key and version', async () => {
      const uploads: any[] = [];
      const responses: any[] = [];
      await makeHandler({
        upload: async (bucket: string, key: string, kmsKey: string, body: Buffer) => { uploads.push({ bucket, key, kmsKey, body }); return 'v1'; },
        send: async (_e: unknown, status: string, id: string, data: unknown, reason?: string) => { responses.push({ status, id, data, reason }); },
        options: { allowHttp: true },
      })(event('Create'), {});
      const key = pluginKey('plugins/', 'debezium', [{ sha256: sha256(debeziumTarGz) }]);
      expect(key).toMatch(/^plugins\/debezium-[0-9a-f]{16}\.zip$/);
      expect(uploads).toHaveLength(1);
      expect(uploads[0]).toMatchObject({ bucket: 'plugins', key, kmsKey: 'arn:aws:kms:eu-west-1:111122223333:key/k' });
      expect(Object.keys(readZipWithPython(uploads[0].body))).toHaveLength(3);
      expect(responses).toEqual([{ status: 'SUCCESS', id: `plugins/${key}`, data: { Key: key, VersionId: 'v1', Size: String(uploads[0].body.length) }, reason: undefined }]);
    });

    test('a checksum mismatch fails the deployment with the reason and uploads nothing', async () => {
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const uploads: any[] = [];
      const responses: any[] = [];
      await makeHandler({
        upload: async () => { uploads.push(1); return 'v'; },
        send: async (_e: unknown, status: string, _id: string, _data: unknown, reason?: string) => { responses.push({ status, reason }); },
        options: { allowHttp: true },
      })(event('Create', 'f'.repeat(64)), {});
      expect(uploads).toHaveLength(0);
      expect(responses).toHaveLength(1);
      expect(responses[0].status).toBe('FAILED');
      expect(responses[0].reason).toContain('checksum mismatch');
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('checksum mismatch'));
      errors.mockRestore();
    });

    test('Delete keeps the object (older plugin revisions may point at it) and succeeds', async () => {
      const responses: any[] = [];
      await makeHandler({
        upload: async () => { throw new Error('must not upload'); },
        send: async (_e: unknown, status: string, id: string) => { responses.push({ status, id }); },
        options: { allowHttp: true },
      })({ ...event('Delete'), PhysicalResourceId: 'plugins/plugins/debezium-1.zip' }, {});
      expect(responses).toEqual([{ status: 'SUCCESS', id: 'plugins/plugins/debezium-1.zip' }]);
    });
  });
});
