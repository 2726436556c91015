import type { MetricType, ParsedPage } from '../../../receivers/prometheus/exposition.js';

/** A family as the table states it: samples as [suffix, labels, value, timestamp?]. */
export interface Fam {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: [string, Record<string, string>, number, number?][];
}

export function summary(page: ParsedPage): { families: Fam[]; errors: [number, string][] } {
  return {
    families: page.families.map((f) => {
      const out: Fam = {
        name: f.name,
        type: f.type,
        samples: f.samples.map((s) => {
          const labels: Record<string, string> = {};
          for (let k = 0; k < s.labels.length; k += 2) labels[s.labels[k]] = s.labels[k + 1];
          const row: [string, Record<string, string>, number, number?] = [s.suffix, labels, s.value];
          if (s.timestampMs !== undefined) row.push(s.timestampMs);
          return row;
        }),
      };
      if (f.help !== '') out.help = f.help;
      if (f.unit !== '') out.unit = f.unit;
      return out;
    }),
    errors: page.errors.map((e) => [e.line, e.message]),
  };
}
