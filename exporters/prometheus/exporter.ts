import {
  Authenticator,
  PermanentError,
  readTlsMaterial,
  SelfMetric,
  errorMessage,
  parseEndpoint,
  type Batch,
  type ComponentContext,
  type CounterHandle,
  type Exporter,
  type Host,
  type HostPort,
  type Timer,
} from '../../core/index.js';
import type { PrometheusExporterConfig } from './config.js';
import { MetricsHttpServer } from './http_server.js';
import { renderExposition } from './renderer.js';
import { SeriesStore, type DropReason, type StoreEvents } from './store.js';

/** Each (reason, metric) is logged once; past this many distinct ones, only counted. */
const WARN_ONCE_LIMIT = 1000;

/**
 * A pull exporter: `consume` folds batches into cumulative series, a scrape of `GET /metrics` renders
 * them. Expired series are swept before each scrape and on a timer, so memory stays bounded even
 * when nothing scrapes.
 */
export class PrometheusExporter implements Exporter {
  private readonly store: SeriesStore;
  private readonly server: MetricsHttpServer;
  private readonly configured: HostPort;
  private sweepTimer: Timer | undefined;
  private readonly sent: CounterHandle;
  private readonly droppedBy = new Map<DropReason, CounterHandle>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: PrometheusExporterConfig,
    private readonly ctx: ComponentContext,
  ) {
    // The schema has already checked it; the fallback only keeps the type honest.
    this.configured = parseEndpoint(config.endpoint) ?? { host: '0.0.0.0', port: 9464 };
    this.store = new SeriesStore(
      {
        naming: config.naming,
        namespace: config.namespace,
        addSuffixes: config.add_metric_suffixes,
        resourceToTelemetry: config.resource_to_telemetry_conversion.enabled,
        constLabels: config.const_labels,
        withoutScopeInfo: config.without_scope_info,
        withoutTargetInfo: config.without_target_info,
      },
      this.storeEvents(),
    );
    this.server = new MetricsHttpServer(() => this.scrape(), ctx.logger, {
      settings: config,
      auth: config.auth === undefined ? undefined : new Authenticator(config.auth),
      context: { ...ctx, where: `exporters.${ctx.id}` },
    });
    this.sent = ctx.telemetry.counter(SelfMetric.exporterSentMetricPoints, 'Metric points the exporter accepted', {
      exporter: ctx.id,
    });
  }

  /** The address `/metrics` is served on: the bound one once started (port 0 → the real port). */
  get address(): HostPort {
    return this.server.address ?? this.configured;
  }

  async start(_host: Host): Promise<void> {
    const tls = this.config.tls === undefined ? undefined : await readTlsMaterial(this.config.tls, `exporters.${this.ctx.id}`);
    const bound = await this.server.listen(this.configured, this.ctx.id, tls);
    const every = this.config.metric_expiration;
    if (every > 0) this.sweepTimer = this.ctx.clock.setInterval(() => this.sweep(), Math.max(1000, every));
    this.ctx.logger.info({ host: bound.host, port: bound.port, tls: tls !== undefined, auth: this.config.auth !== undefined }, 'serving Prometheus metrics at /metrics');
  }

  async shutdown(): Promise<void> {
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    await this.server.close();
  }

  consume(batch: Batch): Promise<void> {
    if (batch.signal !== 'metrics') {
      return Promise.reject(new PermanentError(`exporter ${this.ctx.id} takes metrics only; put kong_metrics before it in the pipeline`));
    }
    try {
      const kept = this.store.consume(batch.resourceMetrics, this.ctx.clock.now());
      if (kept > 0) this.sent.add(kept);
      return Promise.resolve();
    } catch (err) {
      this.warnOnce('internal', `exporter ${this.ctx.id} could not apply a batch: ${errorMessage(err)}`);
      return Promise.reject(new PermanentError(`exporter ${this.ctx.id} could not apply the batch`));
    }
  }

  /** The exposition text a scrape gets now (expired series swept first). */
  scrape(): string {
    this.sweep();
    return renderExposition(this.store.families, this.config.without_target_info ? undefined : this.store.resources.values());
  }

  /** Live streams, for tests. */
  get streamCount(): number {
    return this.store.streamCount;
  }

  private sweep(): void {
    this.store.sweep(this.ctx.clock.now(), this.config.metric_expiration);
  }

  private storeEvents(): StoreEvents {
    return {
      dropped: (reason, metric, points) => {
        let counter = this.droppedBy.get(reason);
        if (!counter) {
          // No "dropped" name for exporters in SelfMetric yet: send_failed with a reason is the closest.
          counter = this.ctx.telemetry.counter(
            SelfMetric.exporterSendFailedMetricPoints,
            'Metric points the exporter could not send or keep',
            { exporter: this.ctx.id, reason },
          );
          this.droppedBy.set(reason, counter);
        }
        counter.add(points);
        this.warnOnce(`${reason}\u0000${metric}`, DROP_MESSAGES[reason](metric));
      },
      layoutReset: (metric) => {
        this.warnOnce(`layout\u0000${metric}`, `histogram ${metric} changed its bucket layout: its series started over`);
      },
    };
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key) || this.warned.size >= WARN_ONCE_LIMIT) return;
    this.warned.add(key);
    this.ctx.logger.warn(`${message} (logged once)`);
  }
}

const DROP_MESSAGES: Readonly<Record<DropReason, (metric: string) => string>> = {
  exponential_histogram: (m) =>
    `exponential histogram ${m} dropped: the Prometheus text format cannot carry it; configure an explicit-bucket histogram for it, or export it with otlphttp`,
  type_conflict: (m) =>
    `points of ${m} dropped: its Prometheus name is already used by a metric of another type (or is target_info); rename one of them`,
  out_of_order: (m) => `cumulative points of ${m} older than the stored ones dropped`,
  invalid_point: (m) =>
    `invalid points of ${m} dropped (non-finite delta, bucket counts not matching the bounds, or bounds not increasing)`,
};
