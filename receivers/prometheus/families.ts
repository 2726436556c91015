import { shown, type MetricFamily, type MetricType, type SampleSuffix } from './exposition.js';

/** Exactly the words Prometheus takes after `# TYPE name ` (promparse.go compares them as written). */
const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
};

/**
 * The families of one page: metadata from HELP / TYPE / UNIT lines, and which family a sample name
 * belongs to. Methods that refuse a line return why, for the parser to report with the line number.
 *
 * Lenient where Kong's published docs are wrong: after a `# TYPE x bucket` line (not a type), `…_bucket`
 * samples with an `le` label are still grouped with their `_sum` / `_count` into a histogram named from
 * the sample names, with the HELP text of `x`.
 */
export class FamilyTable {
  readonly families = new Map<string, MetricFamily>();
  /** Names that had a valid `# TYPE` line. */
  private readonly typed = new Set<string>();
  /** The family named by the last `# TYPE` line when its type word was invalid. */
  private bogusBlock: string | undefined;
  /** Set by `resolve`: how the resolved sample name relates to its family's name. */
  resolvedSuffix: SampleSuffix = '';

  family(name: string): MetricFamily {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: '', unit: '', samples: [], inferred: false };
      this.families.set(name, f);
    }
    return f;
  }

  help(name: string, doc: string): string | undefined {
    const f = this.families.get(name);
    if (f !== undefined && f.help !== '') return `second # HELP line for ${shown(name)}: ignored`;
    this.family(name).help = doc;
    if (this.bogusBlock !== name) this.bogusBlock = undefined;
    return undefined;
  }

  type(name: string, word: string): string | undefined {
    const type = Object.hasOwn(TYPES, word) ? TYPES[word] : undefined;
    if (type === undefined) {
      this.bogusBlock = name;
      return `# TYPE ${shown(name)} ${shown(word)}: "${shown(word)}" is not a metric type (exactly one of counter, gauge, histogram, summary, untyped); ${shown(name)} is read as untyped`;
    }
    this.bogusBlock = undefined;
    const existing = this.families.get(name);
    if (existing !== undefined && existing.samples.length > 0) {
      return `# TYPE ${shown(name)} comes after samples of ${shown(name)}: ignored (put # TYPE before the samples)`;
    }
    if (this.typed.has(name)) return `second # TYPE line for ${shown(name)}: ignored`;
    this.typed.add(name);
    this.family(name).type = type;
    return undefined;
  }

  /**
   * The family a sample name belongs to (its suffix in `resolvedSuffix`): `x_bucket` / `x_sum` / `x_count`
   * join a histogram or summary `x`; any other name is its own family (untyped unless a TYPE line said
   * otherwise).
   */
  resolve(name: string, labels: readonly string[]): MetricFamily {
    this.resolvedSuffix = '';
    const suffix = suffixOf(name);
    const base = suffix === '' ? '' : name.slice(0, name.length - suffix.length);
    if (suffix !== '') {
      const f = this.families.get(base);
      if (f !== undefined && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) {
        this.resolvedSuffix = suffix;
        return f;
      }
    }
    const exact = this.families.get(name);
    if (exact !== undefined) return exact;
    if (suffix === '_bucket' && this.bogusBlock !== undefined && hasLabel(labels, 'le')) {
      const h = this.family(base);
      if (h.samples.length === 0 && !this.typed.has(base)) {
        h.type = 'histogram';
        h.inferred = true;
        // Kong's docs put the HELP text on the misspelt family name.
        if (h.help === '') h.help = this.families.get(this.bogusBlock)?.help ?? '';
        this.resolvedSuffix = suffix;
        return h;
      }
    }
    return this.family(name);
  }

  /** Families with at least one sample, in the order their names first appeared. */
  withSamples(): MetricFamily[] {
    const out: MetricFamily[] = [];
    for (const f of this.families.values()) if (f.samples.length > 0) out.push(f);
    return out;
  }
}

function suffixOf(name: string): SampleSuffix {
  if (name.endsWith('_bucket')) return '_bucket';
  if (name.endsWith('_count')) return '_count';
  if (name.endsWith('_sum')) return '_sum';
  return '';
}

export function hasLabel(labels: readonly string[], name: string): boolean {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return true;
  return false;
}
