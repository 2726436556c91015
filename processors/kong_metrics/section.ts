import type { ObjectShape } from './entry_shape.js';
import type { Instrument } from './instrument.js';
import type { PriceTable } from './pricing.js';

/**
 * What one section of a Kong log entry declares: the attributes it sets (by the names of
 * metric-mapping.md), the instruments it records and the fields it reads. The config schema (which
 * attributes `exclude_attributes` may name, which histograms `buckets` may) and the write-ahead log's
 * layout are derived from these, so a new instrument is added in its section alone.
 */
export interface SectionDeclaration {
  readonly attributes: Readonly<Record<string, string>>;
  /** Attributes that tell the series of one instrument apart by meaning: they cannot be excluded. */
  readonly required?: readonly string[];
  readonly instruments: Readonly<Record<string, Instrument>>;
  readonly fields: ObjectShape;
}

/** What a section's constructor takes from the processor's config. */
export interface SectionOptions {
  /** `exclude_attributes`. */
  readonly excluded: ReadonlySet<string>;
  /** `http_known_methods`. */
  readonly knownMethods: ReadonlySet<string>;
  readonly prices: PriceTable;
  readonly tokenUsageAs: 'sum' | 'histogram';
}

/** One flag per attribute, read on the hot path: whether it survives `exclude_attributes`. */
export function kept<K extends string>(attributes: Readonly<Record<K, string>>, excluded: ReadonlySet<string>): Readonly<Record<K, boolean>> {
  const out = {} as Record<K, boolean>;
  for (const key of Object.keys(attributes) as K[]) out[key] = !excluded.has(attributes[key]);
  return out;
}
