import { crc32 } from 'node:zlib';

/**
 * The write-ahead log's on-disk format. A segment file starts with an 8-byte magic, then records:
 * payload length (u32 LE) | crc32 of the payload (u32 LE) | payload. A record is valid only whole and
 * with its checksum, so a write torn by a crash, or a tail of zeros some filesystems leave after a power
 * cut, is recognised and cut off rather than replayed.
 */

export const SEGMENT_MAGIC = Buffer.from('KTWAL\u0000\u0000\u0001', 'latin1');
export const RECORD_HEADER_BYTES = 8;
/** Far above any accepted batch (receivers cap bodies), low enough that a garbage length is caught. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function recordHeader(payload: Buffer): Buffer {
  const h = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  h.writeUInt32LE(payload.length, 0);
  h.writeUInt32LE(crc32(payload), 4);
  return h;
}

export interface ScannedRecord {
  /** Offset in the file just past the record. */
  readonly end: number;
  readonly payload: Buffer;
}

export interface SegmentScan {
  readonly records: ScannedRecord[];
  /** Offset just past the last valid record (or the magic): where a torn tail begins. */
  readonly validEnd: number;
  /** Why the scan stopped before the end of the file, when it did. */
  readonly problem?: string;
}

/** Reads every whole, checksummed record of a segment file, stopping at the first that is not. */
export function scanSegment(data: Buffer): SegmentScan {
  if (data.length < SEGMENT_MAGIC.length || !data.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) {
    return { records: [], validEnd: 0, problem: data.length < SEGMENT_MAGIC.length ? 'torn segment header' : 'not a kongtel write-ahead log segment' };
  }
  const records: ScannedRecord[] = [];
  let at = SEGMENT_MAGIC.length;
  while (at < data.length) {
    if (data.length - at < RECORD_HEADER_BYTES) return { records, validEnd: at, problem: 'torn record header' };
    const length = data.readUInt32LE(at);
    if (length === 0 || length > MAX_RECORD_BYTES) return { records, validEnd: at, problem: `invalid record length ${length}` };
    const end = at + RECORD_HEADER_BYTES + length;
    if (end > data.length) return { records, validEnd: at, problem: `torn record (${data.length - at - RECORD_HEADER_BYTES} of ${length} bytes)` };
    const payload = data.subarray(at + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== data.readUInt32LE(at + 4)) return { records, validEnd: at, problem: 'checksum mismatch' };
    records.push({ end, payload });
    at = end;
  }
  return { records, validEnd: at };
}
