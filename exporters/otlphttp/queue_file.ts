import type { FileHandle } from 'node:fs/promises';
import type { LogPosition } from '../../core/index.js';
import type { Compression, EncodedRequest, Encoding } from './encode.js';
import type { QueuedRequest } from './queue.js';

/*
 * One request of the persistent queue, in its own file named `<16-digit seq>.req`:
 * "KTQ1" | encoding u8 | compression u8 | 2 reserved | points u32 BE | body length u32 BE | body.
 * A request that carries write-ahead-log positions (durable mode, docs/durability.md) is "KTQ2": the same,
 * then covers length u32 BE | covers (JSON) before the body — written in the same file, so the data and
 * how far it covers the log are on disk together or not at all.
 */

const MAGIC = Buffer.from('KTQ1', 'latin1');
const MAGIC_COVERS = Buffer.from('KTQ2', 'latin1');
const HEADER_BYTES = 16;
const COVERS_HEADER_BYTES = HEADER_BYTES + 4;
const FILE_NAME = /^(\d{16})\.req$/;
const ENCODINGS: readonly Encoding[] = ['proto', 'json'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip'];

export function queueFileName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.req`;
}

/** The sequence number a queue file's name carries, or undefined for any other name. */
export function queueFileSeq(name: string): number | undefined {
  const m = FILE_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Everything before the body. */
export function queueFileHeader(req: EncodedRequest): Buffer {
  const covers = req.covers !== undefined && req.covers.length > 0 ? Buffer.from(JSON.stringify(req.covers), 'utf8') : undefined;
  const h = Buffer.alloc(covers === undefined ? HEADER_BYTES : COVERS_HEADER_BYTES + covers.length);
  (covers === undefined ? MAGIC : MAGIC_COVERS).copy(h, 0);
  h.writeUInt8(ENCODINGS.indexOf(req.encoding), 4);
  h.writeUInt8(COMPRESSIONS.indexOf(req.compression), 5);
  h.writeUInt32BE(req.points >>> 0, 8);
  h.writeUInt32BE(req.body.length, 12);
  if (covers !== undefined) {
    h.writeUInt32BE(covers.length, HEADER_BYTES);
    covers.copy(h, COVERS_HEADER_BYTES);
  }
  return h;
}

function parseCovers(text: string): LogPosition[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  const out: LogPosition[] = [];
  for (const c of v as unknown[]) {
    const { source, position } = (c ?? {}) as { source?: unknown; position?: unknown };
    if (typeof source !== 'string' || typeof position !== 'number' || !Number.isSafeInteger(position)) return undefined;
    out.push({ source, position });
  }
  return out;
}

/** What the fixed header promises: where the body starts and how long the file must be. */
interface Layout {
  readonly bodyAt: number;
  readonly coversLength: number;
  readonly total: number;
}

/** The layout a file's first COVERS_HEADER_BYTES (or fewer) promise, or a reason it is not a queue file. */
function layout(head: Buffer): Layout | string {
  if (head.length >= HEADER_BYTES && head.subarray(0, 4).equals(MAGIC)) {
    return { bodyAt: HEADER_BYTES, coversLength: 0, total: HEADER_BYTES + head.readUInt32BE(12) };
  }
  if (head.length < COVERS_HEADER_BYTES || !head.subarray(0, 4).equals(MAGIC_COVERS)) {
    return head.length < HEADER_BYTES ? `truncated (${head.length} bytes, shorter than a header)` : 'not a kongtel queue file';
  }
  const coversLength = head.readUInt32BE(HEADER_BYTES);
  const bodyAt = COVERS_HEADER_BYTES + coversLength;
  return { bodyAt, coversLength, total: bodyAt + head.readUInt32BE(12) };
}

/**
 * Reads the request in an open regular file of `size` bytes, or says why it cannot be one. The header is
 * read and checked against the size first, so a foreign or damaged file of any size costs one small read,
 * never a buffer of the length it claims.
 */
export async function readQueueFile(fh: FileHandle, size: number, seq: number): Promise<QueuedRequest | string> {
  const head = Buffer.alloc(Math.min(size, COVERS_HEADER_BYTES));
  const { bytesRead } = await fh.read(head, 0, head.length, 0);
  const l = layout(head.subarray(0, bytesRead));
  if (typeof l === 'string') return l;
  if (size !== l.total) {
    return size < l.bodyAt ? `truncated header (${size} of ${l.bodyAt} bytes)` : `truncated (${size - l.bodyAt} of ${l.total - l.bodyAt} body bytes)`;
  }
  const data = Buffer.alloc(size);
  const all = await fh.read(data, 0, size, 0);
  if (all.bytesRead !== size) return `truncated while being read (${all.bytesRead} of ${size} bytes)`;
  const encoding = ENCODINGS[data.readUInt8(4)];
  const compression = COMPRESSIONS[data.readUInt8(5)];
  if (encoding === undefined || compression === undefined) return 'unknown encoding or compression';
  const req = { seq, encoding, compression, points: data.readUInt32BE(8), body: data.subarray(l.bodyAt) };
  if (l.coversLength === 0) return req;
  const covers = parseCovers(data.toString('utf8', COVERS_HEADER_BYTES, l.bodyAt));
  return covers === undefined ? 'unreadable log positions' : { ...req, covers };
}

/** The log positions in an open queue file's header, read without reading its body. */
export async function readQueueFileCovers(fh: FileHandle, size: number): Promise<LogPosition[] | undefined> {
  const head = Buffer.alloc(Math.min(size, COVERS_HEADER_BYTES));
  const { bytesRead } = await fh.read(head, 0, head.length, 0);
  const l = layout(head.subarray(0, bytesRead));
  if (typeof l === 'string' || l.coversLength === 0 || size < l.bodyAt) return undefined;
  const covers = Buffer.alloc(l.coversLength);
  const got = await fh.read(covers, 0, covers.length, COVERS_HEADER_BYTES);
  return got.bytesRead === covers.length ? parseCovers(covers.toString('utf8')) : undefined;
}
