/**
 * The Prometheus text exposition format 0.0.4, in one pass over the lines with `indexOf`: a Kong page of
 * 10 000 series is parsed in a few milliseconds. A bad line is skipped and reported with its line number;
 * the rest of the page still counts (Prometheus itself would refuse the whole page).
 *
 * Lenient where Kong's published docs are wrong: a `# TYPE x bucket` line (not a type) is reported, its
 * family is read as untyped, and in the lines under it `…_bucket{le=…}` samples are still grouped with
 * their `_sum` / `_count` into a histogram named from the sample names.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** How a sample's name relates to its family's name. */
export type SampleSuffix = '' | '_bucket' | '_sum' | '_count';

export interface Sample {
  readonly suffix: SampleSuffix;
  /** Label names and values in page order: `[name0, value0, name1, value1, …]`, unescaped. */
  readonly labels: readonly string[];
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  readonly timestampMs: number | undefined;
  readonly line: number;
}

export interface MetricFamily {
  readonly name: string;
  type: MetricType;
  help: string;
  /** From an OpenMetrics-style `# UNIT` line (the OpenTelemetry exporters print one); `''` otherwise. */
  unit: string;
  readonly samples: Sample[];
  /** A histogram recognised from its sample names after an invalid `# TYPE` line. */
  inferred: boolean;
}

export interface ParseError {
  readonly line: number;
  readonly message: string;
}

export interface ParsedPage {
  /** Families with at least one sample, in the order their names first appear (HELP/TYPE lines included). */
  readonly families: readonly MetricFamily[];
  readonly sampleCount: number;
  /** The first `MAX_REPORTED_ERRORS` errors; `errorCount` counts them all. */
  readonly errors: readonly ParseError[];
  readonly errorCount: number;
}

export const MAX_REPORTED_ERRORS = 100;

const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
};

const EMPTY: readonly string[] = [];
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const EQUALS = 61;
const COMMA = 44;
const OPEN = 123;
const CLOSE = 125;
const COLON = 58;

/** 1 = may start a metric name, 2 = may follow; label names are the same without `:`. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-zA-Z_:]/.test(ch)) NAME_CHAR[c] = 1;
  else if (/[0-9]/.test(ch)) NAME_CHAR[c] = 2;
}

/** A sample value as Go's ParseFloat reads it (what Prometheus uses): `NaN`, `+Inf`, `-Inf` in any case. */
export function parseSampleValue(s: string): number {
  const n = Number(s);
  if (!Number.isNaN(n)) return n;
  switch (s.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return Number.NaN;
  }
}

function isNaNLiteral(s: string): boolean {
  const l = s.toLowerCase();
  return l === 'nan' || l === '+nan' || l === '-nan';
}

class PageParser {
  private readonly families = new Map<string, MetricFamily>();
  /** Names that had a valid `# TYPE` line. */
  private readonly typed = new Set<string>();
  private readonly errors: ParseError[] = [];
  private errorCount = 0;
  private sampleCount = 0;
  private line = 0;
  /** Position of the next backslash in the text at or after the cursor (`text.length` when none). */
  private nextBackslash = -1;
  /** The family named by the last `# TYPE` line when its type word was invalid. */
  private bogusBlock: string | undefined;
  private lastName = '';
  private lastFamily: MetricFamily | undefined;
  private lastSuffix: SampleSuffix = '';

  constructor(private readonly text: string) {}

  parse(): ParsedPage {
    const text = this.text;
    const len = text.length;
    let pos = 0;
    while (pos < len) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      this.line++;
      let e = end;
      if (e > pos && text.charCodeAt(e - 1) === 13) e--;
      this.parseLine(pos, e);
      pos = end + 1;
    }
    const families: MetricFamily[] = [];
    for (const f of this.families.values()) if (f.samples.length > 0) families.push(f);
    return { families, sampleCount: this.sampleCount, errors: this.errors, errorCount: this.errorCount };
  }

  private error(message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line: this.line, message });
  }

  private skipBlank(i: number, e: number): number {
    const text = this.text;
    while (i < e) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== TAB) break;
      i++;
    }
    return i;
  }

  private skipToken(i: number, e: number): number {
    const text = this.text;
    while (i < e) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB) break;
      i++;
    }
    return i;
  }

  private scanName(i: number, e: number, allowColon: boolean): number {
    const text = this.text;
    if (i >= e) return i;
    const first = text.charCodeAt(i);
    if (first >= 128 || NAME_CHAR[first] !== 1 || (!allowColon && first === COLON)) return i;
    i++;
    while (i < e) {
      const c = text.charCodeAt(i);
      if (c >= 128 || NAME_CHAR[c] === 0 || (!allowColon && c === COLON)) break;
      i++;
    }
    return i;
  }

  private parseLine(start: number, e: number): void {
    const i = this.skipBlank(start, e);
    if (i === e) return;
    if (this.text.charCodeAt(i) === HASH) this.parseComment(i + 1, e);
    else this.parseSample(i, e);
  }

  private parseComment(i: number, e: number): void {
    const text = this.text;
    i = this.skipBlank(i, e);
    const kwEnd = this.skipToken(i, e);
    const keyword = text.slice(i, kwEnd);
    if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') return; // a plain comment, `# EOF`
    // Metadata may change how the next sample name resolves.
    this.lastName = '';
    const nameStart = this.skipBlank(kwEnd, e);
    const nameEnd = this.scanName(nameStart, e, true);
    if (nameEnd === nameStart || (nameEnd < e && text.charCodeAt(nameEnd) !== SPACE && text.charCodeAt(nameEnd) !== TAB)) {
      this.error(`# ${keyword} must be followed by a metric name (letters, digits, _ and :, not starting with a digit)`);
      return;
    }
    const name = text.slice(nameStart, nameEnd);
    if (keyword === 'HELP') {
      this.help(name, this.unescapeHelp(this.skipBlank(nameEnd, e), e));
      return;
    }
    const wordStart = this.skipBlank(nameEnd, e);
    const wordEnd = this.skipToken(wordStart, e);
    const word = text.slice(wordStart, wordEnd);
    if (keyword === 'UNIT') {
      this.family(name).unit = word;
      return;
    }
    if (word === '') {
      this.error(`# TYPE ${name}: missing the type (counter, gauge, histogram, summary or untyped)`);
      return;
    }
    if (this.skipBlank(wordEnd, e) !== e) {
      this.error(`# TYPE ${name}: unexpected text after the type`);
      return;
    }
    this.type(name, word);
  }

  private help(name: string, doc: string): void {
    const f = this.families.get(name);
    if (f !== undefined && f.help !== '') {
      this.error(`second # HELP line for ${name}: ignored`);
      return;
    }
    this.family(name).help = doc;
    if (this.bogusBlock !== name) this.bogusBlock = undefined;
  }

  private type(name: string, word: string): void {
    const type = TYPES[word.toLowerCase()];
    const existing = this.families.get(name);
    if (type === undefined) {
      this.bogusBlock = name;
      this.error(
        `# TYPE ${name} ${word}: "${word}" is not a metric type (counter, gauge, histogram, summary, untyped); ${name} is read as untyped`,
      );
      return;
    }
    this.bogusBlock = undefined;
    if (existing !== undefined && existing.samples.length > 0) {
      this.error(`# TYPE ${name} comes after samples of ${name}: ignored (put # TYPE before the samples)`);
      return;
    }
    if (this.typed.has(name)) {
      this.error(`second # TYPE line for ${name}: ignored`);
      return;
    }
    this.typed.add(name);
    this.family(name).type = type;
  }

  private family(name: string): MetricFamily {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: '', unit: '', samples: [], inferred: false };
      this.families.set(name, f);
    }
    return f;
  }

  private parseSample(i: number, e: number): void {
    const text = this.text;
    const nameStart = i;
    i = this.scanName(i, e, true);
    if (i === nameStart) {
      this.error('expected a metric name (letters, digits, _ and :, not starting with a digit) or a # comment');
      return;
    }
    const name = text.slice(nameStart, i);
    i = this.skipBlank(i, e);
    let labels: readonly string[] = EMPTY;
    if (i < e && text.charCodeAt(i) === OPEN) {
      const parsed: string[] = [];
      i = this.parseLabels(i + 1, e, parsed);
      if (i < 0) return;
      labels = parsed;
      i = this.skipBlank(i, e);
    } else if (i === nameStart + name.length && i < e) {
      this.error(`${name}: expected a space or { after the metric name`);
      return;
    }
    if (i >= e) {
      this.error(`${name}: missing the sample value`);
      return;
    }
    const valueEnd = this.skipToken(i, e);
    const valueText = text.slice(i, valueEnd);
    const value = parseSampleValue(valueText);
    if (Number.isNaN(value) && !isNaNLiteral(valueText)) {
      this.error(`${name}: the value is not a number (write a float, NaN, +Inf or -Inf)`);
      return;
    }
    let timestampMs: number | undefined;
    i = this.skipBlank(valueEnd, e);
    if (i < e) {
      const tsEnd = this.skipToken(i, e);
      timestampMs = parseTimestamp(text, i, tsEnd);
      if (timestampMs === undefined) {
        this.error(`${name}: the timestamp must be an integer of milliseconds since the epoch`);
        return;
      }
      if (this.skipBlank(tsEnd, e) !== e) {
        this.error(`${name}: unexpected text after the timestamp`);
        return;
      }
    }
    this.addSample(name, labels, value, timestampMs);
  }

  /** Parses `name="value", …}` from just after `{`; returns the position after `}`, or -1 on an error. */
  private parseLabels(i: number, e: number, out: string[]): number {
    const text = this.text;
    for (;;) {
      i = this.skipBlank(i, e);
      if (i < e && text.charCodeAt(i) === CLOSE) return i + 1;
      const nameStart = i;
      i = this.scanName(i, e, false);
      if (i === nameStart) {
        this.error(i >= e ? 'the label set is not closed with }' : 'expected a label name (letters, digits and _, not starting with a digit) or }');
        return -1;
      }
      const labelName = text.slice(nameStart, i);
      i = this.skipBlank(i, e);
      if (i >= e || text.charCodeAt(i) !== EQUALS) {
        this.error(`label ${labelName}: expected = after the label name`);
        return -1;
      }
      i = this.skipBlank(i + 1, e);
      if (i >= e || text.charCodeAt(i) !== QUOTE) {
        this.error(`label ${labelName}: the value must be in double quotes`);
        return -1;
      }
      i++;
      const close = this.closingQuote(i, e);
      if (close < 0) {
        this.error(`label ${labelName}: the value is not closed with "`);
        return -1;
      }
      const value = this.quoteEscaped ? this.unescapeLabel(i, close) : text.slice(i, close);
      if (value === undefined) {
        this.error(`label ${labelName}: invalid escape in the value (only \\\\, \\" and \\n are allowed)`);
        return -1;
      }
      for (let k = 0; k < out.length; k += 2) {
        if (out[k] === labelName) {
          this.error(`label ${labelName} appears twice in one sample`);
          return -1;
        }
      }
      out.push(labelName, value);
      i = this.skipBlank(close + 1, e);
      if (i >= e) {
        this.error('the label set is not closed with }');
        return -1;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) i++;
      else if (c === CLOSE) return i + 1;
      else {
        this.error(`label ${labelName}: expected , or } after the value`);
        return -1;
      }
    }
  }

  /** Whether the value closed by the last `closingQuote` holds backslashes. */
  private quoteEscaped = false;

  /**
   * The next backslash at or after `i` (`text.length` when none). The cursor only moves forward, so one
   * search serves every line up to that backslash: a page without any is searched once, not per line.
   */
  private backslashFrom(i: number): number {
    if (this.nextBackslash < i) {
      const b = this.text.indexOf('\\', i);
      this.nextBackslash = b < 0 ? this.text.length : b;
    }
    return this.nextBackslash;
  }

  /** The closing quote of a label value starting at `i`, skipping escaped ones; -1 when not on this line. */
  private closingQuote(i: number, e: number): number {
    const text = this.text;
    const q = text.indexOf('"', i);
    if (q < 0 || q >= e) return -1;
    if (this.backslashFrom(i) > q) {
      this.quoteEscaped = false;
      return q;
    }
    // Slow path: backslashes inside this value.
    let k = i;
    while (k < e) {
      const c = text.charCodeAt(k);
      if (c === BACKSLASH) k += 2;
      else if (c === QUOTE) break;
      else k++;
    }
    if (k >= e) return -1;
    this.quoteEscaped = true;
    return k;
  }

  /** A label value with backslash escapes (backslash, quote, n) undone; undefined for any other escape. */
  private unescapeLabel(i: number, e: number): string | undefined {
    const text = this.text;
    let out = '';
    let from = i;
    let b = this.backslashFrom(i);
    while (b < e) {
      out += text.slice(from, b);
      const next = text.charCodeAt(b + 1);
      if (next === BACKSLASH) out += '\\';
      else if (next === QUOTE) out += '"';
      else if (next === 110 /* n */) out += '\n';
      else return undefined;
      from = b + 2;
      b = this.backslashFrom(from);
    }
    return out + text.slice(from, e);
  }

  /** HELP text with escaped backslashes and `n` undone; other backslashes stay as written. */
  private unescapeHelp(i: number, e: number): string {
    const text = this.text;
    let b = this.backslashFrom(i);
    if (b >= e) return text.slice(i, e);
    let out = '';
    let from = i;
    while (b < e - 1) {
      const next = text.charCodeAt(b + 1);
      if (next === BACKSLASH || next === 110 /* n */) {
        out += text.slice(from, b) + (next === BACKSLASH ? '\\' : '\n');
        from = b + 2;
      }
      b = this.backslashFrom(b + 2);
    }
    return out + text.slice(from, e);
  }

  private addSample(name: string, labels: readonly string[], value: number, timestampMs: number | undefined): void {
    let family: MetricFamily;
    let suffix: SampleSuffix;
    if (name === this.lastName) {
      family = this.lastFamily as MetricFamily;
      suffix = this.lastSuffix;
    } else {
      family = this.resolve(name, labels);
      suffix = this.resolvedSuffix;
      this.lastName = name;
      this.lastFamily = family;
      this.lastSuffix = suffix;
    }
    if (suffix === '' && family.type === 'histogram') {
      this.error(`${name}: a histogram's samples are ${name}_bucket, ${name}_sum and ${name}_count`);
      return;
    }
    this.sampleCount++;
    family.samples.push({ suffix, labels, value, timestampMs, line: this.line });
  }

  private resolvedSuffix: SampleSuffix = '';

  /**
   * The family a sample name belongs to: `x_bucket` / `x_sum` / `x_count` join a histogram or summary
   * `x`; any other name is its own family (untyped unless a TYPE line said otherwise).
   */
  private resolve(name: string, labels: readonly string[]): MetricFamily {
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
}

function suffixOf(name: string): SampleSuffix {
  if (name.endsWith('_bucket')) return '_bucket';
  if (name.endsWith('_count')) return '_count';
  if (name.endsWith('_sum')) return '_sum';
  return '';
}

function hasLabel(labels: readonly string[], name: string): boolean {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return true;
  return false;
}

function parseTimestamp(text: string, start: number, end: number): number | undefined {
  let i = start;
  if (i < end && text.charCodeAt(i) === 45 /* - */) i++;
  if (i === end) return undefined;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(text.slice(start, end));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parses one exposition page. Never throws: every problem becomes a `ParseError` with its line number. */
export function parseExposition(text: string): ParsedPage {
  return new PageParser(text).parse();
}
