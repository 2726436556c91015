import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  type Clock,
  type ComponentContext,
  type MetricBatch,
  metricBatch,
  msToHrTime,
  SelfTelemetry,
  systemClock,
  type Timer,
} from '../../../core/index.js';
import { otlpHttpConfigSchema, type OtlpHttpConfig } from '../../../exporters/otlphttp/config.js';
import { OtlpHttpExporter } from '../../../exporters/otlphttp/exporter.js';
import { testContext } from '../../support/context.js';
import { capturingLogger, type LogLine } from '../../support/logs.js';

/** A pull reader with delta temporality: `collect()` hands back what was recorded since the last call. */
export class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/**
 * Kong-like metrics recorded through the real SDK with delta temporality:
 * - kong.http.requests {request}, int counter: r1/200 += 3 then 2, r2/500 += 5
 * - kong.latency.total ms, histogram with bounds [10, 50, 100]: r1 records 5, 20, 70, 500
 * - kong.bandwidth By, double counter: r1 += 1.5
 */
export async function sdkDeltaMetrics(): Promise<ResourceMetrics> {
  const reader = new DeltaReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'kongtel', 'service.instance.id': 'pod-1' }),
    readers: [reader],
  });
  const meter = provider.getMeter('kongtel.kong_metrics', '0.1.0');
  const requests = meter.createCounter('kong.http.requests', { unit: '{request}', description: 'Requests proxied', valueType: ValueType.INT });
  requests.add(3, { route: 'r1', 'http.response.status_code': 200 });
  requests.add(2, { route: 'r1', 'http.response.status_code': 200 });
  requests.add(5, { route: 'r2', 'http.response.status_code': 500 });
  const latency = meter.createHistogram('kong.latency.total', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 50, 100] } });
  for (const v of [5, 20, 70, 500]) latency.record(v, { route: 'r1' });
  const bandwidth = meter.createCounter('kong.bandwidth', { unit: 'By' });
  bandwidth.add(1.5, { route: 'r1', direction: 'egress' });
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error(`collect failed: ${String(errors[0])}`);
  await provider.shutdown();
  return resourceMetrics;
}

const T0 = 1_700_000_000_000;

export interface SumSpec {
  readonly name: string;
  readonly values: readonly number[];
  readonly temporality?: AggregationTemporality;
  readonly monotonic?: boolean;
  /** Flags per point (OTLP DataPointFlags), e.g. FLAG_NO_RECORDED_VALUE. */
  readonly flags?: readonly number[];
  readonly attribute?: string;
}

/** A sum metric built by hand: point i has attribute `{ [attribute ?? 'i']: i }` and value `values[i]`. */
export function handSum(spec: SumSpec): MetricData {
  const key = spec.attribute ?? 'i';
  return {
    descriptor: { name: spec.name, description: '', unit: '1', valueType: ValueType.DOUBLE },
    dataPointType: DataPointType.SUM,
    aggregationTemporality: spec.temporality ?? AggregationTemporality.DELTA,
    isMonotonic: spec.monotonic ?? true,
    dataPoints: spec.values.map((value, i) => ({
      startTime: msToHrTime(T0),
      endTime: msToHrTime(T0 + 10_000),
      attributes: { [key]: i },
      value,
      ...(spec.flags ? { flags: spec.flags[i] } : {}),
    })),
  };
}

export function handResource(metrics: readonly MetricData[], service = 'kongtel'): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': service }),
    scopeMetrics: [{ scope: { name: 'kongtel.test' }, metrics: [...metrics] }],
  };
}

/** A batch of one delta sum `name` whose points are `values`. */
export function sumBatch(name: string, values: readonly number[]): MetricBatch {
  return metricBatch([handResource([handSum({ name, values })])]);
}

/** The system clock, recording every timer it is asked for (to check the waits the exporter chose). */
export class RecordingClock implements Clock {
  readonly timeouts: number[] = [];
  now(): number {
    return systemClock.now();
  }
  setTimeout(fn: () => void, ms: number): Timer {
    this.timeouts.push(ms);
    return systemClock.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): Timer {
    return systemClock.setInterval(fn, ms);
  }
}

/** Test-speed retry settings, no jitter unless asked. */
export const FAST_RETRY = {
  initial_interval: '50ms',
  max_interval: '100ms',
  max_elapsed_time: '10s',
  randomization_factor: 0,
};

export function parseConfig(raw: Record<string, unknown>): OtlpHttpConfig {
  return otlpHttpConfigSchema.parse({ timeout: '2s', retry_on_failure: FAST_RETRY, ...raw });
}

export interface Harness {
  readonly exporter: OtlpHttpExporter;
  readonly telemetry: SelfTelemetry;
  readonly lines: LogLine[];
  readonly ctx: ComponentContext;
}

/** `storage`: the directory of the `file_storage` extension that `sending_queue.storage: file_storage` names. */
export function harness(raw: Record<string, unknown>, opts: { clock?: Clock; id?: string; storage?: string } = {}): Harness {
  const telemetry = new SelfTelemetry();
  const { logger, logs: lines } = capturingLogger();
  const ctx: ComponentContext = { ...testContext(opts.id ?? 'otlphttp', 'exporter', { telemetry, clock: opts.clock, storage: opts.storage === undefined ? undefined : { file_storage: opts.storage } }), logger };
  return { exporter: new OtlpHttpExporter(parseConfig(raw), ctx), telemetry, lines, ctx };
}
