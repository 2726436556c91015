import { type ComponentContext, type CounterHandle, type Labels, SelfMetric } from '../../core/index.js';

export const BATCH_SENDS = 'kongtel_processor_batch_sends_total';
export const BUFFERED_POINTS = 'kongtel_processor_batch_buffered_points';
export const REFUSED_POINTS = 'kongtel_processor_refused_metric_points_total';

export type SendTrigger = 'size' | 'timeout' | 'shutdown';
/** Label `reason` of the dropped counter (docs/troubleshooting.md explains each). */
export const DROP_REASONS = ['downstream_refused', 'downstream_failed'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export function processorLabels(ctx: ComponentContext): Labels {
  return ctx.pipelineId === undefined ? { processor: ctx.id } : { processor: ctx.id, pipeline: ctx.pipelineId };
}

/** The processor's self-metrics, with handles made once. */
export class BatchTelemetry {
  readonly pointsIn: CounterHandle;
  readonly pointsOut: CounterHandle;
  readonly refused: CounterHandle;
  readonly dropped: Record<DropReason, CounterHandle>;
  readonly sends: Record<SendTrigger, CounterHandle>;

  constructor(ctx: ComponentContext, buffered: () => number) {
    const t = ctx.telemetry;
    const labels = processorLabels(ctx);
    this.pointsIn = t.counter(SelfMetric.processorIncomingItems, 'Data points received by the processor.', labels);
    this.pointsOut = t.counter(SelfMetric.processorOutgoingItems, 'Data points sent on by the processor.', labels);
    this.refused = t.counter(REFUSED_POINTS, 'Data points refused with back-pressure (the sender keeps them and retries).', labels);
    const dropped = (reason: DropReason) =>
      t.counter(SelfMetric.processorDroppedMetricPoints, 'Data points the processor dropped, by reason.', { ...labels, reason });
    this.dropped = { downstream_refused: dropped('downstream_refused'), downstream_failed: dropped('downstream_failed') };
    const sends = (trigger: SendTrigger) =>
      t.counter(BATCH_SENDS, 'Batches sent on, by what triggered the send.', { ...labels, trigger });
    this.sends = { size: sends('size'), timeout: sends('timeout'), shutdown: sends('shutdown') };
    t.observableGauge(BUFFERED_POINTS, 'Data points waiting in the batch processor.', labels, buffered);
  }
}
