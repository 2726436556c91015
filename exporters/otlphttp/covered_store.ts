import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { diskProblem, errnoCode, type Logger, type LogPosition, moveAside, readRegularFile } from '../../core/index.js';

/**
 * Durable mode (docs/durability.md): per write-ahead-log source, the highest position among the requests
 * this queue ever held durably. A request file carries its own positions, so the queue can always tell;
 * `covered.json` keeps them once the files are gone. It is written (temp file, fsync, rename, directory
 * fsync) before a request carrying a higher position is deleted, so a restart never sees less.
 *
 * `through_seq` says every request file up to that sequence number has its positions in `covered`: a
 * restart reads the headers of the newer files only, instead of opening each of a million files (about
 * 55 µs each: a minute). It is advanced every THROUGH_EVERY requests even when none carries positions.
 */

export const COVERED_FILE = 'covered.json';
/** covered.json is a few hundred bytes; anything near this is not one kongtel wrote. */
const MAX_COVERED_BYTES = 16 * 1024 * 1024;

interface CoveredFile {
  readonly version: 1;
  readonly covered: Record<string, number>;
  readonly through_seq?: number;
}

function isCoveredFile(v: unknown): v is CoveredFile {
  if (typeof v !== 'object' || v === null) return false;
  const c = (v as { covered?: unknown }).covered;
  const through = (v as { through_seq?: unknown }).through_seq;
  return (
    (v as { version?: unknown }).version === 1 &&
    typeof c === 'object' &&
    c !== null &&
    Object.values(c).every((p) => typeof p === 'number' && Number.isSafeInteger(p)) &&
    (through === undefined || (typeof through === 'number' && Number.isSafeInteger(through) && through >= 0))
  );
}

export class CoveredStore {
  private readonly positions = new Map<string, number>();
  /** Positions merged (or a through_seq reached) that covered.json does not hold yet. */
  private dirty = false;
  private writing: Promise<void> | undefined;
  /** The through_seq covered.json holds. */
  persistedThrough = 0;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly syncDir: () => Promise<void>,
    /** Every request file up to this seq has had its positions merged. */
    private readonly throughSeq: () => number,
    private readonly now: () => number,
  ) {}

  get(): ReadonlyMap<string, number> {
    return this.positions;
  }

  /**
   * Loads covered.json; returns its through_seq, undefined when it has none (written by an older
   * kongtel, damaged, or missing: every request file's header must be read). Throws the filesystem's
   * error when it exists but cannot be read at all (permissions, not a regular file).
   */
  async load(): Promise<number | undefined> {
    const path = join(this.dir, COVERED_FILE);
    let text: string;
    try {
      text = (await readRegularFile(path, { followSymlinks: false, maxBytes: MAX_COVERED_BYTES })).toString('utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      if (errnoCode(err) !== 'EFBIG') throw err;
      text = '';
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isCoveredFile(parsed)) {
      // Written by rename only, so this is outside damage: without it the write-ahead log is replayed
      // from its oldest segment, which may count some entries twice. Kept aside, never overwritten.
      let movedTo: string | undefined;
      try {
        movedTo = await moveAside(path, this.now());
      } catch (err) {
        throw new Error(`it is damaged and cannot be moved aside (${diskProblem(err)})`);
      }
      this.logger.error({ file: path, moved_to: movedTo }, 'unreadable covered.json in the persistent queue; moved aside and ignored (the queued files still count)');
      return undefined;
    }
    for (const [source, position] of Object.entries(parsed.covered)) this.positions.set(source, position);
    this.persistedThrough = parsed.through_seq ?? 0;
    return parsed.through_seq;
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

  /** The next write carries a newer through_seq even if no position moved. */
  advance(): void {
    this.dirty = true;
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
        const through = this.throughSeq();
        const snapshot: CoveredFile = { version: 1, covered: Object.fromEntries(this.positions), through_seq: through };
        this.writing = this.write(snapshot).then(
          () => {
            this.writing = undefined;
            this.persistedThrough = Math.max(this.persistedThrough, through);
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
      throw err;
    }
  }
}
