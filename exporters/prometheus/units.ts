/**
 * UCUM units → the words Prometheus names carry, as Prometheus' OTLP translator builds them
 * (github.com/prometheus/otlptranslator, commit 51da7739: unit_namer.go `buildUnitSuffixes`,
 * `cleanUpUnit`, and the maps in metric_namer.go), so a metric gets the same name here as in Prometheus'
 * OTLP endpoint, Mimir or the Collector. Its tables are kept as they are, `TiBy` → `tibibytes` included.
 */

const UNIT_WORDS: ReadonlyMap<string, string> = new Map([
  // time
  ['d', 'days'],
  ['h', 'hours'],
  ['min', 'minutes'],
  ['s', 'seconds'],
  ['ms', 'milliseconds'],
  ['us', 'microseconds'],
  ['ns', 'nanoseconds'],
  // bytes
  ['By', 'bytes'],
  ['KiBy', 'kibibytes'],
  ['MiBy', 'mebibytes'],
  ['GiBy', 'gibibytes'],
  ['TiBy', 'tibibytes'],
  ['KBy', 'kilobytes'],
  ['MBy', 'megabytes'],
  ['GBy', 'gigabytes'],
  ['TBy', 'terabytes'],
  // SI
  ['m', 'meters'],
  ['V', 'volts'],
  ['A', 'amperes'],
  ['J', 'joules'],
  ['W', 'watts'],
  ['g', 'grams'],
  // misc
  ['Cel', 'celsius'],
  ['Hz', 'hertz'],
  ['%', 'percent'],
  // "1" is a dimensionless ratio: no word (gauges get `_ratio`, see naming.ts).
  ['1', ''],
]);

/** After `/` units are read in the singular: `m/s` → `meters_per_second` (`min` is not in the table: `per_min`). */
const PER_UNIT_WORDS: ReadonlyMap<string, string> = new Map([
  ['s', 'second'],
  ['m', 'minute'],
  ['h', 'hour'],
  ['d', 'day'],
  ['w', 'week'],
  ['mo', 'month'],
  ['y', 'year'],
]);

export interface UnitWords {
  /** e.g. `seconds`, `bytes`, an unknown unit as written; '' when the unit adds none. */
  readonly main: string;
  /** e.g. `per_second`; '' when there is no `/…` part. */
  readonly per: string;
}

/**
 * The words of a unit, not yet made name-safe. A part holding `{` or `}` (an annotation such as
 * `{request}`) adds nothing at all, as the spec says annotations must be dropped: `By{x}` adds no word.
 */
export function unitWords(unit: string): UnitWords {
  const slash = unit.indexOf('/');
  const mainUnit = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perUnit = slash < 0 ? '' : unit.slice(slash + 1).trim();
  const main = mainUnit === '' || /[{}]/.test(mainUnit) ? '' : (UNIT_WORDS.get(mainUnit) ?? mainUnit);
  const perWord = perUnit === '' || /[{}]/.test(perUnit) ? '' : (PER_UNIT_WORDS.get(perUnit) ?? perUnit);
  return { main, per: perWord === '' ? '' : `per_${perWord}` };
}

/** A unit word made name-safe: other characters than `[a-zA-Z0-9:]` become `_`, runs collapse, no leading `_`. */
export function cleanUnit(word: string): string {
  return word.replace(/[^a-zA-Z0-9:]/g, '_').replace(/_{2,}/g, '_').replace(/^_/, '');
}
