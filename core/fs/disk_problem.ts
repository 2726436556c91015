import { FileTooLargeError, NotRegularFileError } from './regular_file.js';

/**
 * What a failed filesystem call means for a place kongtel keeps state (a queue, a write-ahead log, a
 * checkpoint), in words a user can act on: what is wrong, its code, and the fix. One table, so every
 * component says the same about the same errno instead of "make it a writable directory" for all of them.
 */

const FIXES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied: the user kongtel runs as cannot read and write it; fix its owner or mode (chown, chmod u+rwx)',
  EPERM: 'operation not permitted: fix its owner or mode (chown, chmod u+rwx), or clear the immutable or append-only attribute (lsattr, chattr -i -a)',
  EROFS: 'the filesystem is read-only: mount it read-write, or point the key at a writable disk',
  ENOTDIR: 'a part of the path is a file, not a directory: point the key at a directory',
  EISDIR: 'a directory is where a file should be: remove or move that directory',
  ENOENT: 'a part of the path does not exist: create it, or point the key at a directory that exists',
  ENOSPC: 'the disk is full (no space or no inodes left: df -h, df -i): free space, or give it a bigger volume',
  EDQUOT: "the user's disk quota is used up: free space or raise the quota",
  EMFILE: "kongtel has too many files open: raise its file-descriptor limit (ulimit -n, systemd LimitNOFILE, the container runtime's nofile)",
  ENFILE: "the system has too many files open: raise fs.file-max, or find what holds them",
  ELOOP: 'a symbolic link where kongtel does not follow one, or a loop of symbolic links: replace it with the real file or directory',
  ENAMETOOLONG: 'the path is too long: choose a shorter one',
  EIO: 'the disk reported an I/O error: check the disk and the kernel log (dmesg); the filesystem may need a repair',
  EBUSY: 'the file or directory is busy (in use by another process or a mount point): stop the other user, or choose another path',
  EEXIST: 'something already exists at that path: remove it, or choose another path',
  ETXTBSY: 'the file is busy: stop the other process using it',
  ERR_FS_FILE_TOO_LARGE: 'the file is larger than kongtel can read at once: it is not one kongtel wrote; move it out of the directory',
};

/** `"<what is wrong and the fix> (<CODE>)"`, for an error thrown by `node:fs` or by kongtel's own checks. */
export function diskProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof NotRegularFileError) return `${err.message}: remove it, or move it out of the directory (${err.code})`;
  if (err instanceof FileTooLargeError) return `${err.message}: it is not one kongtel wrote; move it out of the directory (${err.code})`;
  const fix = code === undefined ? undefined : FIXES[code];
  if (fix !== undefined) return `${fix} (${code})`;
  if (err instanceof RangeError) {
    // A stack or size limit of the runtime, not of the disk: saying "make it writable" would send the
    // user the wrong way.
    return `kongtel hit an internal limit (${err.message}); this is a bug: please report it with the number of files in the directory`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return code === undefined ? message : `${message} (${code})`;
}

/** The errno code of a filesystem error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
