import { errnoCode } from '../fs/disk_problem.js';
import { FileTooLargeError, NotRegularFileError, readRegularFile } from '../fs/regular_file.js';

/**
 * A certificate bundle is kilobytes (the whole Mozilla CA bundle is about 220 KiB); anything this large
 * is the wrong file, and reading it whole would only fill memory.
 */
const MAX_PEM_BYTES = 16 * 1024 * 1024;

/**
 * The bytes of a PEM file a config key names (`key`: its full path, e.g. `receivers.otlp.protocols.http.tls.cert_file`).
 * Through readRegularFile, so a FIFO fails at once instead of holding start-up until something writes
 * into it, and a huge file is refused unread. `fix` ends the error: what the file should be.
 */
export async function readPemFile(file: string, key: string, fix: string): Promise<Buffer> {
  try {
    return await readRegularFile(file, { followSymlinks: true, maxBytes: MAX_PEM_BYTES });
  } catch (err) {
    throw new Error(`${key}: cannot read "${file}" (${why(err)}); ${fix}`);
  }
}

function why(err: unknown): string {
  if (err instanceof NotRegularFileError) return `it is a ${err.kind}, not a regular file: ${err.code}`;
  if (err instanceof FileTooLargeError) return `it is ${err.size} bytes, more than the ${err.limit} a PEM file can be: ${err.code}`;
  return errnoCode(err) ?? 'error';
}
