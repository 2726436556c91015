import type { Attributes } from '@opentelemetry/api';
import { type NodeShape, SetBudget, type SetTotal } from './attribute_trie.js';
import type { AttributeSource, HistogramMetric, SumMetric } from './metric_store.js';

/** Builds the attributes of a series from a section's fields (the current entry's values). */
export type Build<F> = (fields: F) => Attributes;

/**
 * One kind of attribute set (say, service × route × workspace): its budget of tracked sets, its id (the
 * slot its tries take below a parent node) and the slots of the instruments recorded with it.
 */
export class AttributeSet implements NodeShape {
  readonly budget: SetBudget;
  private sumSlots = 0;
  private histogramSlots = 0;

  constructor(
    readonly id: number,
    cap: number,
    total: SetTotal,
    private readonly registry: { readonly kinds: number },
  ) {
    this.budget = new SetBudget(cap, total, this);
  }

  get sums(): number {
    return this.sumSlots;
  }

  get histograms(): number {
    return this.histogramSlots;
  }

  get kinds(): number {
    return this.registry.kinds;
  }

  /** An instrument recorded with this set; `build` makes its attributes from `fields` when a series is new. */
  sum<F>(metric: SumMetric, fields: F, build: Build<F>): SumSlot<F> {
    return new SumSlot(metric, this.sumSlots++, fields, build);
  }

  histogram<F>(metric: HistogramMetric, fields: F, build: Build<F>): HistogramSlot<F> {
    return new HistogramSlot(metric, this.histogramSlots++, fields, build);
  }
}

/** Where the series of one instrument sit in the nodes of its attribute set. */
export interface Slot<M> extends AttributeSource {
  readonly metric: M;
  readonly index: number;
}

export class SumSlot<F> implements Slot<SumMetric> {
  constructor(
    readonly metric: SumMetric,
    readonly index: number,
    private readonly fields: F,
    private readonly build: Build<F>,
  ) {}

  attributes(): Attributes {
    return this.build(this.fields);
  }
}

export class HistogramSlot<F> implements Slot<HistogramMetric> {
  constructor(
    readonly metric: HistogramMetric,
    readonly index: number,
    private readonly fields: F,
    private readonly build: Build<F>,
  ) {}

  attributes(): Attributes {
    return this.build(this.fields);
  }
}
