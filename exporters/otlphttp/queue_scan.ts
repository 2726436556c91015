import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { diskProblem, type EntryKind, errnoCode, forEachEntry, type Logger, type LogPosition, openRegularFile } from '../../core/index.js';
import { COVERED_FILE } from './covered_store.js';
import { queueFileName, queueFileSeq, readQueueFileCovers } from './queue_file.js';
import { SeqHeap } from './seq_heap.js';

/** Skipped entries named one by one in the log; past this, one line counts the rest. */
const NAMED_SKIPS = 10;
/** Headers read at once when positions must come from the files themselves. */
const HEADER_READS_AT_ONCE = 16;

export interface RecoveredQueue {
  /** Every request file's seq, smallest first. */
  readonly pending: SeqHeap;
  /** The highest seq found (0 when none). */
  readonly maxSeq: number;
  /** Seqs above `through`: their positions may be missing from covered.json. */
  readonly newer: number[];
}

/**
 * What a previous run left in the queue directory, streamed (a million files cost a Float64Array of
 * seqs, not a million names): request files become pending seqs without being opened; `.tmp` files
 * left by a crash (never acknowledged upstream) are removed; anything else named like a queue file — a
 * FIFO, a socket, a device, a directory, a symbolic link — is skipped with a log line naming it, never
 * opened (opening a FIFO would wait forever).
 */
export async function scanQueueDirectory(dir: string, through: number | undefined, logger: Logger): Promise<RecoveredQueue> {
  const pending = new SeqHeap(1024);
  const newer: number[] = [];
  let maxSeq = 0;
  let torn = 0;
  let skipped = 0;
  const skip = (name: string, kind: EntryKind): void => {
    if (++skipped <= NAMED_SKIPS) {
      logger.warn({ file: join(dir, name), kind }, 'skipping an entry of the persistent queue directory: it is not a regular file (remove it)');
    }
  };
  await forEachEntry(dir, async (name, kind) => {
    if (name.endsWith('.tmp')) {
      if (kind !== 'file') return skip(name, kind);
      await unlink(join(dir, name)).catch((err: unknown) => {
        if (errnoCode(err) !== 'ENOENT') throw err;
      });
      if (name !== `${COVERED_FILE}.tmp`) torn++;
      return;
    }
    const seq = queueFileSeq(name);
    if (seq === undefined) return;
    if (kind !== 'file') return skip(name, kind);
    pending.appendUnordered(seq);
    if (seq > maxSeq) maxSeq = seq;
    if (through === undefined || seq > through) newer.push(seq);
  });
  pending.heapify();
  if (skipped > NAMED_SKIPS) logger.warn({ dir, entries: skipped, named: NAMED_SKIPS }, 'skipped more entries of the persistent queue directory that are not regular files');
  if (torn > 0) logger.warn({ dir, files: torn }, 'removed unfinished queue files left by a crash (never acknowledged upstream)');
  return { pending, maxSeq, newer };
}

/**
 * The log positions in the headers of the request files numbered above `through` (all of them when it is
 * undefined), handed to `merge`. A file gone meanwhile holds nothing; a file that cannot be read is
 * logged and skipped (it is skipped again when its turn to be sent comes); running out of file
 * descriptors stops start-up, since a position it could not read might be missing.
 */
export async function readNewerCovers(
  dir: string,
  seqs: readonly number[],
  logger: Logger,
  merge: (covers: readonly LogPosition[] | undefined) => void,
): Promise<void> {
  let next = 0;
  let unreadable = 0;
  const worker = async (): Promise<void> => {
    while (next < seqs.length) {
      const path = join(dir, queueFileName(seqs[next++]));
      try {
        const { handle, size } = await openRegularFile(path, { followSymlinks: false });
        try {
          merge(await readQueueFileCovers(handle, size));
        } finally {
          await handle.close().catch(() => undefined);
        }
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT') continue;
        if (code === 'EMFILE' || code === 'ENFILE') throw err;
        if (++unreadable <= NAMED_SKIPS) logger.error({ file: path, problem: diskProblem(err) }, 'cannot read the log positions of a queued request');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEADER_READS_AT_ONCE, seqs.length) }, worker));
  if (unreadable > NAMED_SKIPS) logger.error({ dir, files: unreadable, named: NAMED_SKIPS }, 'could not read the log positions of more queued requests');
}
