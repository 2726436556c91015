import { join } from 'node:path';
import {
  BackPressureError,
  type Batch,
  type ComponentContext,
  countDataPoints,
  errorMessage,
  type Exporter,
  type Host,
  type LogPositionRecorder,
  PermanentError,
  readPemFile,
  SelfMetric,
} from '../../core/index.js';
import { metricsUrl, type OtlpHttpConfig } from './config.js';
import { type EncodedRequest, encodeRequest } from './encode.js';
import { HttpClient } from './http_client.js';
import { MemoryQueue } from './memory_queue.js';
import { type EnqueueFailedReason, ExportOutcomes } from './outcomes.js';
import { PersistentQueue, QueueStorageError } from './persistent_queue.js';
import { QueueFullError, type RequestQueue } from './queue.js';
import { RetryingSender, type SendResult } from './sender.js';

const NOTHING_COVERED: ReadonlyMap<string, number> = new Map();

/** Shutdown never waits longer than this for queued data to drain, whatever `timeout` says. */
const MAX_DRAIN_MS = 10_000;

export interface OtlpHttpExporterOptions {
  /** Jitter source for backoff (tests pin it). */
  readonly random?: () => number;
}

/**
 * Sends metric batches to an OTLP/HTTP backend. With the sending queue (default), `consume()` resolves once
 * the encoded request is queued — on disk when `storage` is set — and `num_consumers` senders deliver it
 * with retries; without it, `consume()` sends inline and its promise carries the backend's verdict.
 */
export class OtlpHttpExporter implements Exporter, LogPositionRecorder {
  private readonly queue: RequestQueue | undefined;
  private readonly abort = new AbortController();
  private readonly consumers: Promise<void>[] = [];
  private readonly inlineSends = new Set<Promise<unknown>>();
  private readonly outcomes: ExportOutcomes;
  private client: HttpClient | undefined;
  private sender: RetryingSender | undefined;
  private stopping = false;
  private storageFailing = false;
  /** The directory of the storage extension `sending_queue.storage` names. */
  private readonly storageDir: string | undefined;

  constructor(
    private readonly config: OtlpHttpConfig,
    private readonly ctx: ComponentContext,
    private readonly options: OtlpHttpExporterOptions = {},
  ) {
    this.outcomes = new ExportOutcomes(ctx);
    const labels = { exporter: ctx.id };
    const t = ctx.telemetry;
    const q = config.sending_queue;
    if (q.enabled) {
      // `<directory>/<id, unsafe characters as _>`: the layout kongtel used when `storage` was the directory itself.
      this.storageDir = q.storage === undefined ? undefined : ctx.storage(q.storage);
      this.queue = this.storageDir
        ? new PersistentQueue(join(this.storageDir, ctx.id.replace(/[^A-Za-z0-9._-]/g, '_')), q.queue_size, ctx.logger, ctx.clock)
        : new MemoryQueue(q.queue_size);
      const queue = this.queue;
      t.observableGauge(SelfMetric.exporterQueueSize, 'Requests held in the sending queue.', labels, () => queue.size());
      t.observableGauge(SelfMetric.exporterQueueCapacity, 'Capacity of the sending queue, in requests.', labels, () => queue.capacity);
    }
  }

  async start(_host?: Host): Promise<void> {
    const key = `exporters.${this.ctx.id}`;
    let ca: Buffer | undefined;
    if (this.config.tls.ca_file !== undefined) {
      ca = await readPemFile(this.config.tls.ca_file, `${key}.tls.ca_file`, 'point it at a PEM file of CA certificates');
    }
    const url = metricsUrl(this.config);
    if (this.config.tls.insecure_skip_verify && url.protocol === 'https:') {
      this.ctx.logger.warn({ key: `${key}.tls.insecure_skip_verify` }, 'TLS certificate verification is off for this exporter; use it for testing only');
    }
    this.client = new HttpClient({
      url,
      headers: this.headers(),
      timeoutMs: this.config.timeout,
      ca,
      rejectUnauthorized: !this.config.tls.insecure_skip_verify,
      clock: this.ctx.clock,
    });
    this.sender = new RetryingSender(this.client, this.config.retry_on_failure, this.ctx.clock, this.ctx.logger, this.outcomes.retries, this.options.random);
    if (!this.queue) return;
    let recovered: number;
    try {
      recovered = await this.queue.open();
    } catch (err) {
      // QueueStorageError says what is wrong and the fix; anything else is a bug, said as such.
      const why = err instanceof QueueStorageError ? err.message : `unexpected error (${errorMessage(err)}); this is a bug: please report it`;
      const where = `extensions.${this.config.sending_queue.storage ?? ''}.directory`;
      throw new Error(`${key}.sending_queue.storage: cannot use "${this.storageDir ?? ''}" (${where}) for the persistent queue: ${why}`);
    }
    if (recovered > 0) this.ctx.logger.info({ requests: recovered }, 'resending requests a previous run left in the persistent queue');
    if (recovered >= this.queue.capacity) {
      this.ctx.logger.warn(
        { requests: recovered, queue_size: this.queue.capacity },
        'the persistent queue holds more requests than sending_queue.queue_size: new data is refused until it drains below',
      );
    }
    for (let i = 0; i < this.config.sending_queue.num_consumers; i++) this.consumers.push(this.consumeQueue(this.queue));
  }

  /**
   * Durable mode (docs/durability.md): how far each kong_metrics write-ahead log is covered by requests
   * the persistent queue holds or held. Empty without `sending_queue.storage`: nothing here survives.
   */
  coveredPositions(): ReadonlyMap<string, number> {
    return this.queue instanceof PersistentQueue ? this.queue.coveredPositions() : NOTHING_COVERED;
  }

  async consume(batch: Batch): Promise<void> {
    if (batch.signal !== 'metrics') throw new PermanentError(`exporter ${this.ctx.id} (otlphttp) takes metrics, not Kong log entries: put kong_metrics before it`);
    const points = countDataPoints(batch);
    if (points === 0) return;
    if (this.stopping || !this.sender) return this.refuse(points, 'shutting_down', `exporter ${this.ctx.id} is not running`);
    if (this.queue && this.queue.size() >= this.queue.capacity) return this.refuse(points, 'queue_full', this.fullMessage());
    let req: EncodedRequest;
    try {
      req = await encodeRequest(batch.resourceMetrics, points, this.config.encoding, this.config.compression);
      if (batch.covers !== undefined) req = { ...req, covers: batch.covers };
    } catch (err) {
      this.outcomes.failed('encoding', points);
      this.ctx.logger.error({ points, err: errorMessage(err) }, 'cannot encode metrics as OTLP; dropped');
      throw new PermanentError(`exporter ${this.ctx.id}: cannot encode metrics as OTLP (${errorMessage(err)})`);
    }
    if (this.queue) return this.enqueue(this.queue, req);
    return this.sendInline(this.sender, req);
  }

  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const bound = Math.min(this.config.timeout, MAX_DRAIN_MS);
    if (this.queue) {
      this.queue.drain();
      const drained = await this.within(Promise.all(this.consumers), bound);
      this.abort.abort();
      this.queue.close();
      if (!drained) await Promise.all(this.consumers);
      const left = this.queue.waiting();
      if (left.requests > 0 && this.queue instanceof PersistentQueue) {
        this.ctx.logger.info({ requests: left.requests }, 'undelivered requests stay in the persistent queue for the next start');
      } else if (left.requests > 0) {
        this.outcomes.failed('shutdown', left.points);
        this.ctx.logger.error(
          { requests: left.requests, points: left.points },
          'shutdown: the backend did not take every queued request in time; these points are lost (set sending_queue.storage to keep them)',
        );
      }
    } else if (!(await this.within(Promise.allSettled([...this.inlineSends]), bound))) {
      this.abort.abort();
      await Promise.allSettled([...this.inlineSends]);
    }
    this.abort.abort();
    this.client?.close();
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { ...this.config.headers };
    const basic = this.config.auth.basic;
    if (basic) h.Authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`, 'utf8').toString('base64')}`;
    return h;
  }

  private async enqueue(queue: RequestQueue, req: EncodedRequest): Promise<void> {
    try {
      await queue.offer(req);
    } catch (err) {
      if (err instanceof QueueFullError) return this.refuse(req.points, 'queue_full', this.fullMessage());
      if (!this.storageFailing) {
        this.storageFailing = true;
        this.ctx.logger.error({ err: errorMessage(err) }, 'cannot write to the persistent queue; refusing data until it works again');
      }
      return this.refuse(req.points, 'storage', `exporter ${this.ctx.id}: persistent queue write failed`);
    }
    if (this.storageFailing) {
      this.storageFailing = false;
      this.ctx.logger.info('persistent queue writable again');
    }
  }

  private async sendInline(sender: RetryingSender, req: EncodedRequest): Promise<void> {
    const p = this.send(sender, req);
    this.inlineSends.add(p);
    let result: SendResult;
    try {
      result = await p;
    } finally {
      this.inlineSends.delete(p);
    }
    this.outcomes.settled(req, result, false);
    if (result.kind === 'permanent') {
      throw new PermanentError(`exporter ${this.ctx.id}: backend refused the data (HTTP ${result.status}): ${result.message}`);
    }
    if (result.kind === 'exhausted' || result.kind === 'aborted') {
      throw new BackPressureError(
        `exporter ${this.ctx.id}: backend unavailable (${result.kind === 'exhausted' ? result.reason : 'shutting down'})`,
        this.retryAfterSeconds(),
      );
    }
  }

  private async consumeQueue(queue: RequestQueue): Promise<void> {
    const sender = this.sender;
    if (!sender) return;
    for (;;) {
      const req = await queue.take();
      if (!req) return;
      const result = await this.send(sender, req);
      if (result.kind === 'aborted') {
        queue.putBack(req);
        return;
      }
      this.outcomes.settled(req, result, true);
      await queue.done(req);
    }
  }

  /** The sender does not throw by design; should it ever, the request fails like an exhausted one rather than a consumer dying. */
  private send(sender: RetryingSender, req: EncodedRequest): Promise<SendResult> {
    return sender.send(req, this.abort.signal).catch((err: unknown) => ({ kind: 'exhausted', reason: errorMessage(err) }) as const);
  }

  private refuse(points: number, reason: EnqueueFailedReason, message: string): never {
    this.outcomes.refused(reason, points);
    throw new BackPressureError(message, this.retryAfterSeconds());
  }

  private fullMessage(): string {
    return `exporter ${this.ctx.id}: sending queue full (${this.config.sending_queue.queue_size} requests); the backend is slow or down`;
  }

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.config.retry_on_failure.initial_interval / 1000));
  }

  /** True if `p` settled within `ms` on the injected clock. */
  private within(p: Promise<unknown>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.ctx.clock.setTimeout(() => resolve(false), ms);
      p.then(
        () => {
          timer.cancel();
          resolve(true);
        },
        () => {
          timer.cancel();
          resolve(true);
        },
      );
    });
  }
}
