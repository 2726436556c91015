import { scaled, type Stream } from './stream.js';

/**
 * Output side: a family (one `# HELP`/`# TYPE`, one type for all its series) and its series (one label
 * set). Usually one stream feeds one series; with `naming: kong` several do (Kong's labels are fewer
 * than the attributes), and a counter or histogram series then shows the sum of its streams. When one
 * of several streams stops (expired, or marked no-recorded-value), its last value is carried into
 * the series so the series never goes down, which Prometheus would read as a counter reset.
 */

export type FamilyType = 'counter' | 'gauge' | 'histogram';

/**
 * `seq`: when a family or series was created, in the store's sequence. A scrape shows only what existed
 * when it started (seq not above the scrape's), so what is created while the page streams out cannot
 * appear twice or half-written on it.
 */
export interface Family {
  readonly seq: number;
  readonly name: string;
  readonly type: FamilyType;
  readonly help: string;
  readonly series: Map<string, Series>;
}

/** A histogram in output units, as rendered: `counts` per bucket (not cumulative), last = overflow. */
export interface OutputHistogram {
  readonly le: readonly string[];
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export interface Series {
  readonly seq: number;
  readonly family: Family;
  /** Label text without braces. */
  readonly labels: string;
  readonly streams: Stream[];
  /** Counters: what retired streams had counted, in output units. */
  carried: number;
  /** Histograms: what retired streams had counted. */
  carriedHistogram: OutputHistogram | undefined;
}

export function newSeries(family: Family, labels: string, seq: number): Series {
  return { seq, family, labels, streams: [], carried: 0, carriedHistogram: undefined };
}

/** What a stream adds to a counter: its value, or the sum of a histogram (bytes, tokens), scaled. */
function counterContribution(stream: Stream): number {
  return scaled(stream.histogram ? stream.histogram.sum : stream.value, stream.scale);
}

function outputHistogram(stream: Stream): OutputHistogram | undefined {
  const h = stream.histogram;
  if (!h) return undefined;
  return { le: h.layout.le, counts: h.counts, sum: scaled(h.sum, stream.scale), count: h.count };
}

export function counterValue(series: Series): number {
  let v = series.carried;
  for (const s of series.streams) v += counterContribution(s);
  return v;
}

/** A gauge has no sum: the most recent stream's value is the series' value. */
export function gaugeValue(series: Series): number {
  let latest = series.streams[0];
  for (const s of series.streams) if (s.endMs > latest.endMs) latest = s;
  return latest.value;
}

/**
 * The series' histogram: the most recently updated stream's layout, plus every other stream (and the
 * carried part) with the same layout. Streams of one instrument share a layout; a stream whose layout
 * differs cannot be merged bucket by bucket and is left out until it changes or expires.
 */
export function seriesHistogram(series: Series): OutputHistogram | undefined {
  const streams = series.streams;
  if (streams.length === 1 && series.carriedHistogram === undefined) return outputHistogram(streams[0]);
  let ref: Stream | undefined;
  for (const s of streams) if (s.histogram && (!ref || s.updatedAt >= ref.updatedAt)) ref = s;
  const base = ref ? outputHistogram(ref) : series.carriedHistogram;
  if (!base) return undefined;
  const counts = base.counts.slice();
  let sum = base.sum;
  let count = base.count;
  const add = (h: OutputHistogram | undefined): void => {
    if (!h || h === base || !sameLe(h.le, base.le)) return;
    for (let i = 0; i < counts.length; i++) counts[i] += h.counts[i];
    sum += h.sum;
    count += h.count;
  };
  for (const s of streams) if (s !== ref) add(outputHistogram(s));
  add(series.carriedHistogram);
  return { le: base.le, counts, sum, count };
}

/** Takes a stream out of its series; true when the series has no stream left (drop the series). */
export function retireStream(stream: Stream): boolean {
  const series = stream.series;
  const i = series.streams.indexOf(stream);
  if (i >= 0) series.streams.splice(i, 1);
  if (series.streams.length === 0) return true;
  if (series.family.type === 'counter') series.carried += counterContribution(stream);
  else if (series.family.type === 'histogram') series.carriedHistogram = foldHistogram(series.carriedHistogram, stream);
  return false;
}

function foldHistogram(carried: OutputHistogram | undefined, stream: Stream): OutputHistogram | undefined {
  const h = outputHistogram(stream);
  if (!h) return carried;
  if (!carried || !sameLe(carried.le, h.le)) return { le: h.le, counts: h.counts.slice(), sum: h.sum, count: h.count };
  return {
    le: carried.le,
    counts: carried.counts.map((c, i) => c + h.counts[i]),
    sum: carried.sum + h.sum,
    count: carried.count + h.count,
  };
}

function sameLe(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
