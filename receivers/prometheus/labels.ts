import type { Attributes } from '@opentelemetry/api';
import type { ScrapeTarget } from './target.js';

/** What a scraped label set becomes: point attributes, plus `job`/`instance` when `honor_labels` took them. */
export interface ResolvedLabels {
  readonly attributes: Attributes;
  readonly job: string | undefined;
  readonly instance: string | undefined;
}

/**
 * The series identity within one target: the scraped label pairs in page order, minus `skip` (`le` of a
 * histogram bucket, `quantile` of a summary). Stable as long as the target prints its labels in the same
 * order (every client library does). Built with one `join`: a flat string hashes faster than a `+=` rope.
 */
export function seriesKey(family: string, labels: readonly string[], skip: string | undefined): string {
  let at = -1;
  if (skip !== undefined) {
    for (let k = 0; k < labels.length; k += 2) {
      if (labels[k] === skip) {
        at = k;
        break;
      }
    }
  }
  if (at < 0) return family + '\u0000' + labels.join('\u0000');
  if (at === labels.length - 2) return family + '\u0000' + labels.slice(0, at).join('\u0000');
  const rest = labels.slice();
  rest.splice(at, 2);
  return family + '\u0000' + rest.join('\u0000');
}

/** Whether two label lists are the same apart from the `skip` label (the buckets of one histogram series). */
export function sameSeries(a: readonly string[], b: readonly string[], skip: string): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    if (i < a.length && a[i] === skip) i += 2;
    if (j < b.length && b[j] === skip) j += 2;
    if (i >= a.length || j >= b.length) return i >= a.length && j >= b.length;
    if (a[i] !== b[j] || a[i + 1] !== b[j + 1]) return false;
    i += 2;
    j += 2;
  }
}

/**
 * Scraped labels → point attributes, with Prometheus' conflict rules against the target's own labels
 * (`job`, `instance` and the `static_configs` labels): with `honor_labels: false` the scraped label is
 * kept as `exported_<name>` and the target's value wins; with `true` the scraped value wins, and a
 * scraped `job`/`instance` names the resource instead of the target. Empty values are kept (Prometheus
 * drops them): Kong prints `""` for an absent consumer or cache status, and the Kong mapping reads that.
 */
export class PointLabels {
  private readonly targetNames: ReadonlySet<string>;
  private readonly staticEntries: readonly (readonly [string, string])[];

  constructor(private readonly target: ScrapeTarget) {
    this.staticEntries = Object.entries(target.staticLabels);
    this.targetNames = new Set(['job', 'instance', ...Object.keys(target.staticLabels)]);
  }

  resolve(labels: readonly string[], skip: string | undefined): ResolvedLabels {
    const attributes: Attributes = {};
    let job: string | undefined;
    let instance: string | undefined;
    for (let k = 0; k < labels.length; k += 2) {
      const name = labels[k];
      if (name === skip) continue;
      const value = labels[k + 1];
      if (!this.targetNames.has(name)) {
        attributes[name] = value;
      } else if (this.target.honorLabels) {
        if (name === 'job') job = value;
        else if (name === 'instance') instance = value;
        else attributes[name] = value;
      } else {
        attributes[this.exportedName(name, labels)] = value;
      }
    }
    for (const [name, value] of this.staticEntries) if (!(name in attributes)) attributes[name] = value;
    return { attributes, job, instance };
  }

  private exportedName(name: string, labels: readonly string[]): string {
    let candidate = `exported_${name}`;
    while (this.targetNames.has(candidate) || hasLabel(labels, candidate)) candidate = `exported_${candidate}`;
    return candidate;
  }
}

function hasLabel(labels: readonly string[], name: string): boolean {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return true;
  return false;
}
