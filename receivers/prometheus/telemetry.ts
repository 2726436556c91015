import {
  SelfMetric,
  type CounterHandle,
  type GaugeHandle,
  type RefusedReason,
  type ScrapeFailureReason,
  type SelfTelemetry,
} from '../../core/index.js';

/**
 * Scrape self-metrics, named after Prometheus' own per-target series (`up`, `scrape_duration_seconds`,
 * `scrape_samples_scraped`) with kongtel's prefix. Labels: `receiver` (the component id), `job`, `instance`.
 */
export const ScrapeMetric = {
  up: 'kongtel_receiver_scrape_up',
  duration: 'kongtel_receiver_scrape_duration_seconds',
  samples: 'kongtel_receiver_scrape_samples_scraped',
  parseErrors: 'kongtel_receiver_scrape_parse_errors_total',
  failures: 'kongtel_receiver_scrape_failures_total',
} as const;


/** One target's handles, made once so a scrape only sets and adds. */
export class TargetTelemetry {
  private readonly upGauge: GaugeHandle;
  private readonly durationGauge: GaugeHandle;
  private readonly samplesGauge: GaugeHandle;
  private readonly parseErrorsCounter: CounterHandle;
  private readonly failuresBy = new Map<ScrapeFailureReason, CounterHandle>();
  private readonly refusedBy = new Map<RefusedReason, CounterHandle>();
  private readonly acceptedCounter: CounterHandle;
  private readonly identityCounter: CounterHandle;

  constructor(
    private readonly telemetry: SelfTelemetry,
    private readonly receiver: string,
    private readonly job: string,
    private readonly instance: string,
  ) {
    const labels = { receiver, job, instance };
    this.upGauge = telemetry.gauge(ScrapeMetric.up, '1 if the last scrape of the target succeeded, else 0.', labels);
    this.durationGauge = telemetry.gauge(ScrapeMetric.duration, 'Seconds the last scrape took (fetch, parse, convert).', labels);
    this.samplesGauge = telemetry.gauge(ScrapeMetric.samples, 'Samples the last successful scrape read.', labels);
    this.parseErrorsCounter = telemetry.counter(
      ScrapeMetric.parseErrors,
      'Exposition lines or series skipped as malformed (the rest of the page was kept).',
      labels,
    );
    this.identityCounter = telemetry.counter(
      SelfMetric.receiverScrapeIdentityChanges,
      "Scrapes whose Kong node_id differed from the previous one's (several Kong nodes behind one address).",
      labels,
    );
    this.acceptedCounter = telemetry.counter(SelfMetric.receiverAcceptedMetricPoints, 'Metric points accepted by the pipeline.', { receiver });
  }

  up(value: 0 | 1): void {
    this.upGauge.set(value);
  }

  duration(seconds: number): void {
    this.durationGauge.set(seconds);
  }

  samples(n: number): void {
    this.samplesGauge.set(n);
  }

  parseErrors(n: number): void {
    if (n > 0) this.parseErrorsCounter.add(n);
  }

  failure(reason: ScrapeFailureReason): void {
    let h = this.failuresBy.get(reason);
    if (h === undefined) {
      h = this.telemetry.counter(ScrapeMetric.failures, 'Scrapes that gave no data, by reason.', {
        receiver: this.receiver,
        job: this.job,
        instance: this.instance,
        reason,
      });
      this.failuresBy.set(reason, h);
    }
    h.add();
  }

  identityChanged(): void {
    this.identityCounter.add();
  }

  accepted(points: number): void {
    this.acceptedCounter.add(points);
  }

  refused(reason: RefusedReason, points: number): void {
    let h = this.refusedBy.get(reason);
    if (h === undefined) {
      h = this.telemetry.counter(SelfMetric.receiverRefusedMetricPoints, 'Metric points the pipeline refused (dropped: the next scrape carries the cumulative values again).', {
        receiver: this.receiver,
        reason,
      });
      this.refusedBy.set(reason, h);
    }
    h.add(points);
  }
}
