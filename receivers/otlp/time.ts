import type { HrTime } from '@opentelemetry/api';
import type { Int64Text } from './wire.js';

const NANOS_DIGITS = 9;

/**
 * Unix nanoseconds (decimal text of a fixed64) → HrTime `[seconds, nanoseconds]`. Split as text: today's
 * timestamps are about 1.7e18 ns, far past 2^53, so a JS number would lose the last digits. Absent = 0,
 * which OTLP uses for "unknown" (e.g. a gauge's start time).
 */
export function nanosToHrTime(nanos: Int64Text | undefined): HrTime {
  if (nanos === undefined || nanos === '') return [0, 0];
  if (nanos.length <= NANOS_DIGITS) return [0, Number(nanos)];
  return [Number(nanos.slice(0, -NANOS_DIGITS)), Number(nanos.slice(-NANOS_DIGITS))];
}
