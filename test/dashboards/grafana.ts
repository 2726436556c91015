import { readFileSync } from 'node:fs';

/**
 * A Grafana dashboard as its JSON says, and its queries as Grafana sends them to Prometheus with every
 * template variable on "All". Hand-written: Grafana's interpolation lives in its frontend
 * (public/app/plugins/datasource/prometheus), not in a library a Node test can call; the rules followed
 * are listed at each function.
 */

export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

export interface QueryVariable {
  readonly name: string;
  readonly query: string;
  readonly includeAll: boolean;
  /** `null` or absent: Grafana's default "All", the regex join of every value. */
  readonly allValue: string | null;
}

interface RawPanel {
  title?: string;
  panels?: RawPanel[];
  targets?: { refId?: string; expr?: string; hide?: boolean }[];
}

interface RawVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
  includeAll?: boolean;
  allValue?: string | null;
}

export interface Dashboard {
  readonly title: string;
  readonly queries: readonly PanelQuery[];
  readonly variables: readonly QueryVariable[];
}

export function readDashboard(path: string): Dashboard {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { title: string; panels?: RawPanel[]; rows?: RawPanel[]; templating?: { list: RawVariable[] } };
  const queries: PanelQuery[] = [];
  // Rows of old dashboards and collapsed rows of new ones hold their panels inside.
  const walk = (panels: readonly RawPanel[]) => {
    for (const p of panels) {
      if (p.panels) walk(p.panels);
      for (const t of p.targets ?? []) if (t.expr && !t.hide) queries.push({ panel: p.title ?? '(untitled)', refId: t.refId ?? 'A', expr: t.expr });
    }
  };
  walk([...(raw.panels ?? []), ...(raw.rows ?? [])]);
  const variables = (raw.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => ({
      name: v.name,
      query: typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? ''),
      includeAll: v.includeAll === true,
      allValue: v.allValue ?? null,
    }));
  return { title: raw.title, queries, variables };
}

/** Grafana's prometheusSpecialRegexEscape: a value made literal inside a PromQL regex string. */
function regexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/**
 * What Grafana puts in place of a variable on "All": its `allValue` verbatim when set; otherwise every
 * value regex-escaped, one value alone, several joined as `(a|b)` (an empty list gives `()`), as the
 * Prometheus datasource's interpolateQueryExpr does for a multi-value variable.
 */
export function allValueOf(v: QueryVariable, values: readonly string[]): string {
  if (v.allValue !== null) return v.allValue;
  const escaped = values.map(regexEscape);
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

/** Grafana's built-in interval variables for one query: `$__rate_interval` = max($__interval + scrape interval, 4 × scrape interval). */
export interface Intervals {
  /** The datasource's scrape interval, seconds (what Grafana's Prometheus datasource is told). */
  readonly scrapeSeconds: number;
  /** `$__interval`: the time range over the panel's data points, never below the scrape interval. */
  readonly intervalSeconds: number;
  /** `$__range`: the dashboard's time range. */
  readonly rangeSeconds: number;
}

export function builtins(i: Intervals): Record<string, string> {
  const rate = Math.max(i.intervalSeconds + i.scrapeSeconds, 4 * i.scrapeSeconds);
  return {
    __rate_interval: `${rate}s`,
    __interval: `${i.intervalSeconds}s`,
    __interval_ms: `${i.intervalSeconds * 1000}`,
    __range: `${i.rangeSeconds}s`,
    __range_s: `${i.rangeSeconds}`,
    __range_ms: `${i.rangeSeconds * 1000}`,
  };
}

/** `$name`, `${name}`, `${name:format}` and `[[name]]` replaced; an unknown name is left as written. */
export function interpolate(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    return values[name] ?? whole;
  });
}

/** `label_values(selector, label)` or `label_values(label)`: the selector (or undefined) and the label. */
export function parseLabelValues(query: string): { match?: string; label: string } {
  const m = /^\s*label_values\(\s*(?:(.*\S)\s*,\s*)?(\w+)\s*\)\s*$/s.exec(query);
  if (!m) throw new Error(`not a label_values() query: ${query}`);
  return { match: m[1], label: m[2] };
}
