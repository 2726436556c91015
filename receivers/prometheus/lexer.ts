/**
 * Character-level scanning of one page, shared by the line parser: blanks, names, quoted values and their
 * escapes, with the token rules of Prometheus' lexer (model/textparse/promlex.l, prometheus d15adb9a).
 * Positions are indexes into the page text; `e` is the end of the current line.
 */

export const SPACE = 32;
export const TAB = 9;
export const HASH = 35;
export const QUOTE = 34;
export const BACKSLASH = 92;
export const EQUALS = 61;
export const COMMA = 44;
export const OPEN = 123;
export const CLOSE = 125;
const COLON = 58;
const LETTER_N = 110;

/** 1 = may start a metric name (`[a-zA-Z_:]`), 2 = may only follow (`[0-9]`); label names lack `:`. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-zA-Z_:]/.test(ch)) NAME_CHAR[c] = 1;
  else if (/[0-9]/.test(ch)) NAME_CHAR[c] = 2;
}

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

export class Lexer {
  /** Position of the next backslash at or after the cursor (`text.length` when none). */
  private nextBackslash = -1;
  /** Whether the value closed by the last `closingQuote` holds backslashes. */
  quoteEscaped = false;

  constructor(readonly text: string) {}

  skipBlank(i: number, e: number): number {
    while (i < e && isBlank(this.text.charCodeAt(i))) i++;
    return i;
  }

  /** To the next blank: a word of a comment, or a sample's value or timestamp. */
  skipToken(i: number, e: number): number {
    while (i < e && !isBlank(this.text.charCodeAt(i))) i++;
    return i;
  }

  /** The end of the metric name (`allowColon`) or label name at `i`; `i` itself when there is none. */
  scanName(i: number, e: number, allowColon: boolean): number {
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

  /**
   * The next backslash at or after `i`. The cursor only moves forward, so one search serves every line
   * up to that backslash: a page without any is searched once, not per line.
   */
  private backslashFrom(i: number): number {
    if (this.nextBackslash < i) {
      const b = this.text.indexOf('\\', i);
      this.nextBackslash = b < 0 ? this.text.length : b;
    }
    return this.nextBackslash;
  }

  /** The closing quote of a value starting at `i` (after its `"`), skipping escaped ones; -1 when not on this line. */
  closingQuote(i: number, e: number): number {
    const text = this.text;
    const q = text.indexOf('"', i);
    if (q < 0 || q >= e) return -1;
    if (this.backslashFrom(i) > q) {
      this.quoteEscaped = false;
      return q;
    }
    // Slow path: backslashes inside this value (`\\.` in the lexer: any character may follow one).
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

  /**
   * A label value with `\\`, `\"` and `\n` undone. Another escape stays as written, backslash included,
   * as Prometheus' replacer leaves it (`\x` → `\x`); the text format gives it no meaning.
   */
  unescapeLabel(i: number, e: number): string {
    const text = this.text;
    let out = '';
    let from = i;
    let b = this.backslashFrom(i);
    while (b < e) {
      const next = text.charCodeAt(b + 1);
      if (next === BACKSLASH || next === QUOTE || next === LETTER_N) {
        out += text.slice(from, b) + (next === LETTER_N ? '\n' : next === QUOTE ? '"' : '\\');
        from = b + 2;
        b = this.backslashFrom(b + 2);
      } else {
        b = this.backslashFrom(b + 1);
      }
    }
    return out + text.slice(from, e);
  }

  /** HELP text with `\\` and `\n` undone; other backslashes stay as written. */
  unescapeHelp(i: number, e: number): string {
    const text = this.text;
    let b = this.backslashFrom(i);
    if (b >= e) return text.slice(i, e);
    let out = '';
    let from = i;
    while (b < e - 1) {
      const next = text.charCodeAt(b + 1);
      if (next === BACKSLASH || next === LETTER_N) {
        out += text.slice(from, b) + (next === BACKSLASH ? '\\' : '\n');
        from = b + 2;
        b = this.backslashFrom(b + 2);
      } else {
        b = this.backslashFrom(b + 1);
      }
    }
    return out + text.slice(from, e);
  }
}
