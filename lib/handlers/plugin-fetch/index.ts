// Deploy-time custom resource handler of ConnectorPlugin.fromUrl: downloads pinned release artifacts, verifies each
// one's SHA-256, repackages them into the single ZIP that MSK Connect requires (a .tar.gz is unpacked, a .jar is
// placed as is, extra jars such as a config provider are added), uploads the ZIP to the plugin bucket and returns
// its key and version. Bundled by scripts/bundle-handlers.js into assets/handlers/plugin-fetch/index.js with its
// archive libraries (fflate for ZIP, tar-stream for tar); the AWS SDK v3 comes from the Lambda runtime.
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { Readable } from 'stream';
import * as zlib from 'zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { unzipSync, zipSync } from 'fflate';
import * as tar from 'tar-stream';
import { CustomResourceEvent, messageOf, respond, SendResponse } from '../cfn-response';

const MAX_REDIRECTS = 5;
const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;
/** The timestamp of every ZIP entry, so equal input gives byte-identical output (DOS dates start in 1980). */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

export interface DownloadOptions {
  /** Allow plain http (the tests serve archives on loopback). */
  readonly allowHttp?: boolean;
  readonly timeoutMs?: number;
}

/** A pinned plugin artifact. */
export interface PluginSource {
  readonly url: string;
  readonly sha256: string;
}

/** A file inside the plugin ZIP. */
export interface ArchiveEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * Downloads `url` into memory, following up to five redirects. Only https is allowed unless `allowHttp` is set
 * (the tests serve archives on loopback over plain http).
 */
export function download(url: string, options: DownloadOptions = {}, redirects = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (e) {
      reject(new Error(`cannot download ${url}: not a URL`));
      return;
    }
    const allowed = options.allowHttp ? ['https:', 'http:'] : ['https:'];
    if (!allowed.includes(parsed.protocol)) {
      reject(new Error(`cannot download ${url}: only ${allowed.join(' or ')} URLs are allowed`));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : http;
    const request = client.get(parsed, { timeout: options.timeoutMs ?? 120000 }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error(`cannot download ${url}: more than ${MAX_REDIRECTS} redirects`));
          return;
        }
        const next = new URL(response.headers.location, parsed).toString();
        download(next, options, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(new Error(`cannot download ${url}: HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOWNLOAD_BYTES) {
          request.destroy(new Error(`cannot download ${url}: larger than ${MAX_DOWNLOAD_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', (e) => reject(new Error(`cannot download ${url}: ${e.message}`)));
    });
    request.on('timeout', () => request.destroy(new Error(`cannot download ${url}: timed out`)));
    request.on('error', (e) => reject(e.message.startsWith('cannot download') ? e : new Error(`cannot download ${url}: ${e.message}`)));
  });
}

/** Throws unless `data` has the SHA-256 `expected` (hex). */
export function verify(url: string, data: Uint8Array, expected: string): void {
  const actual = crypto.createHash('sha256').update(data).digest('hex');
  if (actual !== expected.toLowerCase()) {
    throw new Error(`checksum mismatch for ${url}: expected sha256 ${expected.toLowerCase()}, got ${actual}; refusing to install it`);
  }
}

/** The kind of archive, by magic bytes: 'zip' (also .jar), 'gzip' or 'unknown'. */
function archiveKind(data: Buffer): 'zip' | 'gzip' | 'unknown' {
  if (data.length >= 4 && data.readUInt32LE(0) === 0x04034b50) {
    return 'zip';
  }
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    return 'gzip';
  }
  return 'unknown';
}

/**
 * Regular files of an uncompressed tar archive (ustar, PAX and GNU long names, as tar-stream reads them);
 * directories and links are left out.
 */
export async function untar(archive: Uint8Array): Promise<ArchiveEntry[]> {
  const extract = tar.extract();
  Readable.from([Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength)]).pipe(extract);
  const entries: ArchiveEntry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) {
      chunks.push(chunk as Buffer);
    }
    if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
      entries.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    }
  }
  return entries;
}

/** Files of a ZIP (or JAR) archive, in archive order; directory entries are left out. */
export function unzip(archive: Uint8Array): ArchiveEntry[] {
  // fflate calls the filter once per central directory entry, in order: it gives the order that an object's keys
  // would lose (integer-like names first).
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(archive, {
      filter: (file) => {
        const isFile = !file.name.endsWith('/');
        if (isFile) {
          names.push(file.name);
        }
        return isFile;
      },
    });
  } catch (e) {
    throw new Error(`not a readable ZIP archive: ${messageOf(e)}`);
  }
  return names.map((name) => ({ name, data: files[name] }));
}

/**
 * A ZIP archive of `entries`, deflated, with a fixed timestamp so equal input gives equal output. fflate's zipSync
 * writes sizes and CRCs in the local headers (no data descriptors), which every ZIP reader accepts. Entries keep their
 * order, except that JavaScript puts integer-like names ("1", "42") first; the output is deterministic either way.
 */
export function zip(entries: ArchiveEntry[]): Buffer {
  const files: Record<string, Uint8Array> = {};
  for (const entry of entries) {
    files[entry.name] = entry.data;
  }
  return Buffer.from(zipSync(files, { level: 6, mtime: ZIP_ENTRY_TIME }));
}

function baseName(url: string): string {
  const pathname = new URL(url).pathname;
  return decodeURIComponent(pathname.substring(pathname.lastIndexOf('/') + 1)) || 'artifact';
}

/**
 * Entries of one downloaded artifact inside the plugin ZIP: a .tar.gz is unpacked, a ZIP is unpacked, a JAR (a ZIP
 * with a manifest, or any file named .jar) is kept whole under `lib/`.
 */
export async function artifactEntries(url: string, data: Buffer): Promise<ArchiveEntry[]> {
  const name = baseName(url);
  const kind = archiveKind(data);
  if (kind === 'gzip') {
    // Node's zlib (a built-in) also reads gzip files of several members, which fflate's gunzipSync does not.
    return untar(zlib.gunzipSync(data));
  }
  if (kind === 'zip' && !name.toLowerCase().endsWith('.jar')) {
    return unzip(data);
  }
  if (kind === 'zip') {
    return [{ name: `lib/${name}`, data }];
  }
  throw new Error(`${url} is neither a ZIP, a JAR nor a .tar.gz archive`);
}

/**
 * Downloads and verifies every source and returns the plugin ZIP: the first source's content, then each extra one's,
 * in order. A file name present twice is an error rather than a silent overwrite.
 */
export async function buildPluginZip(sources: PluginSource[], options: DownloadOptions = {}): Promise<Buffer> {
  if (!Array.isArray(sources) || sources.length === 0) {
    throw new Error('no plugin sources given');
  }
  const entries: ArchiveEntry[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const data = await download(source.url, options);
    verify(source.url, data, source.sha256);
    for (const entry of await artifactEntries(source.url, data)) {
      if (seen.has(entry.name)) {
        throw new Error(`${entry.name} is in both ${seen.get(entry.name)} and ${source.url}`);
      }
      seen.set(entry.name, source.url);
      entries.push(entry);
    }
  }
  if (!entries.some((e) => e.name.toLowerCase().endsWith('.jar'))) {
    throw new Error('the plugin has no .jar file: MSK Connect would fail with "Failed to find any class that implements Connector"');
  }
  return zip(entries);
}

/** Stores the plugin ZIP; returns the object's version id. */
export type Upload = (bucket: string, key: string, kmsKeyArn: string, body: Buffer) => Promise<string | undefined>;

let s3: S3Client | undefined;
const uploadToS3: Upload = async (bucket, key, kmsKeyArn, body) => {
  s3 ??= new S3Client({});
  const result = await s3.send(new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: body,
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: kmsKeyArn,
    ChecksumAlgorithm: 'SHA256',
  }));
  return result.VersionId;
};

/**
 * The object key of a plugin: derived from the pinned checksums, so the same sources always land on the same key
 * and a changed source on a new one.
 */
export function pluginKey(prefix: string, name: string, sources: Array<Pick<PluginSource, 'sha256'>>): string {
  const digest = crypto.createHash('sha256').update(sources.map((s) => s.sha256.toLowerCase()).join(',')).digest('hex');
  return `${prefix}${name}-${digest.slice(0, 16)}.zip`;
}

export interface PluginFetchDeps {
  readonly upload: Upload;
  readonly send: SendResponse;
  readonly options: DownloadOptions;
}

/**
 * The CloudFormation entry point, with its dependencies. Properties: Bucket, KmsKeyArn, KeyPrefix, PluginName,
 * Sources [{ Url, Sha256 }]. Delete leaves the object in place: the bucket is versioned and retained, and an older
 * custom plugin revision may still point at it.
 *
 * The returned function takes `(event, context)` only: the Node.js 24 runtime refuses, at init, a handler that
 * declares a third (callback) parameter.
 */
export function makeHandler(deps: Partial<PluginFetchDeps> = {}) {
  const upload = deps.upload ?? uploadToS3;
  const send = deps.send ?? respond;
  const options = deps.options ?? {};
  return async (event: CustomResourceEvent, _context?: unknown): Promise<void> => {
    const props = event.ResourceProperties ?? {};
    const sources: PluginSource[] = (props.Sources ?? []).map((s: { Url: string; Sha256: string }) => ({ url: s.Url, sha256: s.Sha256 }));
    let physicalId = event.PhysicalResourceId ?? `${props.Bucket}/${props.KeyPrefix ?? ''}${props.PluginName}`;
    try {
      if (event.RequestType === 'Delete') {
        await send(event, 'SUCCESS', physicalId, {});
        return;
      }
      const key = pluginKey(props.KeyPrefix ?? '', props.PluginName, sources);
      const body = await buildPluginZip(sources, options);
      const versionId = await upload(props.Bucket, key, props.KmsKeyArn, body);
      physicalId = `${props.Bucket}/${key}`;
      await send(event, 'SUCCESS', physicalId, { Key: key, VersionId: versionId ?? '', Size: String(body.length) });
    } catch (e) {
      console.error(messageOf(e));
      await send(event, 'FAILED', physicalId, {}, messageOf(e).slice(0, 3000));
    }
  };
}

export const handler = makeHandler();
