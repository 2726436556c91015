import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

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

export type LoadedCheckpoint = { readonly files: readonly FileCheckpoint[] } | { readonly problem: string } | undefined;

/**
 * The read offsets of one receiver in `<storage>/<id>.json`. Saved by writing a temporary file, syncing it
 * and renaming it over the old one, so a crash leaves either the old or the new checkpoint, never half.
 */
export class CheckpointStore {
  readonly file: string;

  constructor(
    private readonly dir: string,
    id: string,
    private readonly where: string,
  ) {
    this.file = join(dir, `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }

  async init(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`${this.where}.storage: cannot create directory "${this.dir}" (${code}); point it at a writable directory`);
    }
  }

  /** The saved checkpoint; undefined when there is none yet; a problem when it cannot be used. */
  async load(): Promise<LoadedCheckpoint> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? undefined : { problem: `cannot read it (${code ?? 'error'})` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { problem: 'it is not valid JSON' };
    }
    const parsed = checkpointSchema.safeParse(json);
    return parsed.success ? { files: parsed.data.files } : { problem: 'it does not have the expected shape' };
  }

  async save(files: readonly FileCheckpoint[]): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify({ version: 1, files }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    // The rename itself is durable only once the directory is synced; some filesystems refuse that.
    try {
      const dir = await open(this.dir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // best effort
    }
  }
}
