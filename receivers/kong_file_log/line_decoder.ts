import { decodeEntryText, type KongLogEntry, type RejectedEntry } from '../../core/index.js';

/** A rejected line: `index` is the byte offset where it starts in its file, `line` its number when known. */
export interface RejectedLine extends RejectedEntry {
  readonly line: number | undefined;
}

/** What one read of a file held, decoded. Nothing in it is committed until the entries were delivered. */
export interface DecodedChunk {
  readonly entries: KongLogEntry[];
  readonly rejected: RejectedLine[];
  /** Bytes of the chunk that are done with (whole lines, skipped bytes); the rest is an unfinished line. */
  readonly consumed: number;
  /** Lines begun in those bytes (a too-long line counts when it is found, not again at its end). */
  readonly lines: number;
  /** Still skipping an over-long line at the end of the chunk. */
  readonly discarding: boolean;
}

/**
 * Frames and decodes `buf`, read at byte `position` of a file (one JSON object per line, as Kong's
 * file-log writes it), with the shared Kong entry rules. `firstLine` is the number of the line at
 * `position`, or undefined when reading began mid-file. Reads must be larger than `maxLineSize`, so a
 * line that fits the limit always fits one read from its start.
 */
export function decodeChunk(
  buf: Buffer,
  position: number,
  firstLine: number | undefined,
  discarding: boolean,
  maxLineSize: number,
): DecodedChunk {
  const entries: KongLogEntry[] = [];
  const rejected: RejectedLine[] = [];
  const n = buf.length;
  let start = 0;
  let lines = 0;
  if (discarding) {
    const nl = buf.indexOf(10, 0);
    if (nl < 0) return { entries, rejected, consumed: n, lines, discarding: true };
    start = nl + 1;
  }
  for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
    const line = firstLine === undefined ? undefined : firstLine + lines;
    lines++;
    if (nl - start > maxLineSize) {
      rejected.push({ index: position + start, line, reason: 'too_long', message: tooLong(maxLineSize) });
    } else if (nl > start && !(nl - start === 1 && buf[start] === 13)) {
      decodeLine(buf.toString('utf8', start, nl), position + start, line, entries, rejected);
    }
    start = nl + 1;
  }
  if (n - start > maxLineSize) {
    const line = firstLine === undefined ? undefined : firstLine + lines;
    rejected.push({ index: position + start, line, reason: 'too_long', message: tooLong(maxLineSize) });
    return { entries, rejected, consumed: n, lines: lines + 1, discarding: true };
  }
  return { entries, rejected, consumed: start, lines, discarding: false };
}

function tooLong(max: number): string {
  return `longer than max_line_size (${max} bytes); skipped up to its newline`;
}

function decodeLine(text: string, offset: number, line: number | undefined, entries: KongLogEntry[], rejected: RejectedLine[]): void {
  const d = decodeEntryText(text);
  if (d.entry !== undefined) entries.push(d.entry);
  else rejected.push({ index: offset, line, reason: d.reason, message: d.message });
}
