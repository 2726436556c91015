import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { diskProblem, errnoCode, moveAside, readRegularFile, syncDirectory } from '../../core/index.js';

/** Where reading stopped in one file, kept across restarts. */
export interface FileCheckpoint {
  /** For a person reading the checkpoint; files are recognised by device, inode and fingerprint. */
  readonly path: string;
  readonly dev: string;
  readonly ino: string;
  /** Base64 of the file's first bytes (up to 1 KiB), to tell a reused inode from the file we read. */
  readonly fingerprint: string;
  readonly offset: number;
  /** Lines before `offset`, or null when reading began mid-file (start_at: end). */
  readonly lines: number | null;
  /** `offset` is inside a line longer than max_line_size that is being skipped. */
  readonly discarding: boolean;
}

const checkpointSchema = z.object({
  version: z.literal(1),
  files: z.array(
    z.object({
      path: z.string(),
      dev: z.string(),
      ino: z.string(),
      fingerprint: z.string(),
      offset: z.number().int().nonnegative(),
      lines: z.number().int().nonnegative().nullable(),
      discarding: z.boolean(),
    }),
  ),
});

/** About 1.5 KiB a tracked file (the fingerprint is most of it): this is tens of thousands of files. */
const MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** The saved offsets; none when there is no checkpoint yet; `movedTo` when a damaged one was put aside. */
export type LoadedCheckpoint =
  | { readonly files: readonly FileCheckpoint[] }
  | { readonly problem: string; readonly movedTo: string }
  | undefined;

/** Codes that a person must fix, unlike a full disk, which passes: start-up fails on them. */
const FIX_FIRST = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);

/**
 * The read offsets of one receiver in `<directory>/<id>.json`, `directory` being the storage extension's.
 * Saved by writing a temporary file, syncing it and renaming it over the old one, so a crash leaves either
 * the old or the new checkpoint, never half.
 */
export class CheckpointStore {
  readonly file: string;
  /** The directory as errors show it: with the key that sets it, where a person fixes it. */
  private readonly shownDir: string;

  /** `where` is the receiver's key (`receivers.kong_file_log`); `extensionId` the storage it names. */
  constructor(
    private readonly dir: string,
    id: string,
    private readonly where: string,
    extensionId: string,
  ) {
    // The same file that `storage: <directory>` (before issue 10) used, so an upgrade keeps its offsets.
    this.file = join(dir, `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
    this.shownDir = `"${dir}" (extensions.${extensionId}.directory)`;
  }

  /**
   * Creates the directory and proves it writable: a directory kongtel's user cannot write is a
   * deployment mistake that does not pass, and finding it at the first save would only log it while
   * offsets go unsaved. A full disk does pass, so it is returned (to be logged) instead of thrown.
   */
  async init(): Promise<string | undefined> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw new Error(`${this.where}.storage: cannot create directory ${this.shownDir}: ${diskProblem(err)}`);
    }
    const probe = `${this.file}.tmp`;
    try {
      await (await open(probe, 'w', 0o600)).close();
      await unlink(probe);
    } catch (err) {
      await unlink(probe).catch(() => undefined);
      if (FIX_FIRST.has(errnoCode(err) ?? '')) throw new Error(`${this.where}.storage: cannot write in ${this.shownDir}: ${diskProblem(err)}`);
      return diskProblem(err);
    }
    return undefined;
  }

  /**
   * The saved checkpoint. One that cannot be read (permissions, not a regular file) fails start-up: going
   * on would overwrite offsets that are fine, only unreadable. One that is damaged (not JSON, wrong shape,
   * absurdly large) cannot be repaired by anyone, so it is moved aside as `<file>.corrupt-<time>` — kept,
   * never overwritten — and start_at applies.
   */
  async load(nowMs: number): Promise<LoadedCheckpoint> {
    let text: string;
    let problem: string | undefined;
    try {
      text = (await readRegularFile(this.file, { followSymlinks: true, maxBytes: MAX_CHECKPOINT_BYTES })).toString('utf8');
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') return undefined;
      if (code !== 'EFBIG') {
        throw new Error(
          `${this.where}.storage: cannot read the checkpoint "${this.file}": ${diskProblem(err)}. It holds where reading stopped; ` +
            'once kongtel can read and write it, a restart goes on from there (delete it to start over with start_at)',
        );
      }
      text = '';
      problem = `it is larger than ${MAX_CHECKPOINT_BYTES} bytes`;
    }
    if (problem === undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
        problem = 'it is not valid JSON';
      }
      if (problem === undefined) {
        const parsed = checkpointSchema.safeParse(json);
        if (parsed.success) return { files: parsed.data.files };
        problem = 'it does not have the expected shape';
      }
    }
    try {
      return { problem, movedTo: await moveAside(this.file, nowMs) };
    } catch (err) {
      throw new Error(`${this.where}.storage: the checkpoint "${this.file}" is damaged (${problem}) and cannot be moved aside: ${diskProblem(err)}`);
    }
  }

  async save(files: readonly FileCheckpoint[]): Promise<void> {
    const tmp = `${this.file}.tmp`;
    try {
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ version: 1, files }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    // The rename itself is durable only once the directory is synced; some filesystems refuse that.
    await syncDirectory(this.dir).catch(() => undefined);
  }
}
