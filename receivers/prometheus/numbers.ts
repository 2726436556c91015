/**
 * Numbers as Prometheus' text parser reads them (prometheus/prometheus model/textparse, commit d15adb9a):
 * a sample value is Go's `strconv.ParseFloat` after `parseFloat` in promparse.go refuses any `p`, `P` or
 * `_` ("keep to pre-Go 1.13 float formats"); a timestamp is `{D}+` in promlex.l read by `ParseInt`.
 *
 * What that leaves of ParseFloat's grammar (golang/go src/strconv/atof.go: `special`, `readFloat`):
 * - an optional sign, then `inf` or `infinity` in any case; `nan` in any case, without a sign;
 * - an optional sign, digits with an optional `.` (a digit on at least one side of it), an optional
 *   exponent `e`/`E`, optional sign, digits.
 * Hexadecimal floats need a `p` exponent in ParseFloat, so none is left; `0b`/`0o` were never floats.
 * A decimal beyond float64's range is ParseFloat's ErrRange (refused); one below the smallest subnormal
 * becomes 0, as there.
 *
 * Hand-written rather than `Number()`, which also takes `0x10`, `0b1`, `0o7`, `""` (as 0), surrounding
 * whitespace of any kind (`"1\u00a0"`) and `Infinity` in one spelling only.
 */

const PLUS = 43;
const MINUS = 45;
const DOT = 46;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A sample value (or an `le` / `quantile` label value); undefined where Prometheus refuses it. */
export function parseSampleValue(s: string): number | undefined {
  let i = 0;
  let c = s.length > 0 ? s.charCodeAt(0) : 0;
  if (c === PLUS || c === MINUS) c = s.length > 1 ? s.charCodeAt(++i) : 0;
  return isDigit(c) || c === DOT ? decimal(s, i) : special(s, i);
}

function decimal(s: string, from: number): number | undefined {
  const n = s.length;
  let i = from;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  let digits = i - from;
  if (i < n && s.charCodeAt(i) === DOT) {
    const fraction = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    digits += i - fraction;
  }
  if (digits === 0) return undefined;
  // `| 0x20` folds `E` onto `e`; no other character maps there.
  if (i < n && (s.charCodeAt(i) | 0x20) === 101) {
    i++;
    if (i < n && (s.charCodeAt(i) === PLUS || s.charCodeAt(i) === MINUS)) i++;
    const exponent = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === exponent) return undefined;
  }
  if (i !== n) return undefined;
  // The grammar is checked: Number() now rounds exactly as ParseFloat does (IEEE 754, nearest even).
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function special(s: string, from: number): number | undefined {
  const length = s.length - from;
  if (length !== 3 && length !== 8) return undefined;
  const word = s.slice(from).toLowerCase();
  if (word === 'inf' || word === 'infinity') return s.charCodeAt(0) === MINUS ? -Infinity : Infinity;
  return word === 'nan' && from === 0 ? NaN : undefined;
}

/**
 * A timestamp in `text[start, end)`: milliseconds, digits only (no sign: promlex.l's `{D}+`). Above 2^53
 * a JavaScript number cannot hold every millisecond, so those are refused; Prometheus takes up to 2^63-1
 * (the year 292 million).
 */
export function parseTimestamp(text: string, start: number, end: number): number | undefined {
  if (start === end) return undefined;
  for (let i = start; i < end; i++) if (!isDigit(text.charCodeAt(i))) return undefined;
  const n = Number(text.slice(start, end));
  return n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}
