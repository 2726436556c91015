import { type ComponentContext, type CounterHandle, type Labels, SelfMetric } from '../../core/index.js';
import type { ResetReason } from './point_kind.js';
import type { EvictionReason } from './stream_table.js';

export const STREAMS_TRACKED = 'kongtel_processor_cumulativetodelta_streams_tracked';
/** max_streams, as the Collector's deltatocumulative reports its `streams.limit`. */
export const STREAMS_LIMIT = 'kongtel_processor_cumulativetodelta_streams_limit';
export const STREAMS_EVICTED = 'kongtel_processor_cumulativetodelta_streams_evicted_total';
export const RESETS = 'kongtel_processor_cumulativetodelta_resets_total';

/** Why a point left no output. */
export type DropReason = 'initial' | 'out_of_order';

export function processorLabels(ctx: ComponentContext): Labels {
  return ctx.pipelineId === undefined ? { processor: ctx.id } : { processor: ctx.id, pipeline: ctx.pipelineId };
}

/** The processor's self-metrics, with handles made once so the hot path only adds. */
export class CumulativeToDeltaTelemetry {
  readonly pointsIn: CounterHandle;
  readonly pointsOut: CounterHandle;
  readonly dropped: Record<DropReason, CounterHandle>;
  readonly resets: Record<ResetReason, CounterHandle>;
  readonly evicted: Record<EvictionReason, CounterHandle>;

  constructor(ctx: ComponentContext, streamsTracked: () => number, maxStreams: number) {
    const t = ctx.telemetry;
    const labels = processorLabels(ctx);
    this.pointsIn = t.counter(SelfMetric.processorIncomingItems, 'Data points received by the processor.', labels);
    this.pointsOut = t.counter(SelfMetric.processorOutgoingItems, 'Data points sent on by the processor.', labels);
    const dropped = (reason: DropReason) =>
      t.counter(SelfMetric.processorDroppedMetricPoints, 'Data points the processor dropped, by reason.', { ...labels, reason });
    this.dropped = { initial: dropped('initial'), out_of_order: dropped('out_of_order') };
    const reset = (reason: ResetReason) =>
      t.counter(RESETS, 'Points taken as a counter reset (their own value became the delta), by reason.', { ...labels, reason });
    this.resets = { decrease: reset('decrease'), start_time: reset('start_time'), bucket_layout: reset('bucket_layout') };
    const evicted = (reason: EvictionReason) =>
      t.counter(STREAMS_EVICTED, 'Streams forgotten because max_streams was reached or they went stale.', { ...labels, reason });
    this.evicted = { max_streams: evicted('max_streams'), stale: evicted('stale') };
    t.observableGauge(STREAMS_TRACKED, 'Streams whose last cumulative value the processor holds.', labels, streamsTracked);
    t.observableGauge(STREAMS_LIMIT, 'The max_streams the processor holds at most.', labels, () => maxStreams);
  }
}
