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
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PrometheusExporterConfig } from './config.js';
import { MetricsHttpServer } from './http_server.js';
import { PageSource } from './page.js';
import { exposition, renderText } from './renderer.js';
import { SeriesStore, type DropReason, type StoreEvents, type StoreSizes } from './store.js';

/** Each (reason, metric) is logged once; past this many distinct ones, only counted. */
const WARN_ONCE_LIMIT = 1000;
/** Expired streams retired per turn of the event loop (a few milliseconds of work). */
const SWEEP_SLICE = 10_000;

/**
 * A pull exporter: `consume` folds batches into cumulative series, a scrape of `GET /metrics` renders
 * them. Expired series are swept before each scrape and on a timer, so memory stays bounded even
 * when nothing scrapes; `max_streams` bounds it whatever arrives.
 */
export class PrometheusExporter implements Exporter {
  private readonly store: SeriesStore;
  private readonly pages: PageSource;
  private readonly server: MetricsHttpServer;
  private readonly configured: HostPort;
  private sweepTimer: Timer | undefined;
  private readonly sent: CounterHandle;
  private readonly droppedBy = new Map<DropReason, CounterHandle>();
  private readonly warned = new Set<string>();
  private droppedAttributes: CounterHandle | undefined;

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
        droppedAttribute: (key) => this.droppedAttribute(key),
        maxStreams: config.max_streams,
        expirationMs: config.metric_expiration,
      },
      this.storeEvents(),
    );
    this.pages = new PageSource(this.store, !config.without_target_info);
    this.server = new MetricsHttpServer(() => this.page(), ctx.logger, {
      settings: config,
      auth: config.auth === undefined ? undefined : new Authenticator(config.auth),
      context: { ...ctx, where: `exporters.${ctx.id}` },
    });
    const labels = { exporter: ctx.id };
    this.sent = ctx.telemetry.counter(SelfMetric.exporterSentMetricPoints, 'Metric points the exporter accepted', labels);
    ctx.telemetry.observableGauge(
      SelfMetric.exporterPrometheusStreams,
      'Streams the prometheus exporter holds, each resource (its target_info) counting one.',
      labels,
      () => this.store.heldCount,
    );
    ctx.telemetry.observableGauge(SelfMetric.exporterPrometheusStreamsLimit, 'The max_streams budget of the prometheus exporter.', labels, () => config.max_streams);
    ctx.telemetry.observableGauge(SelfMetric.exporterPrometheusSeries, 'Series on /metrics now, target_info included.', labels, () => {
      const sizes = this.store.sizes;
      return sizes.series + (config.without_target_info ? 0 : sizes.resources);
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
    if (every > 0) this.sweepTimer = this.ctx.clock.setInterval(() => void this.sweepInSlices(), Math.max(1000, every));
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

  /**
   * The page `/metrics` streams: expired series swept and the family order taken in slices, then the
   * chunks, each rendered when the writer asks for it.
   */
  async page(): Promise<Iterator<string, void, undefined>> {
    await this.sweepInSlices();
    return exposition(await this.pages.snapshot());
  }

  /** The whole exposition text at once (expired series swept first): for tests and small pages. */
  scrape(): string {
    this.store.sweep(this.ctx.clock.now(), this.config.metric_expiration);
    return renderText(this.pages.snapshotNow());
  }

  /** Live streams, for tests. */
  get streamCount(): number {
    return this.store.streamCount;
  }

  /** Sizes of what the exporter holds, for tests. */
  get held(): StoreSizes {
    return this.store.sizes;
  }

  /** The first slice runs at once (a timer tick or a scrape of a quiet store needs no more). */
  private async sweepInSlices(): Promise<void> {
    const expiration = this.config.metric_expiration;
    while (this.store.sweep(this.ctx.clock.now(), expiration, SWEEP_SLICE) === SWEEP_SLICE) await nextTurn();
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
        // The budget is the exporter's, not a metric's: one line however many metrics overflow.
        this.warnOnce(reason === 'max_streams' ? reason : `${reason}\u0000${metric}`, DROP_MESSAGES[reason](metric, this.config.max_streams));
      },
      layoutReset: (metric) => {
        this.warnOnce(`layout\u0000${metric}`, `histogram ${metric} changed its bucket layout: its series started over`);
      },
      notKongBounds: (family, metric) => {
        this.warnOnce(
          `kong-bounds\u0000${family}`,
          `${family} is served from ${metric}, whose bucket bounds are not Kong's: its percentiles differ from those of Kong's plugin; for Kong's buckets and labels set \`naming: kong\` on the kong_metrics processor (and no \`buckets\` override of the family)`,
        );
      },
    };
  }

  /** An attribute left off a series (its key has no label name): counted, logged once per key. */
  private droppedAttribute(key: string): void {
    this.droppedAttributes ??= this.ctx.telemetry.counter(
      SelfMetric.exporterDroppedAttributes,
      'Attributes left off a series because their key has no Prometheus label name',
      { exporter: this.ctx.id },
    );
    this.droppedAttributes.add();
    const shown = JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
    this.warnOnce(
      `attribute\u0000${key}`,
      `attribute ${shown} left off the series: its key has no Prometheus label name (nothing but characters other than a-z, A-Z, 0-9); rename it`,
    );
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key) || this.warned.size >= WARN_ONCE_LIMIT) return;
    this.warned.add(key);
    this.ctx.logger.warn(`${message} (logged once)`);
  }
}

const DROP_MESSAGES: Readonly<Record<DropReason, (metric: string, maxStreams: number) => string>> = {
  exponential_histogram: (m) =>
    `exponential histogram ${m} dropped: the Prometheus text format cannot carry it; configure an explicit-bucket histogram for it, or export it with otlphttp`,
  type_conflict: (m) =>
    `points of ${m} dropped: its Prometheus name is already used by a metric of another type (or is target_info); rename one of them`,
  out_of_order: (m) => `cumulative points of ${m} older than the stored ones dropped`,
  invalid_name: (m) =>
    `metric ${JSON.stringify(m.length > 100 ? `${m.slice(0, 100)}…` : m)} dropped: its name has no Prometheus form (empty or nothing but _ once invalid characters are replaced); rename it`,
  invalid_point: (m) =>
    `invalid points of ${m} dropped (non-finite delta, bucket counts not matching the bounds, or bounds not increasing)`,
  max_streams: (m, max) =>
    `points of new streams dropped (first: ${m}): the exporter holds max_streams (${max}) streams, whose values stay exact. ` +
    'Raise max_streams, lower the attribute cardinality upstream, or shorten metric_expiration',
};
