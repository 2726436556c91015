/**
 * UCUM units → the words Prometheus names carry, per the OTel → Prometheus compatibility spec
 * (specification/compatibility/prometheus_and_openmetrics.md) and the word lists the Collector and
 * Prometheus' own OTLP translator use, so a metric gets the same name here as in Mimir or the Collector.
 */

const UNIT_WORDS: Readonly<Record<string, string>> = {
  // time
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  // bytes
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  // SI
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  // misc
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
  // "1" is a dimensionless ratio: it adds no word (gauges get `_ratio`, see naming.ts).
  '1': '',
};

/** After `/`, units are read in the singular: `m/s` → `meters_per_second`. */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  min: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** Parts in braces are annotations (`{request}`, `{token}`): the spec says they MUST be dropped. */
const ANNOTATION = /\{[^}]*\}/g;

export interface UnitWords {
  /** e.g. `seconds`, `bytes`; '' when the unit adds none. */
  readonly main: string;
  /** e.g. `per_second`; '' when there is no `/…` part. */
  readonly per: string;
}

const NO_WORDS: UnitWords = { main: '', per: '' };

export function unitWords(unit: string): UnitWords {
  const u = unit.trim();
  if (u === '') return NO_WORDS;
  const slash = u.indexOf('/');
  const mainUnit = (slash < 0 ? u : u.slice(0, slash)).replace(ANNOTATION, '').trim();
  const perUnit = slash < 0 ? '' : u.slice(slash + 1).replace(ANNOTATION, '').trim();
  const main = mainUnit === '' ? '' : cleanUnit(UNIT_WORDS[mainUnit] ?? mainUnit);
  const perWord = perUnit === '' ? '' : cleanUnit(PER_UNIT_WORDS[perUnit] ?? perUnit);
  return { main, per: perWord === '' ? '' : `per_${perWord}` };
}

/** An unknown unit (`USD`, `req`) is kept, made name-safe. */
function cleanUnit(word: string): string {
  return word
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_|_$/g, '');
}
