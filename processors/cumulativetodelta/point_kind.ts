import type { HrTime } from '@opentelemetry/api';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import type { DataPointFlags } from '../../core/index.js';
import type { Baseline } from './stream_table.js';

/** Why a point was taken as a reset (its own value becomes the delta). */
export type ResetReason = 'decrease' | 'start_time' | 'bucket_layout';

/** A delta point as the processor emits it; `flags` survives for points that carry no recorded value. */
export type OutPoint<V> = DataPoint<V> & DataPointFlags;

/**
 * What differs between sums, histograms and exponential histograms. The stream bookkeeping (first point,
 * resets, ordering, undo) is shared and lives in the processor; a kind only knows its values.
 */
export interface PointKind<V, B extends Baseline> {
  /** A point the processor forwards untouched without updating state (a NaN sum, as upstream does). */
  passThrough(point: DataPoint<V>): boolean;
  /** The state a point leaves behind; `previous` lets a NaN sum keep the last good sum. */
  baseline(point: DataPoint<V>, previous: B | undefined, timeMs: number): B;
  /** The point's cumulative value taken whole as a delta: a stream's first point, or a reset. */
  whole(point: DataPoint<V>, startTime: HrTime): OutPoint<V>;
  /** current − previous, or why that cannot be computed (the point is then taken whole). */
  subtract(previous: B, point: DataPoint<V>): OutPoint<V> | ResetReason;
  /** A point flagged "no recorded value": kept with its flag and an empty value. */
  empty(point: DataPoint<V>, startTime: HrTime): OutPoint<V>;
}

export function flagsOf(point: object): number {
  const flags = (point as DataPointFlags).flags;
  return typeof flags === 'number' ? flags : 0;
}
