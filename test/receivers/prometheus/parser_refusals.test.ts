import { describe, expect, it } from 'vitest';
import { parseExposition, parsePage } from '../../../receivers/prometheus/parser.js';

/**
 * Lines Prometheus fails the whole scrape for (each verdict checked against a real Prometheus 2.42 scrape
 * of the same page, and against TestPromParseErrors in prometheus model/textparse/promparse_test.go where
 * it has the case): the parser stops at the first, reports it with its line number, and hands over no
 * family, so the scrape loop refuses the page.
 */
const REFUSED: [string, string, number, string][] = [
  // numbers JavaScript reads and Go's ParseFloat (as Prometheus calls it) does not
  ['hexadecimal', 'ok 1\na 0x10\n', 2, 'a: the value is not a number as Prometheus reads it'],
  ['hexadecimal float', 'a 0x1p-3\n', 1, 'the value is not a number'],
  ['binary', 'a 0b101\n', 1, 'the value is not a number'],
  ['octal', 'a 0o17\n', 1, 'the value is not a number'],
  ['underscore separators', 'a 1_2\n', 1, 'the value is not a number'],
  ['beyond float64', 'a 1e400\n', 1, 'the value is not a number'],
  ['a signed NaN', 'a +NaN\n', 1, 'the value is not a number'],
  ['a no-break space after the value', 'a 1\u00a0\n', 1, 'the value is not a number'],
  ['a CR before the newline (only \\n ends a line)', 'a 1\r\nb 2\r\n', 1, 'the value is not a number'],
  ['a CR on its own line', 'a 1\n\r\nb 2\n', 2, 'expected a metric name'],
  ['a word', 'a true\n', 1, 'the value is not a number'],
  // timestamps: {D}+ only
  ['a negative timestamp', 'a 1 -1\n', 1, 'a: the timestamp must be whole milliseconds'],
  ['a signed timestamp', 'a 1 +5\n', 1, 'the timestamp must be whole milliseconds'],
  ['a fractional timestamp', 'a 1 12.5\n', 1, 'the timestamp must be whole milliseconds'],
  ['text after the timestamp', 'a 1 2 3\n', 1, 'a: unexpected text after the timestamp'],
  // labels
  ['a label named __name__', 'a{__name__="b"} 1\n', 1, 'a: a label named __name__: the metric name goes before the braces'],
  ['__name__ after another label', 'a{c="d",__name__="a"} 1\n', 1, 'a label named __name__'],
  ['a label name twice', 'twice{a="1",a="2"} 1\n', 1, 'twice: label a appears twice in one sample'],
  ['a label name starting with a digit', 'bad{1a="b"} 1\n', 1, 'bad: expected a label name'],
  ['a colon in a label name', 'a{b:c="d"} 1\n', 1, 'label b: expected = after the label name'],
  ['a leading comma', 'a{,b="1"} 1\n', 1, 'expected a label name'],
  ['an empty label name', 'empty_label_name{=""} 0\n', 1, 'expected a label name'],
  ['a value in single quotes', "a{b='c'} 1\n", 1, 'label b: the value must be in double quotes'],
  ['an unquoted value', 'noquote{a=b} 1\n', 1, 'label a: the value must be in double quotes'],
  ['an unclosed value', 'unclosed{a="b} 1\n', 1, 'label a: the value is not closed'],
  ['an unclosed label set', 'open{a="b" 1\n', 1, 'expected a label name'],
  ['a label set cut at the end of the line', 'a{b="c"\n', 1, 'the label set is not closed with }'],
  // the line itself
  ['no metric name', '{a="ok"} 1\n', 1, 'expected a metric name'],
  ['no value', 'missing_value\n', 1, 'missing_value: missing the sample value'],
  ['a quoted (UTF-8) metric name, which kongtel does not ask for', '{"a.b"} 1\n', 1, 'expected a metric name'],
  ['an HTML page', '<html>\n', 1, 'expected a metric name'],
];

describe('lines Prometheus refuses the page for', () => {
  it.each(REFUSED)('%s', (_name, text, line, fragment) => {
    const page = parseExposition(text);
    expect(page.fatal?.line).toBe(line);
    expect(page.fatal?.message).toContain(fragment);
    expect(page.families).toEqual([]);
    expect(page.sampleCount).toBe(0);
  });

  it('a page-supplied name is cut in the message', () => {
    const name = 'x'.repeat(5000);
    expect(parseExposition(`${name} 0x1\n`).fatal?.message.length).toBeLessThan(400);
  });
});

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('bytes that are not UTF-8 (decoding would make them U+FFFD and hide them)', () => {
  it('in a label value: the page is refused, naming the line', () => {
    const page = parsePage(bytes('ok 1\na{b="', [0xff], '"} 1\n'));
    expect(page.fatal).toEqual({ line: 2, message: 'the line is not valid UTF-8' });
  });

  it('a sequence cut short (C3 without its second byte) in a label value', () => {
    expect(parsePage(bytes('a{b="', [0xc3], '"} 1\n')).fatal?.line).toBe(1);
  });

  it('in HELP text: the page is refused', () => {
    expect(parsePage(bytes('# HELP a x', [0xc3], '\na 1\n')).fatal).toEqual({ line: 1, message: 'the # HELP text is not valid UTF-8' });
  });

  it('in a plain comment: ignored, as Prometheus ignores comments', () => {
    const page = parsePage(bytes('# made by ', [0xff, 0xfe], '\na 1\n'));
    expect(page.fatal).toBeUndefined();
    expect(page.errorCount).toBe(0);
    expect(page.sampleCount).toBe(1);
  });

  it('in a # TYPE or # UNIT line: reported and the line ignored', () => {
    const page = parsePage(bytes('# TYPE a counter', [0xff], '\n# UNIT a s', [0xff], '\na 1\n'));
    expect(page.fatal).toBeUndefined();
    expect(page.errors).toEqual([
      { line: 1, message: 'the # TYPE line is not valid UTF-8: ignored' },
      { line: 2, message: 'the # UNIT line is not valid UTF-8: ignored' },
    ]);
    expect(page.families.map((f) => [f.name, f.type, f.unit])).toEqual([['a', 'untyped', '']]);
  });

  it('valid UTF-8 stays as it is, U+FFFD written as its bytes included', () => {
    const page = parsePage(Buffer.from('a{b="Heizölrückstoßabdämpfung €"} 1\nd{e="\ufffd"} 2\n', 'utf8'));
    expect(page.fatal).toBeUndefined();
    expect(page.families.map((f) => f.samples[0].labels)).toEqual([['b', 'Heizölrückstoßabdämpfung €'], ['e', '\ufffd']]);
  });
});
