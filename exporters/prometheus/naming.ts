import { cleanUnit, unitWords } from './units.js';

/**
 * OTel → Prometheus names exactly as Prometheus' OTLP translator builds them with underscore escaping
 * (github.com/prometheus/otlptranslator, commit 51da7739: metric_namer.go `normalizeName` and
 * `buildCompliantMetricName`, label_namer.go `LabelNamer.Build`, strconv.go), so a series has the same
 * name here as in Prometheus' OTLP endpoint or Mimir, quirks included. A name with no Prometheus form
 * (empty, or nothing but `_`) is `undefined`: the caller drops it and counts it, as Prometheus does.
 */

/** What decides the suffixes: only monotonic sums get `_total`, only gauges get `_ratio`. */
export type OtelMetricKind = 'gauge' | 'sum' | 'monotonic_sum' | 'histogram';

export interface NamingOptions {
  /** Prefix joined with `_` ('' = none). */
  readonly namespace: string;
  /** false = no unit, `_total` or `_ratio` suffix. */
  readonly addSuffixes: boolean;
}

function startsWithDigit(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function onlyUnderscores(s: string): boolean {
  return /^_*$/.test(s);
}

/**
 * A metric name with invalid characters replaced and no suffixes (otlptranslator without suffixes):
 * runs of characters outside `[a-zA-Z0-9_:]` become one `_`, and at either end disappear; `_` itself is
 * kept as written (`a__b` stays). '' when nothing is left.
 */
export function sanitizeMetricName(name: string): string {
  return name
    .split(/[^a-zA-Z0-9_:]+/)
    .filter((t) => t !== '')
    .join('_');
}

/**
 * The Prometheus family name of an OTel metric (histograms: the base of `_bucket`/`_sum`/`_count`), or
 * undefined when it has none. With suffixes (the default): the name is cut into tokens at every
 * character outside `[a-zA-Z0-9:]` (`_` included, so runs collapse and edges vanish); the unit words are
 * added unless a token already equals them (a single token: `per_second` is never found, so
 * `rx.bytes.per.second` in `By/s` becomes `rx_bytes_per_second_per_second`, as in Prometheus); a
 * monotonic sum loses every `total` token and ends in `_total`; a gauge in unit `1` loses every `ratio`
 * token and ends in `_ratio`; then the namespace, and `_` before a leading digit.
 */
export function prometheusMetricName(name: string, unit: string, kind: OtelMetricKind, opts: NamingOptions): string | undefined {
  let built: string;
  if (opts.addSuffixes) {
    let tokens = name.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '');
    const words = unitWords(unit);
    let main = cleanUnit(words.main);
    let per = cleanUnit(words.per);
    if (tokens.includes(main)) main = '';
    if (per === 'per_') per = '';
    else {
      per = per.replace(/_$/, '');
      if (tokens.includes(per)) per = '';
    }
    if (per !== '') main = main.replace(/_$/, '');
    if (main !== '') tokens.push(main);
    if (per !== '') tokens.push(per);
    if (kind === 'monotonic_sum') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
    // `unit == "1"` as written: " 1" adds no word and no ratio there either.
    if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
    if (opts.namespace !== '') tokens.unshift(opts.namespace);
    built = tokens.join('_');
    if (startsWithDigit(built)) built = `_${built}`;
  } else {
    built = sanitizeMetricName(name);
    if (opts.namespace !== '') built = `${sanitizeMetricName(opts.namespace)}_${built}`;
    else if (startsWithDigit(built)) built = `_${built}`;
  }
  // otlptranslator keeps a name that needed no change, even `___`; one that became only `_` is refused.
  if (built === '' || (built !== name && onlyUnderscores(built))) return undefined;
  return built;
}

/**
 * An attribute key as a label name, or undefined when it has none (empty, or only characters outside
 * `[a-zA-Z0-9]`: `""`, `"."`, `"ようこそ"`). Runs of other characters, `_` included, become one `_`; a
 * leading digit gets `key_` in front; `__reserved__` keys keep their double underscores.
 */
export function sanitizeLabelName(key: string): string | undefined {
  if (key === '') return undefined;
  const reserved = key.length >= 4 && key.startsWith('__') && key.endsWith('__');
  const inner = reserved ? key.slice(2, -2) : key;
  let out = inner.replace(/[^a-zA-Z0-9]+/g, '_');
  if (reserved) out = `__${out}__`;
  if (startsWithDigit(out)) out = `key_${out}`;
  return onlyUnderscores(out) ? undefined : out;
}
