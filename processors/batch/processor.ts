import {
  BackPressureError,
  type Batch,
  type ComponentContext,
  type Consumer,
  countDataPoints,
  coversOf,
  errorMessage,
  type Host,
  isBackPressure,
  metricBatch,
  mergeCovers,
  type Processor,
  type Timer,
  withCovers,
} from '../../core/index.js';
import type { BatchConfig } from './config.js';
import { PendingBatch } from './pending_batch.js';
import { BatchTelemetry, type SendTrigger } from './telemetry.js';

/** Points held, as a multiple of send_batch_size, before new data is refused with back-pressure. */
const BUFFER_LIMIT_BATCHES = 10;

/**
 * The Collector's batch processor for metrics: merges incoming batches and sends them on when
 * send_batch_size points are waiting or `timeout` after the first one arrived, split to at most
 * send_batch_max_size points. `consume()` resolves once the data is held. One send is in flight at a
 * time, so batches leave in the order they came (cumulativetodelta after this relies on it).
 *
 * Durable mode (docs/durability.md): a batch that carries `covers` is answered only once its data left in
 * a send the next component accepted (or refused: then kong_metrics keeps the data and sends it again);
 * its covers travel on the send that empties the buffer, since only then is all of its data out.
 */
export class BatchProcessor implements Processor {
  private readonly pending = new PendingBatch();
  private readonly telemetry: BatchTelemetry;
  private readonly limit: number;
  private timer: Timer | undefined;
  /** Set by the timeout or shutdown: send everything held, not only full batches. */
  private flushAll: SendTrigger | undefined;
  /** A drain loop is running; `drained` settles when it stops. */
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  /** Until then the next component asked for a pause; new data is refused meanwhile. */
  private refuseUntilMs = 0;
  private failing = false;
  private stopped = false;
  /** Durable mode: the highest log positions among the batches held, per source. */
  private readonly covers = new Map<string, number>();
  /** Durable mode: senders of held batches with covers, oldest first, waiting for their data to leave. */
  private readonly waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private splitWarned = false;

  constructor(
    private readonly config: BatchConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
  ) {
    this.limit = BUFFER_LIMIT_BATCHES * config.send_batch_size;
    this.telemetry = new BatchTelemetry(ctx, () => this.pending.points);
  }

  async start(_host: Host): Promise<void> {}

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.flushAll = 'shutdown';
    this.kick();
    // A loop already running sees flushAll and empties the buffer before it stops.
    await this.drained;
  }

  /** Data points waiting to be sent. */
  get buffered(): number {
    return this.pending.points;
  }

  async consume(batch: Batch): Promise<void> {
    // The graph validator keeps logs away; pass them on rather than fail if one slips through.
    if (batch.signal !== 'metrics') return this.next.consume(batch);
    const n = countDataPoints(batch);
    if (n === 0) return;
    const refusal = this.refusal(n);
    if (refusal !== undefined) {
      this.telemetry.refused.add(n);
      throw refusal;
    }
    this.pending.add(batch.resourceMetrics);
    this.telemetry.pointsIn.add(n);
    let sent: Promise<void> | undefined;
    if (batch.covers !== undefined) {
      mergeCovers(this.covers, batch.covers);
      sent = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
    if (this.config.timeout === 0) this.flushAll ??= 'timeout';
    else this.timer ??= this.ctx.clock.setTimeout(() => this.onTimeout(), this.config.timeout);
    this.kick();
    return sent;
  }

  private refusal(n: number): BackPressureError | undefined {
    const id = this.ctx.id;
    if (this.stopped) return new BackPressureError(`processor ${id}: shutting down; send to another kongtel instance or retry`);
    const wait = this.refuseUntilMs - this.ctx.clock.now();
    if (wait > 0) {
      return new BackPressureError(`processor ${id}: the next component is refusing data; retry later`, Math.ceil(wait / 1000));
    }
    // An empty buffer takes any batch, however large: otherwise a batch over the limit could never pass.
    if (this.pending.points > 0 && this.pending.points + n > this.limit) {
      return new BackPressureError(
        `processor ${id}: ${this.pending.points} data points are waiting to be sent (limit ${this.limit} = 10 × send_batch_size); retry later`,
      );
    }
    return undefined;
  }

  private onTimeout(): void {
    this.timer = undefined;
    this.flushAll ??= 'timeout';
    this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    this.drained = this.drain();
  }

  /** Sends while there is something due, one batch at a time. Never rejects. */
  private async drain(): Promise<void> {
    const max = this.config.send_batch_max_size > 0 ? this.config.send_batch_max_size : Number.POSITIVE_INFINITY;
    try {
      while (this.pending.points > 0 && (this.flushAll !== undefined || this.pending.points >= this.config.send_batch_size)) {
        const trigger = this.flushAll ?? 'size';
        const n = Math.min(max, this.pending.points);
        const resourceMetrics = this.pending.take(n);
        const emptied = this.pending.points === 0;
        if (emptied) {
          this.flushAll = undefined;
          this.timer?.cancel();
          this.timer = undefined;
        }
        // Waiters registered before this take may have points in it; later ones cannot.
        const waiting = this.waiters.length;
        const covers = emptied && this.covers.size > 0 ? coversOf(this.covers) : undefined;
        if (emptied) this.covers.clear();
        else if (waiting > 0) this.warnSplit();
        this.telemetry.sends[trigger].add();
        const error = await this.send(withCovers(metricBatch(resourceMetrics), covers), n);
        if (error !== undefined) for (const w of this.waiters.splice(0, waiting)) w.reject(error);
        else if (emptied) for (const w of this.waiters.splice(0, waiting)) w.resolve();
      }
    } catch (err) {
      this.ctx.logger.error({ error: errorMessage(err) }, 'batch processor failed to send');
    } finally {
      // Cleared in the same tick the loop ends, so a consume() right after starts a new loop.
      this.draining = false;
    }
    if (this.stopped && this.pending.points > 0) {
      const refused = new BackPressureError(`processor ${this.ctx.id}: shut down before the data was sent`);
      for (const w of this.waiters.splice(0)) w.reject(refused);
    }
    // What a size-triggered send left behind still goes out within `timeout`.
    if (this.pending.points > 0 && !this.stopped && this.config.timeout > 0) {
      this.timer ??= this.ctx.clock.setTimeout(() => this.onTimeout(), this.config.timeout);
    }
  }

  /** Sends one batch on; resolves with the error when the next component refused or failed it. */
  private async send(batch: Batch, n: number): Promise<unknown> {
    try {
      await this.next.consume(batch);
      this.telemetry.pointsOut.add(n);
      if (this.failing) {
        this.failing = false;
        this.ctx.logger.info('the next component accepts data again');
      }
      return undefined;
    } catch (err) {
      // Retrying is the exporter's job (its queue); holding the batch here would only stall everything behind it.
      const refused = isBackPressure(err);
      this.telemetry.dropped[refused ? 'downstream_refused' : 'downstream_failed'].add(n);
      if (refused) this.refuseUntilMs = this.ctx.clock.now() + err.retryAfterSeconds * 1000;
      if (!this.failing) {
        this.failing = true;
        this.ctx.logger.warn(
          { processor: this.ctx.id, pipeline: this.ctx.pipelineId, points: n, error: errorMessage(err) },
          refused
            ? 'the next component refused a batch (back-pressure): its points are dropped and new data is refused until it recovers'
            : 'the next component failed a batch: its points are dropped',
        );
      }
      return err;
    }
  }

  private warnSplit(): void {
    if (this.splitWarned) return;
    this.splitWarned = true;
    this.ctx.logger.warn(
      { processor: this.ctx.id, pipeline: this.ctx.pipelineId, sendBatchMaxSize: this.config.send_batch_max_size },
      'a durable kong_metrics emission is split by send_batch_max_size: if kongtel dies between the parts, or a later part is ' +
        'refused, the earlier parts are counted twice (docs/durability.md); raise send_batch_max_size or set it to 0',
    );
  }
}
