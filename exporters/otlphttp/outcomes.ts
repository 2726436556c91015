import { type ComponentContext, type CounterHandle, SelfMetric } from '../../core/index.js';
import type { EncodedRequest } from './encode.js';
import type { SendResult } from './sender.js';

/**
 * Label `reason` of kongtel_exporter_send_failed_metric_points_total; a permanent refusal by the
 * backend counts as `http_<status>` (`http_400`, `http_401`, ...). docs/troubleshooting.md explains each.
 */
export const SEND_FAILED_REASONS = ['encoding', 'shutdown', 'partial_success', 'retries_exhausted'] as const;
export type SendFailedReason = (typeof SEND_FAILED_REASONS)[number] | `http_${number}`;

/** Label `reason` of kongtel_exporter_enqueue_failed_metric_points_total. */
export const ENQUEUE_FAILED_REASONS = ['shutting_down', 'queue_full', 'storage'] as const;
export type EnqueueFailedReason = (typeof ENQUEUE_FAILED_REASONS)[number];

/**
 * The exporter's self-telemetry and outcome logs in one place, so every path (queued, inline, shutdown)
 * counts the same way: points sent, points failed by `reason`, points refused at the queue by `reason`.
 */
export class ExportOutcomes {
  private readonly sent: CounterHandle;
  readonly retries: CounterHandle;
  private readonly failedBy = new Map<SendFailedReason, CounterHandle>();
  private readonly refusedBy = new Map<EnqueueFailedReason, CounterHandle>();

  constructor(private readonly ctx: ComponentContext) {
    const labels = { exporter: ctx.id };
    this.sent = ctx.telemetry.counter(SelfMetric.exporterSentMetricPoints, 'Metric points the backend accepted.', labels);
    this.retries = ctx.telemetry.counter(SelfMetric.exporterRetries, 'Send attempts repeated after a retryable failure.', labels);
  }

  /**
   * Counts and logs a request the sender is done with. `final`: a failure drops the data (queued mode);
   * otherwise it goes back to the caller, which decides (inline mode).
   */
  settled(req: EncodedRequest, result: SendResult, final: boolean): void {
    const log = this.ctx.logger;
    switch (result.kind) {
      case 'sent': {
        const rejected = Math.min(Math.max(0, result.rejectedPoints), req.points);
        this.sent.add(req.points - rejected);
        if (rejected > 0) this.failed('partial_success', rejected);
        if (rejected > 0 || result.errorMessage !== '') {
          log.warn(
            { rejectedPoints: rejected, points: req.points, message: result.errorMessage },
            'backend accepted the request partially; rejected points are not retried',
          );
        }
        return;
      }
      case 'permanent':
        this.failed(`http_${result.status}`, req.points);
        log.error(
          { status: result.status, points: req.points, message: result.message },
          final ? 'backend refused the request; dropped (not retryable)' : 'backend refused the request (not retryable)',
        );
        return;
      case 'exhausted':
        this.failed('retries_exhausted', req.points);
        if (final) {
          log.error(
            { reason: result.reason, points: req.points },
            'backend still unavailable when retry_on_failure ran out; dropped (raise max_elapsed_time, or 0 to retry forever)',
          );
        } else {
          log.warn({ reason: result.reason, points: req.points }, 'backend unavailable; data handed back upstream');
        }
        return;
      case 'aborted':
        return;
    }
  }

  failed(reason: SendFailedReason, points: number): void {
    let c = this.failedBy.get(reason);
    if (!c) {
      c = this.ctx.telemetry.counter(SelfMetric.exporterSendFailedMetricPoints, 'Metric points the exporter could not deliver.', {
        exporter: this.ctx.id,
        reason,
      });
      this.failedBy.set(reason, c);
    }
    c.add(points);
  }

  refused(reason: EnqueueFailedReason, points: number): void {
    let c = this.refusedBy.get(reason);
    if (!c) {
      c = this.ctx.telemetry.counter(SelfMetric.exporterEnqueueFailedMetricPoints, 'Metric points refused by the sending queue.', {
        exporter: this.ctx.id,
        reason,
      });
      this.refusedBy.set(reason, c);
    }
    c.add(points);
  }
}
