import { PermanentError, isBackPressure } from './errors.js';

/**
 * Every `reason` label value the receivers and listeners report, in one place. A decode failure or a
 * rejection carries its reason as a field (`Rejection.reason`); the counters take the label from that
 * field and never from the message, so a message can be reworded without touching a dashboard. The
 * values are part of the interface: each receiver's README lists the ones it reports
 * (test/receivers/reasons.test.ts keeps the two equal).
 */

/** A refusal with its label value; `message` is for the sender or the log and may be reworded freely. */
export interface Rejection<R extends string> {
  readonly reason: R;
  readonly message: string;
}

/**
 * Why the pipeline did not take what a receiver handed it: label `reason` of
 * kongtel_receiver_refused_log_records_total and kongtel_receiver_refused_metric_points_total.
 */
export const REFUSED_REASONS = ['back_pressure', 'permanent', 'error'] as const;
export type RefusedReason = (typeof REFUSED_REASONS)[number];

/** The refusal reason of an error `consume()` rejected with: retry later, never, or not known. */
export function refusedReasonOf(err: unknown): RefusedReason {
  if (isBackPressure(err)) return 'back_pressure';
  return err instanceof PermanentError ? 'permanent' : 'error';
}

/**
 * Why a received item is not a Kong log entry: label `reason` of
 * kongtel_receiver_rejected_log_records_total. `too_long`: a line over max_line_size; `truncated`: a
 * line cut off by a closed connection or a rotated file.
 */
export const REJECTED_REASONS = ['malformed_json', 'not_an_object', 'not_a_kong_entry', 'too_long', 'truncated'] as const;
export type RejectedReason = (typeof REJECTED_REASONS)[number];

/** The reasons the shared Kong entry decoder gives (core/kong/decode.ts); framing adds the others. */
export type EntryRejectedReason = Extract<RejectedReason, 'malformed_json' | 'not_an_object' | 'not_a_kong_entry'>;
/** Why a value that parsed as JSON is not a Kong log entry. */
export type ValueRejectedReason = Exclude<EntryRejectedReason, 'malformed_json'>;

/**
 * Why the OTLP receiver dropped data points while converting them (counted with the refused points,
 * kongtel_receiver_refused_metric_points_total): a summary (no SDK type for it) or a point that breaks
 * OTLP's rules.
 */
export const REJECTED_POINT_REASONS = ['summary', 'invalid'] as const;
export type RejectedPointReason = (typeof REJECTED_POINT_REASONS)[number];

/** Why a scrape gave no data: label `reason` of kongtel_receiver_scrape_failures_total. */
export const SCRAPE_FAILURE_REASONS = ['connection', 'timeout', 'http_status', 'decode', 'parse', 'body_size'] as const;
export type ScrapeFailureReason = (typeof SCRAPE_FAILURE_REASONS)[number];

/**
 * Why a listener closed a connection (label `reason` of kongtel_listener_closed_connections_total):
 * `request_timeout`: no whole request headers within read_header_timeout (a connection that sends nothing
 * included) or no whole request within read_timeout, answered 408; `tls_handshake_timeout`: no TLS
 * handshake within read_header_timeout (idle_timeout for tcp-log); `linger_time`, `linger_bytes`: a
 * client still sending after an early answer, cut (core/net/lingering_close.ts).
 */
export const CLOSED_REASONS = ['request_timeout', 'tls_handshake_timeout', 'linger_time', 'linger_bytes'] as const;
export type ClosedReason = (typeof CLOSED_REASONS)[number];

/** Why a listener closed a connection as soon as it accepted it (kongtel_listener_refused_connections_total). */
export const LISTENER_REFUSED_REASONS = ['max_connections'] as const;
export type ListenerRefusedReason = (typeof LISTENER_REFUSED_REASONS)[number];
