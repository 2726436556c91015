import type { ComponentContext, CounterHandle } from '../../../core/index.js';
import { processorLabels } from '../telemetry.js';

export const WAL_BYTES_METRIC = 'kongtel_processor_kong_metrics_wal_bytes';
export const WAL_SYNCS_METRIC = 'kongtel_processor_kong_metrics_wal_syncs_total';
export const WAL_REPLAYED_METRIC = 'kongtel_processor_kong_metrics_wal_replayed_entries_total';

/** Durable mode's self-metrics: how big the write-ahead log is, how often it syncs, what a start replayed. */
export class DurableTelemetry {
  readonly syncs: CounterHandle;
  readonly replayedEntries: CounterHandle;

  constructor(ctx: ComponentContext, bytes: () => number) {
    const labels = processorLabels(ctx);
    const t = ctx.telemetry;
    t.observableGauge(WAL_BYTES_METRIC, 'Bytes in the write-ahead log segments of durable mode.', labels, bytes);
    this.syncs = t.counter(WAL_SYNCS_METRIC, 'fdatasync calls of the write-ahead log (one per group of concurrent batches).', labels);
    this.replayedEntries = t.counter(WAL_REPLAYED_METRIC, 'Log entries replayed from the write-ahead log at start-up.', labels);
  }
}
