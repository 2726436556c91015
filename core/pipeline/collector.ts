import { randomUUID } from 'node:crypto';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type {
  CollectorStatus,
  Component,
  ComponentContext,
  ComponentKind,
  Consumer,
  Exporter,
  Extension,
  Host,
  Processor,
  Receiver,
} from '../component.js';
import { isLogPositionRecorder } from '../component.js';
import { logPositionSource } from '../data.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { CollectorConfig } from '../config/load.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { SelfTelemetry } from '../telemetry.js';
import { fanout } from './fanout.js';
import { SelfMetricsServer } from './self_metrics_server.js';

export interface CollectorOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly telemetry?: SelfTelemetry;
  readonly version?: string;
}

interface Started<T extends Component> {
  readonly id: string;
  readonly component: T;
}

/**
 * The pipeline graph, built from `service.pipelines` as the Collector builds it: one instance per
 * receiver id (fanning out to every pipeline that names it), one instance per exporter id (shared by
 * pipelines), and processors per pipeline. Starts downstream first, so no data arrives before its
 * consumers are ready; shuts down upstream first, so kong_metrics' final emission reaches live exporters.
 */
export class Collector implements Host {
  readonly telemetry: SelfTelemetry;
  readonly resource: Resource;
  private state: CollectorStatus = 'starting';
  private readonly clock: Clock;
  private readonly extensions: Started<Extension>[] = [];
  private readonly exporters = new Map<string, Exporter>();
  private readonly pipelineProcessors: { pipeline: string; processors: Started<Processor>[] }[] = [];
  private readonly receivers = new Map<string, Receiver>();
  private selfMetrics: SelfMetricsServer | undefined;
  private readonly started: Component[] = [];
  /** Durable mode: each processor instance's log source → the exporters its emissions reach. */
  private readonly sourceExporters = new Map<string, readonly Exporter[]>();

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
    this.build();
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
    return this.receivers.get(id);
  }

  exporter(id: string): Exporter | undefined {
    return this.exporters.get(id);
  }

  extension(id: string): Extension | undefined {
    return this.extensions.find((e) => e.id === id)?.component;
  }

  /**
   * The lowest position over the exporters fed by the source's processor that record positions: what
   * every one of them holds. Undefined when one has nothing for the source (e.g. it is new).
   */
  coveredPosition(source: string): number | undefined {
    let lowest: number | undefined;
    for (const e of this.sourceExporters.get(source) ?? []) {
      if (!isLogPositionRecorder(e)) continue;
      const p = e.coveredPositions().get(source);
      if (p === undefined) return undefined;
      lowest = lowest === undefined ? p : Math.min(lowest, p);
    }
    return lowest;
  }

  private context(id: string, kind: ComponentKind, pipelineId?: string): ComponentContext {
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
    };
  }

  private build(): void {
    const { components, service, pipelines } = this.config;
    for (const id of service.extensions) {
      const c = components.extensions.get(id);
      if (c?.factory.kind === 'extension') this.extensions.push({ id, component: c.factory.create(c.config, this.context(id, 'extension')) });
    }
    const entries = new Map<string, Consumer[]>();
    for (const p of pipelines) {
      const exporters = p.exporters.map((id) => {
        let e = this.exporters.get(id);
        if (!e) {
          const c = components.exporters.get(id);
          if (c?.factory.kind !== 'exporter') throw new Error(`exporter ${id} has no factory`);
          e = c.factory.create(c.config, this.context(id, 'exporter'));
          this.exporters.set(id, e);
        }
        return e;
      });
      let next: Consumer = fanout(exporters);
      for (const id of p.processors) this.sourceExporters.set(logPositionSource(id, p.id), exporters);
      const processors: Started<Processor>[] = [];
      for (let i = p.processors.length - 1; i >= 0; i--) {
        const id = p.processors[i];
        const c = components.processors.get(id);
        if (c?.factory.kind !== 'processor') throw new Error(`processor ${id} has no factory`);
        const processor = c.factory.create(c.config, this.context(id, 'processor', p.id), next);
        processors.unshift({ id, component: processor });
        next = processor;
      }
      this.pipelineProcessors.push({ pipeline: p.id, processors });
      for (const id of p.receivers) {
        const list = entries.get(id) ?? [];
        list.push(next);
        entries.set(id, list);
      }
    }
    for (const [id, consumers] of entries) {
      const c = components.receivers.get(id);
      if (c?.factory.kind !== 'receiver') throw new Error(`receiver ${id} has no factory`);
      this.receivers.set(id, c.factory.create(c.config, this.context(id, 'receiver'), fanout(consumers)));
    }
  }

  /** Starts everything; on any failure, shuts down what had started and rethrows with the component id. */
  async start(): Promise<void> {
    const log = this.options.logger;
    const order: [string, Component][] = [
      ...this.extensions.map((e): [string, Component] => [`extensions.${e.id}`, e.component]),
      ...[...this.exporters].map(([id, e]): [string, Component] => [`exporters.${id}`, e]),
      ...this.pipelineProcessors.flatMap((p) =>
        [...p.processors].reverse().map((s): [string, Component] => [`processors.${s.id} (pipeline ${p.pipeline})`, s.component]),
      ),
      ...[...this.receivers].map(([id, r]): [string, Component] => [`receivers.${id}`, r]),
    ];
    try {
      const selfMetrics = this.config.service.telemetry.metrics;
      const address = selfMetrics.address;
      if (address !== '') {
        this.selfMetrics = new SelfMetricsServer(selfMetrics, this.telemetry, log.child({ component: 'service.telemetry.metrics' }), this.clock);
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
    await Promise.all([...this.receivers].map(([id, r]) => stop(`receivers.${id}`, r)));
    await Promise.all(
      this.pipelineProcessors.map(async (p) => {
        for (const s of p.processors) await stop(`processors.${s.id}`, s.component);
      }),
    );
    await Promise.all([...this.exporters].map(([id, e]) => stop(`exporters.${id}`, e)));
    for (const e of [...this.extensions].reverse()) await stop(`extensions.${e.id}`, e.component);
    await this.selfMetrics?.shutdown();
    this.started.length = 0;
  }
}
