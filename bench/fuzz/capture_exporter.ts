import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { z } from 'zod';
import {
  PermanentError,
  countDataPoints,
  errorMessage,
  type Batch,
  type ComponentContext,
  type Exporter,
  type ExporterFactory,
} from '../../core/index.js';

/** The instrument whose total must equal the number of counted entries sent. */
export const REQUEST_COUNT = 'http.server.request.count';

/** Longest attribute value kept as a key of `byRoute`, so a 10 MB route name costs little. */
const ROUTE_KEY_LENGTH = 64;

/**
 * A test exporter that keeps totals, not batches: data points, the sum of `http.server.request.count`
 * (delta, so every emission adds), that sum by route name, and every batch the SDK's OTLP serializers
 * (protobuf and JSON, what the otlphttp exporter sends) failed on. It never refuses, so whatever the
 * pipeline lost was lost before it.
 */
export class CaptureExporter implements Exporter {
  batches = 0;
  points = 0;
  requestCount = 0;
  readonly byRoute = new Map<string, number>();
  readonly encodeFailures: string[] = [];
  /** Values of request-count points that are not positive whole numbers (each entry adds 1). */
  readonly oddCounts: number[] = [];
  /** Sums and histogram sums that are not finite numbers (`name=value`); OTLP may carry NaN, Kong metrics never. */
  readonly nonFinite: string[] = [];
  /** The longest string attribute value of any point. */
  longestAttribute = 0;

  constructor(readonly id: string) {}

  async start(): Promise<void> {}

  async shutdown(): Promise<void> {}

  async consume(batch: Batch): Promise<void> {
    if (batch.signal !== 'metrics') throw new PermanentError(`exporters.${this.id}: takes metrics only`);
    this.batches++;
    this.points += countDataPoints(batch);
    for (const rm of batch.resourceMetrics) {
      try {
        ProtobufMetricsSerializer.serializeRequest(rm);
        JsonMetricsSerializer.serializeRequest(rm);
      } catch (err) {
        if (this.encodeFailures.length < 20) this.encodeFailures.push(errorMessage(err));
      }
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          this.inspect(m);
          if (m.descriptor.name !== REQUEST_COUNT) continue;
          for (const p of m.dataPoints) {
            const v = p.value;
            if (typeof v !== 'number') continue;
            if (!Number.isInteger(v) || v <= 0) this.oddCounts.push(v);
            this.requestCount += v;
            const route = p.attributes['kong.route.name'];
            const key = typeof route === 'string' ? route.slice(0, ROUTE_KEY_LENGTH) : String(route);
            this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + v);
          }
        }
      }
    }
  }

  private inspect(m: MetricData): void {
    for (const p of m.dataPoints as DataPoint<unknown>[]) {
      for (const v of Object.values(p.attributes)) if (typeof v === 'string') this.longestAttribute = Math.max(this.longestAttribute, v.length);
      const value = p.value;
      const n = typeof value === 'number' ? value : (value as Histogram).sum;
      if (n !== undefined && !Number.isFinite(n) && this.nonFinite.length < 20) this.nonFinite.push(`${m.descriptor.name}=${n}`);
    }
  }
}

export type CaptureConfig = Record<string, never>;

export const captureExporterFactory: ExporterFactory<CaptureConfig> = {
  kind: 'exporter',
  type: 'capture',
  accepts: ['metrics'],
  configSchema: z.strictObject({}),
  create: (_config: CaptureConfig, ctx: ComponentContext) => new CaptureExporter(ctx.id),
};
