import { lstat, realpath, stat } from 'node:fs/promises';
import { errnoCode, type Logger, NotRegularFileError, openRegularFile } from '../../core/index.js';
import type { FileCheckpoint } from './checkpoint.js';
import { listMatches, matches, type Glob, type WalkProblem } from './glob.js';
import { TrackedFile, readHead } from './tracked_file.js';

export interface FileSetOptions {
  readonly include: readonly Glob[];
  readonly exclude: readonly Glob[];
  readonly startAt: 'end' | 'beginning';
  readonly logger: Logger;
}

/**
 * The files being tailed, known by device and inode rather than by path, so a rename (log rotation) is
 * the same file at a new path, or an orphan, and a new file at an old path is a new file.
 */
export class FileSet {
  /** In the order they were found: a rotated file is read to its end before the file that replaced it. */
  readonly files = new Map<string, TrackedFile>();
  private restored = new Map<string, FileCheckpoint>();
  private hadCheckpoint = false;
  private firstScan = true;
  private warnedNoMatch = false;
  private readonly warned = new Set<string>();

  constructor(private readonly o: FileSetOptions) {}

  /** Offsets from the last run; consulted for the files found by the first scan. */
  restore(files: readonly FileCheckpoint[]): void {
    this.hadCheckpoint = true;
    for (const f of files) this.restored.set(`${f.dev}:${f.ino}`, f);
  }

  /** Finds the files the globs match now: new ones are opened, known ones get their current path. */
  async scan(): Promise<void> {
    const problems: WalkProblem[] = [];
    const paths = await listMatches(this.o.include, this.o.exclude, problems);
    for (const p of problems) this.warnOnce(`dir:${p.dir}`, { dir: p.dir, code: p.code }, 'cannot list a directory the include globs reach; check its permissions');
    if (paths.length === 0 && !this.warnedNoMatch) {
      this.warnedNoMatch = true;
      this.o.logger.warn({ include: this.o.include.map((g) => g.pattern) }, 'no file matches `include` yet; waiting for one to appear');
    } else if (paths.length > 0) {
      this.warnedNoMatch = false;
    }

    const seen = new Set<string>();
    for (const path of paths) {
      let key: string;
      try {
        const st = await stat(path, { bigint: true });
        if (!st.isFile()) {
          this.warnOnce(`kind:${path}`, { file: path }, 'a path the include globs match is not a regular file (a FIFO, socket, device or directory); skipped');
          continue;
        }
        key = `${st.dev}:${st.ino}`;
      } catch {
        continue; // gone between listing and stat: the next scan will tell
      }
      const known = this.files.get(key);
      if (known !== undefined) {
        known.path = path;
        seen.add(key);
        continue;
      }
      const file = await this.track(path);
      if (file !== undefined) {
        this.files.set(file.key, file);
        seen.add(file.key);
      }
    }
    for (const [key, file] of this.files) file.orphan = !seen.has(key);
    this.firstScan = false;
    this.restored.clear();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
  }

  private async track(path: string): Promise<TrackedFile | undefined> {
    let handle;
    try {
      // Never a blocking open: a FIFO swapped in after the stat above would hold a libuv thread forever.
      ({ handle } = await openRegularFile(path, { followSymlinks: true }));
    } catch (err) {
      if (err instanceof NotRegularFileError) {
        this.warnOnce(`kind:${path}`, { file: path }, 'a path the include globs match is not a regular file (a FIFO, socket, device or directory); skipped');
        return undefined;
      }
      const code = errnoCode(err) ?? 'error';
      if (code !== 'ENOENT') this.warnOnce(`open:${path}`, { file: path, code }, 'cannot open a matched file; check its permissions');
      return undefined;
    }
    await this.noteOutsideLink(path);
    // The identity of what we opened, not of what the path pointed to a moment earlier.
    const st = await handle.stat({ bigint: true });
    const dev = String(st.dev);
    const ino = String(st.ino);
    if (this.files.has(`${dev}:${ino}`)) {
      await handle.close();
      return undefined;
    }
    const size = Number(st.size);
    const head = await readHead(handle, size);
    const saved = this.restored.get(`${dev}:${ino}`);
    if (saved !== undefined) {
      const fingerprint = Buffer.from(saved.fingerprint, 'base64');
      if (head.length >= fingerprint.length && head.subarray(0, fingerprint.length).equals(fingerprint)) {
        // Shorter than where we stopped: truncated while we were down.
        if (size < saved.offset) return new TrackedFile(handle, path, dev, ino, 0, 0, false, head, size);
        return new TrackedFile(handle, path, dev, ino, saved.offset, saved.lines ?? undefined, saved.discarding, head, size);
      }
      this.o.logger.info({ file: path }, 'a checkpointed inode now holds another file; reading it from the start');
    }
    // start_at applies to the files there at the very first start; a file that appeared while we were down
    // (a checkpoint exists) or while running is new, and read whole.
    if (this.firstScan && !this.hadCheckpoint && this.o.startAt === 'end') {
      return new TrackedFile(handle, path, dev, ino, size, size === 0 ? 0 : undefined, false, head, size);
    }
    return new TrackedFile(handle, path, dev, ino, 0, 0, false, head, size);
  }

  /**
   * Symbolic links are followed wherever they point, as the Collector's filelog receiver does (it opens
   * what its globs list; `exclude` matches the listed path, not the target). A link out of the include
   * globs may be a mistake or a way to read what was not meant to be read, so it is named once.
   */
  private async noteOutsideLink(path: string): Promise<void> {
    try {
      if (!(await lstat(path)).isSymbolicLink()) return;
      const target = await realpath(path);
      if (matches(this.o.include, target)) return;
      this.warnOnce(`link:${path}->${target}`, { file: path, target }, 'following a symbolic link to a file outside the include globs; add the link to `exclude` to skip it');
    } catch {
      // gone meanwhile: the read will tell
    }
  }

  private warnOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.logger.warn(fields, msg);
  }
}
