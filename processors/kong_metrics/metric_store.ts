import type { Attributes } from '@opentelemetry/api';
import type { HistogramInstrument, SumInstrument } from './instrument.js';
import { HistogramSeries, SumSeries } from './series.js';

/** A series' attributes, built from the fields read off the current entry; asked only when a series is new. */
export interface AttributeSource {
  attributes(): Attributes;
}

/** The OTel SDK's marker for the series that collects attribute sets past the cardinality limit. */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ [OVERFLOW_ATTRIBUTE]: true });

/** `max_series`: the series of every metric of one processor together (overflow series not counted). */
export class SeriesBudget {
  used = 0;
  constructor(readonly cap: number) {}

  get spent(): boolean {
    return this.used >= this.cap;
  }
}

/**
 * The series of one metric. Past `limit` series, or once the processor's `budget` is spent, new attribute
 * sets share one overflow series whose only attribute is `otel.metric.overflow = true` (the OTel SDK's
 * cardinality-limit convention), so totals stay exact.
 */
export class SumMetric {
  readonly series: SumSeries[] = [];
  overflow: SumSeries | undefined = undefined;
  /** Not recorded: `naming: kong` records Kong's twin of this instrument instead. */
  off = false;

  constructor(
    readonly instrument: SumInstrument,
    private readonly limit: number,
    private readonly budget: SeriesBudget,
  ) {}

  get name(): string {
    return this.instrument.name;
  }

  /** The series of an attribute set met for the first time (`overflowSet`: one past the tracking cap). */
  create(overflowSet: boolean, source: AttributeSource, now: number): SumSeries {
    if (overflowSet || this.series.length >= this.limit || this.budget.spent) {
      return (this.overflow ??= new SumSeries(OVERFLOW_ATTRIBUTES, now, true));
    }
    const s = new SumSeries(source.attributes(), now, false);
    this.series.push(s);
    this.budget.used++;
    return s;
  }
}

export class HistogramMetric {
  readonly series: HistogramSeries[] = [];
  overflow: HistogramSeries | undefined = undefined;
  off = false;

  constructor(
    readonly instrument: HistogramInstrument,
    readonly bounds: readonly number[],
    private readonly limit: number,
    private readonly budget: SeriesBudget,
  ) {}

  get name(): string {
    return this.instrument.name;
  }

  create(overflowSet: boolean, source: AttributeSource, now: number): HistogramSeries {
    if (overflowSet || this.series.length >= this.limit || this.budget.spent) {
      return (this.overflow ??= new HistogramSeries(OVERFLOW_ATTRIBUTES, now, true, this.bounds.length + 1));
    }
    const s = new HistogramSeries(source.attributes(), now, false, this.bounds.length + 1);
    this.series.push(s);
    this.budget.used++;
    return s;
  }
}

export type AnyMetric = SumMetric | HistogramMetric;
