import type { Baseline } from './stream_table.js';
import { flagsOf, type PointKind } from './point_kind.js';

export interface SumBaseline extends Baseline {
  readonly value: number;
}

/** Monotonic cumulative sums. A decrease is a counter reset, as Prometheus' rate() reads it. */
export const sumKind: PointKind<number, SumBaseline> = {
  passThrough: (point) => Number.isNaN(point.value),

  baseline: (point, _previous, timeMs) => ({
    startTime: point.startTime,
    endTime: point.endTime,
    timeMs,
    value: point.value,
  }),

  whole: (point, startTime) => ({
    startTime,
    endTime: point.endTime,
    attributes: point.attributes,
    value: point.value,
  }),

  subtract: (previous, point) =>
    point.value < previous.value
      ? 'decrease'
      : {
          startTime: previous.endTime,
          endTime: point.endTime,
          attributes: point.attributes,
          value: point.value - previous.value,
        },

  empty: (point, startTime) => ({
    startTime,
    endTime: point.endTime,
    attributes: point.attributes,
    value: 0,
    flags: flagsOf(point),
  }),
};
