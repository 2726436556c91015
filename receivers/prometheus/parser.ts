import { ErrorList, shown, type MetricFamily, type ParsedPage, type ParseError, type SampleSuffix } from './exposition.js';
import { FamilyTable } from './families.js';
import { parseLabelSet } from './label_set.js';
import { HASH, isBlank, Lexer, OPEN } from './lexer.js';
import { parseSampleValue, parseTimestamp } from './numbers.js';
import { decodePage } from './utf8.js';

/**
 * The Prometheus text exposition format 0.0.4 (plus OpenMetrics' `# UNIT`), in one pass over the lines
 * with `indexOf`: a Kong page of 10 000 series is parsed in a few milliseconds. What it refuses follows
 * Prometheus' own parser (model/textparse/promparse.go and promlex.l, prometheus d15adb9a), in two kinds:
 * - a line Prometheus fails the whole scrape for — a sample line it cannot read, invalid UTF-8 in a
 *   sample or a HELP text — is `fatal`: parsing stops and the page is refused, as there;
 * - a metadata line that is wrong (a TYPE word that is not a type, a HELP or TYPE line repeated or after
 *   the samples, a HELP or TYPE without a name) is reported with its line number and skipped; the rest of
 *   the page counts. Kong's published docs print `# TYPE x bucket`, which Prometheus refuses outright.
 */

const EMPTY: readonly string[] = [];

class PageParser {
  private readonly lx: Lexer;
  private readonly table = new FamilyTable();
  private readonly errors = new ErrorList();
  private fatal: ParseError | undefined;
  private sampleCount = 0;
  private line = 0;
  private lastName = '';
  private lastFamily: MetricFamily | undefined;
  private lastSuffix: SampleSuffix = '';

  constructor(
    text: string,
    private readonly invalidUtf8Lines: ReadonlySet<number> | undefined,
  ) {
    this.lx = new Lexer(text);
  }

  parse(): ParsedPage {
    const text = this.lx.text;
    const len = text.length;
    let pos = 0;
    // Only `\n` ends a line, as in Prometheus: a `\r` before it is part of the line (and refused there).
    while (pos < len && this.fatal === undefined) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      this.line++;
      this.parseLine(pos, end);
      pos = end + 1;
    }
    const errors = this.errors;
    if (this.fatal !== undefined) return { families: [], sampleCount: 0, errors: errors.list, errorCount: errors.count, fatal: this.fatal };
    return { families: this.table.withSamples(), sampleCount: this.sampleCount, errors: errors.list, errorCount: errors.count, fatal: undefined };
  }

  private error(message: string): void {
    this.errors.add(this.line, message);
  }

  private fail(message: string): void {
    this.fatal = { line: this.line, message };
  }

  private parseLine(start: number, e: number): void {
    const i = this.lx.skipBlank(start, e);
    if (i === e) return;
    const invalid = this.invalidUtf8Lines?.has(this.line) === true;
    if (this.lx.text.charCodeAt(i) === HASH) this.parseComment(i, e, invalid);
    else if (invalid) this.fail('the line is not valid UTF-8');
    else this.parseSample(i, e);
  }

  private parseComment(hash: number, e: number, invalid: boolean): void {
    const lx = this.lx;
    const text = lx.text;
    // A keyword counts only after `#` and a blank, and before a blank (promlex.l: `#[ \t]+`, `HELP[\t ]+`):
    // `#HELP x` and a bare `# HELP` are plain comments. Comments are not read, so their bytes do not matter.
    if (hash + 1 >= e || !isBlank(text.charCodeAt(hash + 1))) return;
    const kwStart = lx.skipBlank(hash + 1, e);
    const kwEnd = lx.skipToken(kwStart, e);
    if (kwEnd === e) return;
    const keyword = text.slice(kwStart, kwEnd);
    if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') return;
    // Metadata may change how the next sample name resolves.
    this.lastName = '';
    if (invalid) {
      if (keyword === 'HELP') this.fail('the # HELP text is not valid UTF-8');
      else this.error(`the # ${keyword} line is not valid UTF-8: ignored`);
      return;
    }
    const nameStart = lx.skipBlank(kwEnd, e);
    const nameEnd = lx.scanName(nameStart, e, true);
    if (nameEnd === nameStart || (nameEnd < e && !isBlank(text.charCodeAt(nameEnd)))) {
      this.error(`# ${keyword} must be followed by a metric name (letters, digits, _ and :, not starting with a digit)`);
      return;
    }
    const name = text.slice(nameStart, nameEnd);
    // Prometheus' lexer takes the rest of the line after one blank as the text: `# TYPE x counter ` is no type.
    const rest = nameEnd < e ? nameEnd + 1 : e;
    let problem: string | undefined;
    if (keyword === 'HELP') {
      problem = this.table.help(name, lx.unescapeHelp(rest, e));
    } else if (keyword === 'UNIT') {
      const unitStart = lx.skipBlank(rest, e);
      this.table.family(name).unit = text.slice(unitStart, lx.skipToken(unitStart, e));
    } else if (rest === e) {
      problem = `# TYPE ${shown(name)}: missing the type (counter, gauge, histogram, summary or untyped)`;
    } else {
      problem = this.table.type(name, text.slice(rest, e));
    }
    if (problem !== undefined) this.error(problem);
  }

  private parseSample(i: number, e: number): void {
    const lx = this.lx;
    const text = lx.text;
    const nameStart = i;
    i = lx.scanName(i, e, true);
    if (i === nameStart) {
      this.fail('expected a metric name (letters, digits, _ and :, not starting with a digit) or a # comment');
      return;
    }
    const name = text.slice(nameStart, i);
    // As in Prometheus' lexer, the label set or the value may follow the name without a blank.
    i = lx.skipBlank(i, e);
    let labels: readonly string[] = EMPTY;
    if (i < e && text.charCodeAt(i) === OPEN) {
      const parsed: string[] = [];
      const end = parseLabelSet(lx, i + 1, e, parsed);
      if (typeof end === 'string') {
        this.fail(`${shown(name)}: ${end}`);
        return;
      }
      labels = parsed;
      i = lx.skipBlank(end, e);
    }
    if (i >= e) {
      this.fail(`${shown(name)}: missing the sample value`);
      return;
    }
    const valueEnd = lx.skipToken(i, e);
    const value = parseSampleValue(text.slice(i, valueEnd));
    if (value === undefined) {
      this.fail(
        `${shown(name)}: the value is not a number as Prometheus reads it (a decimal such as 12, -0.5 or 1.5e3, or NaN, +Inf, -Inf; ` +
          'not hexadecimal, binary, octal, with _ separators, or beyond float64)',
      );
      return;
    }
    let timestampMs: number | undefined;
    i = lx.skipBlank(valueEnd, e);
    if (i < e) {
      const tsEnd = lx.skipToken(i, e);
      timestampMs = parseTimestamp(text, i, tsEnd);
      if (timestampMs === undefined) {
        this.fail(`${shown(name)}: the timestamp must be whole milliseconds since the epoch, digits only`);
        return;
      }
      if (lx.skipBlank(tsEnd, e) !== e) {
        this.fail(`${shown(name)}: unexpected text after the timestamp`);
        return;
      }
    }
    this.addSample(name, labels, value, timestampMs);
  }

  private addSample(name: string, labels: readonly string[], value: number, timestampMs: number | undefined): void {
    let family: MetricFamily;
    let suffix: SampleSuffix;
    if (name === this.lastName) {
      family = this.lastFamily as MetricFamily;
      suffix = this.lastSuffix;
    } else {
      family = this.table.resolve(name, labels);
      suffix = this.table.resolvedSuffix;
      this.lastName = name;
      this.lastFamily = family;
      this.lastSuffix = suffix;
    }
    if (suffix === '' && family.type === 'histogram') {
      // Prometheus stores it as a plain series; a histogram point has no place for it.
      this.error(`${shown(name)}: a histogram's samples are ${shown(name)}_bucket, _sum and _count; ignored`);
      return;
    }
    this.sampleCount++;
    family.samples.push({ suffix, labels, value, timestampMs, line: this.line });
  }
}

/** Parses one exposition page given as text. Never throws: every problem is a `ParseError` with its line number. */
export function parseExposition(text: string, invalidUtf8Lines?: ReadonlySet<number>): ParsedPage {
  return new PageParser(text, invalidUtf8Lines).parse();
}

/** Parses a page as it came off the wire, refusing bytes that are not UTF-8 where Prometheus does. */
export function parsePage(body: Buffer): ParsedPage {
  const decoded = decodePage(body);
  return parseExposition(decoded.text, decoded.invalidUtf8Lines);
}
