import { AttributeSet, type Slot } from './attribute_set.js';
import { AttributeTrie, type SetNode, SetTotal } from './attribute_trie.js';
import type { HistogramInstrument, SumInstrument } from './instrument.js';
import { type AnyMetric, HistogramMetric, SeriesBudget, SumMetric } from './metric_store.js';

/** Told each time a point lands in a metric's overflow series. */
export type OverflowListener = (metricName: string) => void;

export interface RecorderOptions {
  /** Bucket overrides by histogram name. */
  readonly buckets: Readonly<Record<string, readonly number[]>>;
  readonly maxSeriesPerMetric: number;
  readonly maxSeries: number;
  readonly onOverflow: OverflowListener;
  /** Instruments not recorded nor emitted (those `naming: kong` replaces by Kong's families). */
  readonly replaced?: ReadonlySet<string>;
}

/**
 * How many attribute sets are tracked, relative to the series limits (per kind to `max_series_per_metric`,
 * in all to `max_series`): a memory guard for cardinality explosions, set above the series limits so that
 * those are what users meet.
 */
const SETS_PER_SERIES_LIMIT = 2;

/**
 * What the sections share: the metrics in emission order, the series and set budgets, and the clock
 * reading of the batch being aggregated. Sections declare their metrics and sets here once, at start;
 * per entry they only find nodes and call `add` / `record`, which fill a slot the first time.
 */
export class Recorder {
  readonly metrics: AnyMetric[] = [];
  /** Series of every metric together, against `max_series`. */
  readonly seriesBudget: SeriesBudget;
  /** Start time (epoch ms) of series created now. */
  now = 0;
  private readonly sets: SetTotal;
  private setKinds = 0;

  constructor(private readonly o: RecorderOptions) {
    this.seriesBudget = new SeriesBudget(o.maxSeries);
    this.sets = new SetTotal(SETS_PER_SERIES_LIMIT * o.maxSeries);
  }

  sum(instrument: SumInstrument): SumMetric {
    const m = new SumMetric(instrument, this.o.maxSeriesPerMetric, this.seriesBudget);
    return this.declared(m);
  }

  histogram(instrument: HistogramInstrument): HistogramMetric {
    const bounds = this.o.buckets[instrument.name] ?? instrument.bounds;
    const m = new HistogramMetric(instrument, bounds, this.o.maxSeriesPerMetric, this.seriesBudget);
    return this.declared(m);
  }

  private declared<M extends AnyMetric>(m: M): M {
    if (this.o.replaced?.has(m.name) === true) m.off = true;
    else this.metrics.push(m);
    return m;
  }

  /** Kinds of attribute sets declared so far. */
  get kinds(): number {
    return this.setKinds;
  }

  /** A new kind of attribute set, with its own budget of tracked sets. */
  set(): AttributeSet {
    return new AttributeSet(this.setKinds++, SETS_PER_SERIES_LIMIT * this.o.maxSeriesPerMetric, this.sets, this);
  }

  /** The trie of a kind of set that extends no other. */
  root(set: AttributeSet): AttributeTrie {
    return new AttributeTrie(set.budget);
  }

  /** The trie of the sets of `set`'s kind that extend node `n`'s set. */
  below(n: SetNode, set: AttributeSet): AttributeTrie {
    return (n.below[set.id] ??= new AttributeTrie(set.budget, n.overflow));
  }

  add(slot: Slot<SumMetric>, n: SetNode, v: number): void {
    if (slot.metric.off) return;
    const s = (n.sums[slot.index] ??= slot.metric.create(n.overflow, slot, this.now));
    s.value += v;
    if (s.overflow) this.o.onOverflow(slot.metric.name);
  }

  record(slot: Slot<HistogramMetric>, n: SetNode, v: number): void {
    const m = slot.metric;
    if (m.off) return;
    const s = (n.histograms[slot.index] ??= m.create(n.overflow, slot, this.now));
    s.record(v, m.bounds);
    if (s.overflow) this.o.onOverflow(m.name);
  }
}
