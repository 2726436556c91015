import type { z } from 'zod';
import type { Resource } from '@opentelemetry/resources';
import type { Batch, Signal } from './data.js';
import type { Clock } from './clock.js';
import type { DurableCapability } from './durable/capability.js';
import type { Logger } from './logger.js';
import type { SelfTelemetry } from './telemetry.js';
import type { StorageLookup } from './storage.js';

/**
 * Where data goes next. The promise settles when the batch is accepted downstream; a rejection carries
 * back-pressure (`BackPressureError`) or bad data (`PermanentError`) to the receiver, which maps it to
 * its protocol's answer.
 *
 * One rule for batches: a batch, and everything reachable from it, is read-only — to every consumer that
 * receives it, and to the component that emitted it once it has. Several consumers may hold one batch,
 * and components keep references into what they took and emitted (cumulativetodelta's baselines, the
 * batch processor's buffer). A consumer that must change what it is given implements `MutatesData`; the
 * pipeline then hands it a copy of its own (`fanout`), as the Collector does for a consumer whose
 * `Capabilities()` say `MutatesData`.
 */
export interface Consumer {
  consume(batch: Batch): Promise<void>;
}

/** What a consumer whose `consume` changes the batch it is given (or anything in it) implements too. */
export interface MutatesData {
  readonly mutatesData: true;
}

export type CollectorStatus = 'starting' | 'running' | 'stopping' | 'stopped';

/** What a component may ask of the running collector. */
export interface Host {
  status(): CollectorStatus;
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
  /** Durable mode's optional capability (core/durable, docs/durability.md): processors and exporters. */
  readonly durable?: DurableCapability<C>;
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
  create(config: C, ctx: ComponentContext, next: Consumer): Processor;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'exporter';
  readonly accepts: readonly Signal[];
  create(config: C, ctx: ComponentContext): Exporter;
}

export interface ExtensionFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'extension';
  create(config: C, ctx: ComponentContext): Extension;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ExtensionFactory;
