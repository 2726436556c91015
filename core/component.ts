import type { z } from 'zod';
import type { Resource } from '@opentelemetry/resources';
import type { Batch, Signal } from './data.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { SelfTelemetry } from './telemetry.js';
import type { StorageLookup } from './storage.js';

/**
 * Where data goes next. The promise settles when the batch is accepted downstream; a rejection carries
 * back-pressure (`BackPressureError`) or bad data (`PermanentError`) to the receiver, which maps it to
 * its protocol's answer.
 */
export interface Consumer {
  consume(batch: Batch): Promise<void>;
}

export type CollectorStatus = 'starting' | 'running' | 'stopping' | 'stopped';

/** What a component may ask of the running collector. */
export interface Host {
  status(): CollectorStatus;
  /**
   * Durable mode (docs/durability.md): how far the write-ahead log `source` is covered by data the
   * exporters of its pipeline hold durably or delivered — the lowest position over those exporters;
   * undefined when any of them has recorded nothing for it (then the whole retained log is replayed).
   */
  coveredPosition?(source: string): number | undefined;
}

/**
 * An exporter that stores `MetricBatch.covers` with the data, atomically, and reports per source the
 * highest position among what it holds durably, delivered, or dropped for good.
 */
export interface LogPositionRecorder {
  coveredPositions(): ReadonlyMap<string, number>;
}

export function isLogPositionRecorder(c: object): c is LogPositionRecorder {
  return typeof (c as Partial<LogPositionRecorder>).coveredPositions === 'function';
}

export interface Component {
  start(host: Host): Promise<void>;
  /** Stop accepting, flush what is held, release ports and timers. Called once, in pipeline order. */
  shutdown(): Promise<void>;
}

export type Receiver = Component;
export interface Processor extends Component, Consumer {}
export interface Exporter extends Component, Consumer {}
export type Extension = Component;

export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension';

export interface ComponentContext {
  /** The component id as written in the config: `type` or `type/name`. */
  readonly id: string;
  readonly kind: ComponentKind;
  /** The pipeline a processor instance belongs to (each pipeline has its own processors). */
  readonly pipelineId?: string;
  readonly logger: Logger;
  readonly telemetry: SelfTelemetry;
  readonly clock: Clock;
  /** The collector's own resource (service.name, service.instance.id), stamped on produced metrics. */
  readonly resource: Resource;
  /** The directory of the storage extension a `storage` key names (core/storage.ts). */
  readonly storage: StorageLookup;
}

/**
 * `configSchema` is a zod schema with defaults: parsing `{}` yields the default config, unknown keys are
 * errors (use `z.strictObject`), and its messages become the user's config errors, prefixed by key path.
 */
interface FactoryBase<C> {
  readonly type: string;
  readonly configSchema: z.ZodType<C>;
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'receiver';
  /** What the receiver emits: Kong log entries (`logs`) or metrics. */
  readonly signal: Signal;
  create(config: C, ctx: ComponentContext, next: Consumer): Receiver;
}

export interface ProcessorFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'processor';
  /** The signals it takes; the graph validator refuses a pipeline that would feed it anything else. */
  readonly accepts: readonly Signal[];
  /** What it emits for a given input (kong_metrics turns logs into metrics; the rest pass the signal on). */
  produces(input: Signal): Signal;
  /**
   * The config key that turned durable mode on (e.g. `storage`), or undefined when it is off. The config
   * loader then requires every exporter of the processor's pipelines to record log positions.
   */
  logPositionsKey?(config: C): string | undefined;
  /**
   * True when the processor puts `MetricBatch.covers` on what it emits for what it took (and reports
   * downstream refusals back), so it may follow a durable processor. Absent: it may not.
   */
  readonly passesLogPositions?: boolean;
  create(config: C, ctx: ComponentContext, next: Consumer): Processor;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'exporter';
  readonly accepts: readonly Signal[];
  /**
   * Whether this config makes the exporter a `LogPositionRecorder`: true, or what to change so it is one
   * (e.g. "set sending_queue.storage"). Absent: it never can.
   */
  recordsLogPositions?(config: C): true | string;
  create(config: C, ctx: ComponentContext): Exporter;
}

export interface ExtensionFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'extension';
  create(config: C, ctx: ComponentContext): Extension;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ExtensionFactory;
