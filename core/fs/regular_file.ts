import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { type EntryKind } from './dir_entries.js';

/** The path names something other than a regular file (a FIFO, a socket, a device, a directory…). */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    readonly kind: EntryKind,
  ) {
    super(`"${path}" is a ${kind}, not a regular file`);
  }
}

/** A file is bigger than the caller can hold in memory; it was not read. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  readonly code = 'EFBIG';
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`"${path}" is ${size} bytes, more than the ${limit} bytes it can be`);
  }
}

export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
}

function kindOfStat(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean; isSymbolicLink(): boolean }): EntryKind {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isBlockDevice()) return 'block device';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isSymbolicLink()) return 'symbolic link';
  return 'unknown';
}

/**
 * Opens a file for reading only if it is a regular file. O_NONBLOCK makes opening a FIFO return at once
 * (a plain open waits for a writer, forever, holding one of libuv's four threads); the type is then
 * checked on the descriptor itself, so a file swapped between a directory scan and this open is caught
 * too. With `followSymlinks: false` (state kongtel writes itself never is a link) a link is refused.
 */
export async function openRegularFile(path: string, o: { followSymlinks: boolean }): Promise<OpenedFile> {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (o.followSymlinks ? 0 : constants.O_NOFOLLOW);
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (err) {
    if (!o.followSymlinks && (err as NodeJS.ErrnoException).code === 'ELOOP') throw new NotRegularFileError(path, 'symbolic link');
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new NotRegularFileError(path, kindOfStat(st));
    return { handle, size: st.size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/** The whole of a regular file of at most `maxBytes`; refuses other kinds and bigger files unread. */
export async function readRegularFile(path: string, o: { followSymlinks: boolean; maxBytes: number }): Promise<Buffer> {
  const { handle, size } = await openRegularFile(path, o);
  try {
    if (size > o.maxBytes) throw new FileTooLargeError(path, size, o.maxBytes);
    const data = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(data, done, size - done, done);
      if (bytesRead === 0) break; // shrank while we read: what is there is what we return
      done += bytesRead;
    }
    return done === size ? data : data.subarray(0, done);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
