import { join } from 'node:path';
import {
  type ComponentContext,
  coveredPosition,
  diskProblem,
  errorMessage,
  type Host,
  type KongLogEntry,
  type LogPosition,
  logPositionSource,
} from '../../../core/index.js';
import { decodeEntries, encodeEntries } from './entry_codec.js';
import { DurableTelemetry } from './telemetry.js';
import { WriteAheadLog } from './wal.js';

/** The entries of one accepted batch, aggregated once their record is on disk. */
type Committed = readonly KongLogEntry[];

export interface DurableLogOptions {
  /** Segment size before a new file is started (tests make it small). */
  readonly segmentBytes?: number;
}

/**
 * kong_metrics' durable mode (docs/durability.md): accepted entries go to a write-ahead log before the
 * receiver answers, emissions say how far the log they reflect goes, and a restart replays the log
 * from where the exporters' durable data ends.
 */
export class DurableLog {
  /** This processor instance's name in `MetricBatch.covers` and the collector's `coveredPosition`. */
  readonly source: string;
  readonly dir: string;
  readonly wal: WriteAheadLog<Committed>;
  private readonly telemetry: DurableTelemetry;
  private trimFailed = false;

  constructor(
    storage: string,
    private readonly ctx: ComponentContext,
    private readonly aggregate: (entries: readonly KongLogEntry[]) => void,
    options: DurableLogOptions = {},
  ) {
    this.source = logPositionSource(ctx.id, ctx.pipelineId);
    this.telemetry = new DurableTelemetry(ctx, () => this.wal.bytes);
    // Ids may hold any non-space character; encoding keeps them one distinct path segment each.
    this.dir = join(storage, encodeURIComponent(ctx.id), encodeURIComponent(ctx.pipelineId ?? '-'));
    this.wal = new WriteAheadLog<Committed>({
      dir: this.dir,
      logger: ctx.logger,
      where: `processors.${ctx.id}.storage`,
      segmentBytes: options.segmentBytes,
      onSync: () => this.telemetry.syncs.add(),
      onCommit: (batches) => {
        for (const entries of batches) this.aggregate(entries);
      },
    });
  }

  /** Replays what the exporters do not hold yet into `aggregate`, then opens the log for appends. */
  async open(host: Host): Promise<void> {
    const covered = coveredPosition(host, this.source);
    let entries = 0;
    let unreadable = 0;
    let result;
    try {
      result = await this.wal.open(covered, (payload) => {
        const batch = decodeEntries(payload.toString('utf8'));
        if (batch === undefined) {
          unreadable++;
          return;
        }
        entries += batch.length;
        this.aggregate(batch);
      });
    } catch (err) {
      throw new Error(
        `processors.${this.ctx.id}.storage: cannot use "${this.dir}" for the write-ahead log: ${diskProblem(err)}`,
      );
    }
    this.telemetry.replayedEntries.add(entries);
    if (unreadable > 0) {
      this.ctx.logger.error(
        { records: unreadable },
        'kong_metrics: skipped write-ahead log records it cannot read: written by a kongtel version that stores other fields ' +
          '(drain the log before such an upgrade), or not an entry list',
      );
    }
    if (result.replayed > 0) {
      this.ctx.logger.info(
        { records: result.replayed, entries, coveredPosition: covered ?? null, position: this.wal.position },
        'kong_metrics: replayed accepted entries the exporters did not hold yet; they go out with the next emission',
      );
    }
  }

  /** Resolves once the entries are on disk and aggregated; rejects with back-pressure when they cannot be. */
  accept(entries: readonly KongLogEntry[]): Promise<void> {
    return this.wal.append(Buffer.from(encodeEntries(entries), 'utf8'), entries);
  }

  /** What the state about to be emitted reflects: every record up to the current position. */
  covers(): LogPosition[] {
    return [{ source: this.source, position: this.wal.position }];
  }

  /** Deletes the segments the exporters now hold; never throws. */
  async trim(host: Host | undefined): Promise<void> {
    const covered = coveredPosition(host, this.source);
    if (covered === undefined) return;
    try {
      await this.wal.trim(covered);
      this.trimFailed = false;
    } catch (err) {
      if (!this.trimFailed) {
        this.trimFailed = true;
        this.ctx.logger.warn({ dir: this.dir, error: errorMessage(err) }, 'kong_metrics: cannot delete covered write-ahead log segments; the log grows until this works');
      }
    }
  }

  async close(host: Host | undefined): Promise<void> {
    await this.wal.close();
    await this.trim(host);
  }
}
