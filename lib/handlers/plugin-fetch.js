'use strict';
// Deploy-time custom resource handler of ConnectorPlugin.fromUrl: downloads pinned release artifacts, verifies each
// one's SHA-256, repackages them into the single ZIP that MSK Connect requires (a .tar.gz is unpacked, a .jar is
// placed as is, extra jars such as a config provider are added), uploads the ZIP to the plugin bucket and returns
// its key and version. Plain Node.js with built-in modules only (plus the AWS SDK of the Lambda runtime for S3).

const crypto = require('crypto');
const http = require('http');
const https = require('https');
const { respond } = require('./cfn-response');
const zlib = require('zlib');

const MAX_REDIRECTS = 5;
const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

/**
 * Downloads `url` into memory, following up to five redirects. Only https is allowed unless `allowHttp` is set
 * (the tests serve archives on loopback over plain http).
 */
function download(url, options = {}, redirects = 0) {
  return new Promise((resolve, reject) => {
    let parsed;
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
      const chunks = [];
      let size = 0;
      response.on('data', (chunk) => {
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
function verify(url, data, expected) {
  const actual = crypto.createHash('sha256').update(data).digest('hex');
  if (actual !== expected.toLowerCase()) {
    throw new Error(`checksum mismatch for ${url}: expected sha256 ${expected.toLowerCase()}, got ${actual}; refusing to install it`);
  }
}

/** The kind of archive, by magic bytes: 'zip' (also .jar), 'gzip' or 'unknown'. */
function archiveKind(data) {
  if (data.length >= 4 && data.readUInt32LE(0) === 0x04034b50) {
    return 'zip';
  }
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    return 'gzip';
  }
  return 'unknown';
}

function tarString(block, start, length) {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

/** Files (not directories or links) of an uncompressed tar archive, as { name, data }. */
function untar(tar) {
  const entries = [];
  let offset = 0;
  let longName;
  let paxPath;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) {
      break;
    }
    const size = parseInt(tarString(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = tarString(header, 345, 155);
    let name = tarString(header, 0, 100);
    if (prefix) {
      name = `${prefix}/${name}`;
    }
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = match ? match[1] : undefined;
      continue;
    }
    if (type === 'g') {
      continue;
    }
    const fullName = longName ?? paxPath ?? name;
    longName = undefined;
    paxPath = undefined;
    if (type === '0' || type === '\0' || type === '7') {
      entries.push({ name: fullName, data: Buffer.from(data) });
    }
  }
  return entries;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c;
  }
  return table;
})();

function crc32(data) {
  let crc = -1;
  for (let i = 0; i < data.length; i++) {
    crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

/** Files of a ZIP (or JAR) archive, as { name, data }. */
function unzip(zip) {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) {
    throw new Error('not a ZIP archive: no end of central directory');
  }
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) {
      throw new Error('corrupt ZIP archive: bad central directory entry');
    }
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) {
      continue;
    }
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const localExtraLength = zip.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const raw = zip.subarray(start, start + compressedSize);
    let data;
    if (method === 0) {
      data = Buffer.from(raw);
    } else if (method === 8) {
      data = zlib.inflateRawSync(raw);
    } else {
      throw new Error(`unsupported ZIP compression method ${method} for ${name}`);
    }
    entries.push({ name, data });
  }
  return entries;
}

/** A ZIP archive of `entries` ({ name, data }), deflated, with a fixed timestamp so equal input gives equal output. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const dosTime = 0;
  const dosDate = (1 << 5) | 1; // 1980-01-01
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = zlib.deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    if (offset > 0xffffffff - compressed.length || entries.length > 0xffff) {
      throw new Error('plugin archive too large for a ZIP without ZIP64');
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

function baseName(url) {
  const path = new URL(url).pathname;
  return decodeURIComponent(path.substring(path.lastIndexOf('/') + 1)) || 'artifact';
}

/**
 * Entries of one downloaded artifact inside the plugin ZIP: a .tar.gz is unpacked, a ZIP is unpacked, a JAR (a ZIP
 * with a manifest, or any file named .jar) is kept whole under `lib/`.
 */
function artifactEntries(url, data) {
  const name = baseName(url);
  const kind = archiveKind(data);
  if (kind === 'gzip') {
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
 * Downloads and verifies every source ({ url, sha256 }) and returns the plugin ZIP: the first source's content,
 * then each extra one's, in order. A file name present twice is an error rather than a silent overwrite.
 */
async function buildPluginZip(sources, options = {}) {
  if (!Array.isArray(sources) || sources.length === 0) {
    throw new Error('no plugin sources given');
  }
  const entries = [];
  const seen = new Map();
  for (const source of sources) {
    const data = await download(source.url, options);
    verify(source.url, data, source.sha256);
    for (const entry of artifactEntries(source.url, data)) {
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

async function uploadToS3(bucket, key, kmsKeyArn, body) {
  // The AWS SDK v3 ships with the Lambda Node.js runtime.
  // eslint-disable-next-line import/no-extraneous-dependencies
  const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
  const client = new S3Client({});
  const result = await client.send(new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: body,
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: kmsKeyArn,
    ChecksumAlgorithm: 'SHA256',
  }));
  return result.VersionId;
}

/**
 * The object key of a plugin: derived from the pinned checksums, so the same sources always land on the same key
 * and a changed source on a new one.
 */
function pluginKey(prefix, name, sources) {
  const digest = crypto.createHash('sha256').update(sources.map((s) => s.sha256.toLowerCase()).join(',')).digest('hex');
  return `${prefix}${name}-${digest.slice(0, 16)}.zip`;
}

/**
 * CloudFormation entry point. Properties: Bucket, KmsKeyArn, KeyPrefix, PluginName, Sources [{ Url, Sha256 }].
 * Delete leaves the object in place: the bucket is versioned and retained, and an older custom plugin revision may
 * still point at it.
 */
async function handler(event, _context, deps = { upload: uploadToS3, send: respond, options: {} }) {
  const props = event.ResourceProperties ?? {};
  const sources = (props.Sources ?? []).map((s) => ({ url: s.Url, sha256: s.Sha256 }));
  let physicalId = event.PhysicalResourceId ?? `${props.Bucket}/${props.KeyPrefix ?? ''}${props.PluginName}`;
  try {
    if (event.RequestType === 'Delete') {
      await deps.send(event, 'SUCCESS', physicalId, {});
      return;
    }
    const key = pluginKey(props.KeyPrefix ?? '', props.PluginName, sources);
    const body = await buildPluginZip(sources, deps.options);
    const versionId = await deps.upload(props.Bucket, key, props.KmsKeyArn, body);
    physicalId = `${props.Bucket}/${key}`;
    await deps.send(event, 'SUCCESS', physicalId, { Key: key, VersionId: versionId ?? '', Size: String(body.length) });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    await deps.send(event, 'FAILED', physicalId, {}, String(e.message ?? e).slice(0, 3000));
  }
}

module.exports = { handler, download, verify, untar, unzip, zip, crc32, buildPluginZip, pluginKey, artifactEntries };
