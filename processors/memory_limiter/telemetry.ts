import { type ComponentContext, type CounterHandle, type Labels, SelfMetric, type Signal } from '../../core/index.js';

export const REFUSED_LOG_RECORDS = 'kongtel_processor_refused_log_records_total';
export const RSS_BYTES = 'kongtel_processor_memory_limiter_rss_bytes';
export const LIMIT_BYTES = 'kongtel_processor_memory_limiter_limit_bytes';
export const STATE = 'kongtel_processor_memory_limiter_state';
export const FORCED_GC = 'kongtel_processor_memory_limiter_forced_gc_total';

export function processorLabels(ctx: ComponentContext): Labels {
  return ctx.pipelineId === undefined ? { processor: ctx.id } : { processor: ctx.id, pipeline: ctx.pipelineId };
}

/** What the gauges read: the limiter's last measurement and thresholds. */
export interface LimiterReadings {
  readonly rssBytes: number;
  readonly hardBytes: number;
  readonly softBytes: number;
  /** 0 ok, 1 above the soft limit, 2 above the hard limit. */
  readonly state: number;
}

/** The processor's self-metrics, with handles made once so the hot path only adds. */
export class MemoryLimiterTelemetry {
  readonly incoming: CounterHandle;
  readonly outgoing: CounterHandle;
  readonly refused: Record<Signal, CounterHandle>;
  readonly forcedGc: CounterHandle;

  constructor(ctx: ComponentContext, readings: LimiterReadings) {
    const t = ctx.telemetry;
    const labels = processorLabels(ctx);
    this.incoming = t.counter(SelfMetric.processorIncomingItems, 'Items (log entries, data points) received by the processor.', labels);
    this.outgoing = t.counter(SelfMetric.processorOutgoingItems, 'Items (log entries, data points) sent on by the processor.', labels);
    this.refused = {
      logs: t.counter(REFUSED_LOG_RECORDS, 'Log records refused with back-pressure (the sender keeps them and retries).', labels),
      metrics: t.counter(SelfMetric.processorRefusedMetricPoints, 'Data points refused with back-pressure (the sender keeps them and retries).', labels),
    };
    this.forcedGc = t.counter(FORCED_GC, 'Garbage collections forced because resident memory was above the hard limit.', labels);
    t.observableGauge(RSS_BYTES, 'Resident set size of the process at the last check.', labels, () => readings.rssBytes);
    t.observableGauge(LIMIT_BYTES, 'Memory limits, in bytes of resident memory.', { ...labels, limit: 'hard' }, () => readings.hardBytes);
    t.observableGauge(LIMIT_BYTES, 'Memory limits, in bytes of resident memory.', { ...labels, limit: 'soft' }, () => readings.softBytes);
    t.observableGauge(STATE, 'Memory state at the last check: 0 ok, 1 above the soft limit (refusing), 2 above the hard limit.', labels, () => readings.state);
  }
}
