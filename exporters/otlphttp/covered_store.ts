import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, type Logger, type LogPosition } from '../../core/index.js';

/**
 * Durable mode (docs/durability.md): per write-ahead-log source, the highest position among the requests
 * this queue ever held durably. A request file carries its own positions, so the queue can always tell;
 * `covered.json` keeps them once the files are gone. It is written (temp file, fsync, rename, directory
 * fsync) before a request carrying a higher position is deleted, so a restart never sees less.
 */

export const COVERED_FILE = 'covered.json';

interface CoveredFile {
  readonly version: 1;
  readonly covered: Record<string, number>;
}

function isCoveredFile(v: unknown): v is CoveredFile {
  if (typeof v !== 'object' || v === null) return false;
  const c = (v as { covered?: unknown }).covered;
  return (
    (v as { version?: unknown }).version === 1 &&
    typeof c === 'object' &&
    c !== null &&
    Object.values(c).every((p) => typeof p === 'number' && Number.isSafeInteger(p))
  );
}

export class CoveredStore {
  private readonly positions = new Map<string, number>();
  /** Positions merged that covered.json does not hold yet. */
  private dirty = false;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly syncDir: () => Promise<void>,
  ) {}

  get(): ReadonlyMap<string, number> {
    return this.positions;
  }

  async load(): Promise<void> {
    const path = join(this.dir, COVERED_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isCoveredFile(parsed)) {
      // Written by rename only, so this is outside damage: without it the write-ahead log is replayed
      // from its oldest segment, which may count some entries twice.
      this.logger.error({ file: path }, 'unreadable covered.json in the persistent queue; ignoring it');
      return;
    }
    for (const [source, position] of Object.entries(parsed.covered)) this.positions.set(source, position);
  }

  /** Adds positions now held durably (in a request file); true if any moved. */
  merge(covers: readonly LogPosition[] | undefined): boolean {
    let moved = false;
    for (const c of covers ?? []) {
      const held = this.positions.get(c.source);
      if (held === undefined || c.position > held) {
        this.positions.set(c.source, c.position);
        moved = true;
      }
    }
    if (moved) this.dirty = true;
    return moved;
  }

  /** Whether covered.json lags behind the positions merged. */
  get behind(): boolean {
    return this.dirty || this.writing !== undefined;
  }

  /** Resolves once covered.json holds every merged position; concurrent callers share one write. */
  async persist(): Promise<void> {
    while (this.dirty) {
      if (this.writing === undefined) {
        this.dirty = false;
        const snapshot: CoveredFile = { version: 1, covered: Object.fromEntries(this.positions) };
        this.writing = this.write(snapshot).then(
          () => {
            this.writing = undefined;
          },
          (err: unknown) => {
            this.writing = undefined;
            this.dirty = true;
            throw err;
          },
        );
      }
      await this.writing;
    }
  }

  private async write(snapshot: CoveredFile): Promise<void> {
    const path = join(this.dir, COVERED_FILE);
    const tmp = `${path}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(snapshot));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      await this.syncDir();
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new Error(`cannot write ${path}: ${errorMessage(err)}`);
    }
  }
}
