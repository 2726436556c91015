import { describe, expect, it } from 'vitest';
import { diskProblem, FileTooLargeError, NotRegularFileError } from '../../../core/index.js';

/** What each way a state directory can fail reads like: the cause in words, the fix, and the code. */
function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: node's own text, open '/x'`), { code });
}

describe('diskProblem', () => {
  it.each([
    ['EACCES', 'permission denied: the user kongtel runs as cannot read and write it; fix its owner or mode (chown, chmod u+rwx) (EACCES)'],
    ['ENOSPC', 'the disk is full (no space or no inodes left: df -h, df -i): free space, or give it a bigger volume (ENOSPC)'],
    ['ENOTDIR', 'a part of the path is a file, not a directory: point the key at a directory (ENOTDIR)'],
    ['EMFILE', "kongtel has too many files open: raise its file-descriptor limit (ulimit -n, systemd LimitNOFILE, the container runtime's nofile) (EMFILE)"],
    ['EROFS', 'the filesystem is read-only: mount it read-write, or point the key at a writable disk (EROFS)'],
    ['EIO', 'the disk reported an I/O error: check the disk and the kernel log (dmesg); the filesystem may need a repair (EIO)'],
  ])('%s', (code, says) => {
    expect(diskProblem(errno(code))).toBe(says);
  });

  it('a stack or size limit of the runtime is called a bug, not a directory problem', () => {
    expect(diskProblem(new RangeError('Maximum call stack size exceeded'))).toBe(
      'kongtel hit an internal limit (Maximum call stack size exceeded); this is a bug: please report it with the number of files in the directory',
    );
  });

  it('kongtel’s own checks: not a regular file, and larger than it can be', () => {
    expect(diskProblem(new NotRegularFileError('/q/1.req', 'FIFO'))).toBe('"/q/1.req" is a FIFO, not a regular file: remove it, or move it out of the directory (ENOTREG)');
    expect(diskProblem(new FileTooLargeError('/q/1.req', 5000, 4096))).toBe(
      '"/q/1.req" is 5000 bytes, more than the 4096 bytes it can be: it is not one kongtel wrote; move it out of the directory (EFBIG)',
    );
  });

  it('an unknown code keeps node’s text and the code', () => {
    expect(diskProblem(errno('EWHATEVER'))).toBe("EWHATEVER: node's own text, open '/x' (EWHATEVER)");
  });
});
