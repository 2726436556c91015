import { randomUUID } from 'node:crypto';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { CollectorStatus, Component, ComponentContext, ComponentKind, Exporter, Extension, Host, Receiver } from '../component.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { CollectorConfig } from '../config/load.js';
import { type CoverageHost, LogCoverage } from '../durable/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { type EntryView, TapHub, tapped } from '../tap/index.js';
import { SelfTelemetry } from '../telemetry.js';
import { storageLookup } from '../storage.js';
import { buildGraph, type Graph } from './build.js';
import { SelfMetricsServer } from './self_metrics_server.js';

export interface CollectorOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly telemetry?: SelfTelemetry;
  readonly version?: string;
  /** How `kongtel tap` shows a Kong entry (the composition root knows which fields the mapping reads). */
  readonly entryView?: EntryView;
}

/**
 * The running service: builds the pipeline graph (build.ts), starts it downstream first, so no data
 * arrives before its consumers are ready, and shuts it down upstream first, so kong_metrics' final
 * emission reaches live exporters. It is the `Host` components start with.
 */
export class Collector implements Host, CoverageHost {
  readonly telemetry: SelfTelemetry;
  readonly resource: Resource;
  /** The live, sampled view of every receiver's and processor's output that `/debug/tap` serves. */
  readonly tap: TapHub;
  private state: CollectorStatus = 'starting';
  private readonly clock: Clock;
  private readonly graph: Graph;
  /** Durable mode (core/durable): how far each write-ahead log is covered by its pipeline's exporters. */
  private readonly coverage: LogCoverage;
  private selfMetrics: SelfMetricsServer | undefined;
  private readonly started: Component[] = [];

  constructor(
    private readonly config: CollectorConfig,
    private readonly options: CollectorOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.telemetry = options.telemetry ?? new SelfTelemetry();
    this.resource = resourceFromAttributes({
      'service.name': 'kongtel',
      'service.version': options.version ?? '0.0.0',
      'service.instance.id': randomUUID(),
      ...config.service.telemetry.resource,
    });
    const tap = new TapHub(this.clock, options.entryView);
    this.tap = tap;
    this.graph = buildGraph(
      config,
      (id, kind, pipelineId, extensions) => this.context(id, kind, extensions, pipelineId),
      (next, origin) => tapped(next, tap, origin),
    );
    this.coverage = new LogCoverage(this.graph.pipelines);
    this.observeProcess();
  }

  /** The process itself, as the Collector's `otelcol_process_*` self-metrics report it. */
  private observeProcess(): void {
    const started = this.clock.now();
    this.telemetry.observableGauge('kongtel_process_resident_memory_bytes', 'Resident set size of the kongtel process.', {}, () => process.memoryUsage.rss());
    this.telemetry.observableGauge('kongtel_process_heap_used_bytes', 'V8 heap in use.', {}, () => process.memoryUsage().heapUsed);
    this.telemetry.observableGauge('kongtel_process_uptime_seconds', 'Seconds since kongtel started.', {}, () => (this.clock.now() - started) / 1000);
    this.telemetry.observableGauge('kongtel_build_info', 'kongtel build information (value 1).', { version: this.options.version ?? '0.0.0' }, () => 1);
  }

  status(): CollectorStatus {
    return this.state;
  }

  receiver(id: string): Receiver | undefined {
    return this.graph.receivers.get(id);
  }

  exporter(id: string): Exporter | undefined {
    return this.graph.exporters.get(id);
  }

  extension(id: string): Extension | undefined {
    return this.graph.extensions.find((e) => e.id === id)?.component;
  }

  /** Durable mode: how far the log `source` is covered by its pipeline's exporters (core/durable). */
  coveredPosition(source: string): number | undefined {
    return this.coverage.coveredPosition(source);
  }

  private context(id: string, kind: ComponentKind, extensions: ReadonlyMap<string, Extension>, pipelineId?: string): ComponentContext {
    const fields: Record<string, string> = { [kind]: id };
    if (pipelineId) fields.pipeline = pipelineId;
    return {
      id,
      kind,
      pipelineId,
      logger: this.options.logger.child(fields),
      telemetry: this.telemetry,
      clock: this.clock,
      resource: this.resource,
      storage: storageLookup((ext) => extensions.get(ext)),
    };
  }

  /** Starts everything; on any failure, shuts down what had started and rethrows with the component id. */
  async start(): Promise<void> {
    const log = this.options.logger;
    const g = this.graph;
    const order: [string, Component][] = [
      ...g.extensions.map((e): [string, Component] => [`extensions.${e.id}`, e.component]),
      ...[...g.exporters].map(([id, e]): [string, Component] => [`exporters.${id}`, e]),
      ...g.pipelines.flatMap((p) =>
        [...p.processors].reverse().map((s): [string, Component] => [`processors.${s.id} (pipeline ${p.id})`, s.component]),
      ),
      ...[...g.receivers].map(([id, r]): [string, Component] => [`receivers.${id}`, r]),
    ];
    try {
      const selfMetrics = this.config.service.telemetry.metrics;
      const address = selfMetrics.address;
      if (address !== '') {
        const tapped = { hub: this.tap, components: [...g.receivers.keys(), ...new Set(g.pipelines.flatMap((p) => p.processors.map((s) => s.id)))] };
        this.selfMetrics = new SelfMetricsServer(selfMetrics, this.telemetry, log.child({ component: 'service.telemetry.metrics' }), this.clock, undefined, tapped);
        const bound = await this.selfMetrics.start();
        log.info({ address: `${bound.address}:${bound.port}` }, 'self-telemetry listening on /metrics');
      }
      for (const [name, component] of order) {
        try {
          await component.start(this);
        } catch (err) {
          throw new Error(`${name}: failed to start: ${errorMessage(err)}`);
        }
        this.started.push(component);
      }
    } catch (err) {
      this.state = 'stopping';
      await this.stopStarted();
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    log.info({ pipelines: this.config.pipelines.map((p) => p.id) }, 'everything is ready; begin running and processing data');
  }

  /**
   * Receivers first (stop accepting), then each pipeline's processors in order (kong_metrics emits its
   * last interval into the still-running processors after it), then exporters (drain), extensions last.
   */
  async shutdown(timeoutMs = this.config.service.shutdown_timeout): Promise<boolean> {
    if (this.state === 'stopped' || this.state === 'stopping') return true;
    this.state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = this.stopStarted().then(() => true);
    const finished = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    this.state = 'stopped';
    if (!finished) this.options.logger.error({ timeout_ms: timeoutMs }, 'shutdown did not finish within service.shutdown_timeout');
    return finished;
  }

  private async stopStarted(): Promise<void> {
    const started = new Set(this.started);
    const stop = async (name: string, c: Component) => {
      if (!started.has(c)) return;
      try {
        await c.shutdown();
      } catch (err) {
        this.options.logger.error({ component: name, err: errorMessage(err) }, 'component failed to shut down cleanly');
      }
    };
    const g = this.graph;
    await Promise.all([...g.receivers].map(([id, r]) => stop(`receivers.${id}`, r)));
    await Promise.all(
      g.pipelines.map(async (p) => {
        for (const s of p.processors) await stop(`processors.${s.id}`, s.component);
      }),
    );
    await Promise.all([...g.exporters].map(([id, e]) => stop(`exporters.${id}`, e)));
    for (const e of [...g.extensions].reverse()) await stop(`extensions.${e.id}`, e.component);
    await this.selfMetrics?.shutdown();
    this.started.length = 0;
  }
}
