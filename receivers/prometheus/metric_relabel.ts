import type { MetricFamily, ParsedPage, Sample, SampleSuffix } from './exposition.js';
import { relabel } from './relabel/apply.js';
import type { RelabelRule } from './relabel/schema.js';
import type { ScrapeTarget } from './target.js';

/**
 * `metric_relabel_configs` over one parsed page, before conversion, as Prometheus applies them to each
 * sample: the rules see `__name__` (the sample's full name, `x_bucket` included), the sample's labels and
 * the target's (`job`, `instance`, its other labels) where the sample has none. A dropped sample is gone;
 * the rules may rename (`__name__`) and change the sample's own labels; the target's labels stay as they
 * are (they are the resource and target attributes). A renamed sample that keeps its suffix stays in its
 * kind of family (`h_bucket` → `g_bucket` stays a histogram `g`); one that loses it becomes an untyped
 * series of its own.
 */
export function relabelPage(page: ParsedPage, rules: readonly RelabelRule[], target: ScrapeTarget): ParsedPage {
  const context: [string, string][] = [['job', target.job], ['instance', target.instance], ...Object.entries(target.staticLabels)];
  const families = new Map<string, MetricFamily>();
  const out = (name: string, like: MetricFamily | undefined): MetricFamily => {
    const key = `${name}\u0000${like === undefined ? 'untyped' : like.type}`;
    let f = families.get(key);
    if (f === undefined) {
      f = like === undefined ? { name, type: 'untyped', help: '', unit: '', samples: [], inferred: false } : { ...like, name, samples: [] };
      families.set(key, f);
    }
    return f;
  };
  for (const family of page.families) {
    for (const s of family.samples) {
      const labels = new Map<string, string>([['__name__', family.name + s.suffix]]);
      for (let k = 0; k < s.labels.length; k += 2) labels.set(s.labels[k], s.labels[k + 1]);
      const injected: [string, string][] = [];
      for (const [k, v] of context) {
        if (!labels.has(k)) {
          labels.set(k, v);
          injected.push([k, v]);
        }
      }
      if (!relabel(labels, rules)) continue;
      const name = labels.get('__name__') ?? '';
      if (name === '') continue;
      labels.delete('__name__');
      for (const [k, v] of injected) if (labels.get(k) === v) labels.delete(k);
      const flat: string[] = [];
      for (const [k, v] of labels) flat.push(k, v);
      const keepsSuffix = s.suffix === '' || name.endsWith(s.suffix);
      const suffix: SampleSuffix = keepsSuffix ? s.suffix : '';
      const base = keepsSuffix ? name.slice(0, name.length - s.suffix.length) : name;
      const sample: Sample = { ...s, suffix, labels: flat };
      out(base, keepsSuffix ? family : undefined).samples.push(sample);
    }
  }
  return { ...page, families: [...families.values()].filter((f) => f.samples.length > 0) };
}
