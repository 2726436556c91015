import { type ComponentContext, type CounterHandle, type Labels, SelfMetric } from '../../core/index.js';

export const OVERFLOW_POINTS_METRIC = 'kongtel_processor_kong_metrics_overflow_points_total';

export function processorLabels(ctx: ComponentContext): Labels {
  return ctx.pipelineId === undefined ? { processor: ctx.id } : { processor: ctx.id, pipeline: ctx.pipelineId };
}

/** The processor's self-metrics, with handles made once so the hot path only adds. */
export class KongMetricsTelemetry {
  /** Log entries aggregated, plus the data points of metric batches passed through. */
  readonly itemsIn: CounterHandle;
  /** Data points emitted or passed through. */
  readonly pointsOut: CounterHandle;
  readonly droppedAtShutdown: CounterHandle;
  /** Scraped points with no Kong twin, dropped by `drop_unmapped`. */
  readonly droppedUnmapped: CounterHandle;
  private readonly overflow = new Map<string, CounterHandle>();

  constructor(private readonly ctx: ComponentContext) {
    const t = ctx.telemetry;
    const labels = processorLabels(ctx);
    this.itemsIn = t.counter(
      SelfMetric.processorIncomingItems,
      'Items (log entries, data points) received by the processor.',
      labels,
    );
    this.pointsOut = t.counter(SelfMetric.processorOutgoingItems, 'Data points sent on by the processor.', labels);
    this.droppedAtShutdown = t.counter(
      SelfMetric.processorDroppedMetricPoints,
      'Data points the processor dropped, by reason.',
      { ...labels, reason: 'shutdown_emission_failed' },
    );
    this.droppedUnmapped = t.counter(SelfMetric.processorDroppedMetricPoints, 'Data points the processor dropped, by reason.', {
      ...labels,
      reason: 'unmapped',
    });
  }

  /** The series held across all metrics, and `max_series`, as gauges (like a queue's size and capacity). */
  seriesBudget(used: () => number, cap: number): void {
    const labels = processorLabels(this.ctx);
    const t = this.ctx.telemetry;
    t.observableGauge(SelfMetric.processorKongMetricsSeries, 'Series the processor holds across all its metrics (overflow series not counted).', labels, used);
    t.gauge(SelfMetric.processorKongMetricsSeriesLimit, 'The most series the processor holds across all its metrics (max_series).', labels).set(cap);
  }

  /** Counts one point recorded into a metric's overflow series; true the first time for that metric. */
  overflowPoint(metric: string): boolean {
    let counter = this.overflow.get(metric);
    const first = counter === undefined;
    if (counter === undefined) {
      counter = this.ctx.telemetry.counter(
        OVERFLOW_POINTS_METRIC,
        'Points recorded into the otel.metric.overflow series of a metric past max_series_per_metric or max_series, by metric.',
        { ...processorLabels(this.ctx), metric },
      );
      this.overflow.set(metric, counter);
    }
    counter.add(1);
    return first;
  }
}
