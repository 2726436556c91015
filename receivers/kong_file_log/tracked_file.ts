import type { FileHandle } from 'node:fs/promises';
import type { FileCheckpoint } from './checkpoint.js';
import type { DecodedChunk } from './line_decoder.js';

/** Bytes at the head of a file that identify it beside its inode (as the Collector's filelog does). */
export const FINGERPRINT_SIZE = 1024;

/**
 * One file being tailed, held open by its descriptor: after a rename the descriptor still reads the
 * renamed file to its end, and while we hold it the inode cannot be reused by another file.
 * `offset` only moves past lines that were delivered (or rejected as bad): it is what the checkpoint keeps.
 */
export class TrackedFile {
  /** Not at any path the globs match any more (renamed away or deleted): read to its end, then closed. */
  orphan = false;
  /** The size seen by the last `check()`. */
  size: number;

  constructor(
    private readonly handle: FileHandle,
    public path: string,
    readonly dev: string,
    readonly ino: string,
    public offset: number,
    /** Lines before `offset`; undefined when reading began mid-file. */
    public lines: number | undefined,
    public discarding: boolean,
    private fingerprint: Buffer,
    size: number,
  ) {
    this.size = size;
  }

  get key(): string {
    return `${this.dev}:${this.ino}`;
  }

  /**
   * Looks at the file's size and head before reading. A file shorter than our offset was truncated
   * (copytruncate); a head that no longer starts with the bytes we saw was truncated and written again
   * between two polls. Either way it is read again from the start; returns true then.
   */
  async check(): Promise<boolean> {
    const size = (await this.handle.stat()).size;
    let restart = size < this.offset;
    if (!restart && size !== this.size) {
      const head = await readHead(this.handle, size);
      restart = head.length < this.fingerprint.length || !head.subarray(0, this.fingerprint.length).equals(this.fingerprint);
      this.fingerprint = head;
    } else if (restart) {
      this.fingerprint = await readHead(this.handle, size);
    }
    this.size = size;
    if (restart) {
      this.offset = 0;
      this.lines = 0;
      this.discarding = false;
    }
    return restart;
  }

  /** Reads from `offset` into `buf`; the returned view is empty at the end of the file. */
  async read(buf: Buffer): Promise<Buffer> {
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, this.offset);
    return buf.subarray(0, bytesRead);
  }

  commit(chunk: DecodedChunk): void {
    this.offset += chunk.consumed;
    if (this.lines !== undefined) this.lines += chunk.lines;
    this.discarding = chunk.discarding;
  }

  /** Bytes after the last newline: a line still being written, or one cut off for good if the file is done. */
  get hasPartialLine(): boolean {
    return this.size > this.offset && !this.discarding;
  }

  checkpoint(): FileCheckpoint {
    return {
      path: this.path,
      dev: this.dev,
      ino: this.ino,
      fingerprint: this.fingerprint.toString('base64'),
      offset: this.offset,
      lines: this.lines ?? null,
      discarding: this.discarding,
    };
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

export async function readHead(handle: FileHandle, size: number): Promise<Buffer> {
  const head = Buffer.alloc(Math.min(FINGERPRINT_SIZE, size));
  if (head.length === 0) return head;
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return head.subarray(0, bytesRead);
}
