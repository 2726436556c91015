import { shown } from './exposition.js';
import { CLOSE, COMMA, EQUALS, QUOTE, type Lexer } from './lexer.js';

/**
 * Parses `name="value", …}` from just after `{` into `out` (`[name0, value0, …]`); returns the position
 * after `}`, or why the label set is refused. As Prometheus' `parseLVals` (promparse.go, d15adb9a):
 * blanks anywhere, a trailing comma, and no comma between two pairs are all accepted. Refused beyond its
 * parser, as Prometheus' storage refuses them and fails the scrape: a label named `__name__` (the metric
 * name goes before the braces) and a label name given twice.
 */
export function parseLabelSet(lx: Lexer, i: number, e: number, out: string[]): number | string {
  const text = lx.text;
  for (;;) {
    i = lx.skipBlank(i, e);
    if (i < e && text.charCodeAt(i) === CLOSE) return i + 1;
    const nameStart = i;
    i = lx.scanName(i, e, false);
    if (i === nameStart) {
      return i >= e ? 'the label set is not closed with }' : 'expected a label name (letters, digits and _, not starting with a digit) or }';
    }
    const labelName = text.slice(nameStart, i);
    const label = shown(labelName);
    i = lx.skipBlank(i, e);
    if (i >= e || text.charCodeAt(i) !== EQUALS) return `label ${label}: expected = after the label name`;
    i = lx.skipBlank(i + 1, e);
    if (i >= e || text.charCodeAt(i) !== QUOTE) return `label ${label}: the value must be in double quotes`;
    i++;
    const close = lx.closingQuote(i, e);
    if (close < 0) return `label ${label}: the value is not closed with "`;
    if (labelName === '__name__') return 'a label named __name__: the metric name goes before the braces';
    for (let k = 0; k < out.length; k += 2) {
      if (out[k] === labelName) return `label ${label} appears twice in one sample`;
    }
    out.push(labelName, lx.quoteEscaped ? lx.unescapeLabel(i, close) : text.slice(i, close));
    i = lx.skipBlank(close + 1, e);
    if (i >= e) return 'the label set is not closed with }';
    const c = text.charCodeAt(i);
    if (c === CLOSE) return i + 1;
    if (c === COMMA) i++;
  }
}
