import type { Dirent } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';

/** What a directory entry is, from its dirent type (or an lstat where the filesystem gives none). */
export type EntryKind = 'file' | 'directory' | 'symbolic link' | 'FIFO' | 'socket' | 'block device' | 'character device' | 'unknown';

function kindOf(e: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): EntryKind {
  if (e.isFile()) return 'file';
  if (e.isDirectory()) return 'directory';
  if (e.isSymbolicLink()) return 'symbolic link';
  if (e.isFIFO()) return 'FIFO';
  if (e.isSocket()) return 'socket';
  if (e.isBlockDevice()) return 'block device';
  if (e.isCharacterDevice()) return 'character device';
  return 'unknown';
}

/** Entries read per readdir call: the directory is streamed, never held whole as an array of names. */
const BUFFER_ENTRIES = 4096;

/**
 * Calls `visit` for every entry of `dir`, streaming it (`opendir`), so a directory of a million files costs
 * the memory of one buffer of entries, not of a million names. The kind comes from the dirent type; only
 * where the filesystem does not record it (DT_UNKNOWN: some XFS, NFS, FUSE) is the entry lstat'ed. Nothing
 * is opened, so a FIFO or a device among the entries cannot block the scan.
 */
export async function forEachEntry(dir: string, visit: (name: string, kind: EntryKind) => void | Promise<void>): Promise<void> {
  const d = await opendir(dir, { bufferSize: BUFFER_ENTRIES });
  try {
    for (let e: Dirent | null = await d.read(); e !== null; e = await d.read()) {
      let kind = kindOf(e);
      if (kind === 'unknown') kind = await lstat(join(dir, e.name)).then(kindOf, () => 'unknown' as const);
      const visited = visit(e.name, kind);
      if (visited !== undefined) await visited;
    }
  } finally {
    await d.close().catch(() => undefined);
  }
}
