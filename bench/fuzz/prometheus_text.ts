import fc from 'fast-check';

/**
 * Hostile Prometheus text-format input, with an oracle written independently of the parser: regular
 * expressions from the grammars the rules come from, not the parser's hand-written scanners.
 *
 * Numbers: Go's ParseFloat accepts Go's floating-point literal syntax (go.dev/ref/spec#Floating-point_literals:
 * decimal with `_` between digits, hexadecimal with a mandatory `p` exponent), plain integers, and
 * `inf` / `infinity` (signed) and `nan`, in any case (strconv/atof.go, `special`). Prometheus' parseFloat
 * (model/textparse/promparse.go) first refuses anything holding `p`, `P` or `_`, and ParseFloat refuses
 * a decimal beyond float64 (ErrRange).
 */

const D = String.raw`\d(?:_?\d)*`;
const H = String.raw`[0-9a-fA-F](?:_?[0-9a-fA-F])*`;
const DECIMAL = String.raw`(?:${D}\.(?:${D})?|\.${D}|${D})(?:[eE][+-]?${D})?`;
const HEX = String.raw`0[xX](?:_?${H}\.(?:${H})?|_?${H}|\.${H})[pP][+-]?${D}`;
const INFINITY = '(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)';
const GO_PARSE_FLOAT = new RegExp(`^(?:[+-]?(?:${DECIMAL}|${HEX}|${INFINITY})|[nN][aA][nN])$`);
const SPECIAL = new RegExp(`^(?:[+-]?${INFINITY}|[nN][aA][nN])$`);

/** The value Prometheus reads from a sample value token, or undefined where it fails the scrape. */
export function oracleValue(s: string): number | undefined {
  if (!GO_PARSE_FLOAT.test(s) || /[pP_]/.test(s)) return undefined;
  if (SPECIAL.test(s)) return /n$/i.test(s) ? NaN : s.startsWith('-') ? -Infinity : Infinity;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** promlex.l `{D}+` read by ParseInt, within what a JavaScript number holds exactly (the README's limit). */
export function oracleTimestamp(s: string): number | undefined {
  return /^\d+$/.test(s) && Number(s) <= Number.MAX_SAFE_INTEGER ? Number(s) : undefined;
}

const NUMBER_CHARS = [...'0123456789', ...'.eE+-_xXbBoOpP', ...'aAfFiInNtTyY', '\u00a0', '\r', ',', '{'];

/** Value tokens in every notation: known literals, and random strings of number-ish characters. */
export const valueToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '0', '42', '3.25', '-2', '1e3', '+Inf', 'NaN') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0', '1', '-1.5e3', '.5', '5.', '-.5', '+1', '017', '1E+5', '1e-400', '1e400', '-1e400', '1.7976931348623157e308',
      '1.7976931348623159e308', 'NaN', 'nan', '+NaN', '-nan', '+Inf', '-Inf', 'inf', 'INF', 'Infinity', '-infinity', 'infin',
      '0x10', '0X1A', '0x1p-3', '0x1P3', '0x_1p0', '0b101', '0o17', '1_000', '1__0', '1_', '_1', '.', '-', '1e', 'e5', '1.2.3',
      '1\u00a0', '1\r', 'true', '0e0', '-0', '00.00e-00',
    ),
  },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...NUMBER_CHARS), { minLength: 1, maxLength: 12 }).map((cs) => cs.join('')) },
);

export const timestampToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.nat().map(String), fc.constantFrom('0', '007', '1395066363000', '9007199254740991')) },
  { weight: 1, arbitrary: fc.constantFrom('9007199254740993', '-1', '+5', '1.5', '1e3', '0x10', '12a') },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String) },
);

/** A piece of a label value as written between quotes, and what it means. */
interface ValuePiece {
  readonly written: string;
  readonly meant: string;
}

const valuePiece: fc.Arbitrary<ValuePiece> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab }{,=#:é€ 🎉\t'), maxLength: 6 }).map((s) => ({ written: s, meant: s })),
  fc.constantFrom<ValuePiece>(
    { written: '\\\\', meant: '\\' },
    { written: '\\"', meant: '"' },
    { written: '\\n', meant: '\n' },
    // Unknown escapes stay as written (Prometheus' replacer knows only the three above).
    { written: '\\x', meant: '\\x' },
    { written: '\\t', meant: '\\t' },
  ),
);

/** One generated sample line and what Prometheus makes of it. */
export interface SampleLine {
  readonly bytes: Buffer;
  /** undefined: Prometheus fails the scrape. */
  readonly expected: { readonly name: string; readonly labels: readonly string[]; readonly value: number; readonly timestampMs: number | undefined } | undefined;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const blank = fc.constantFrom(' ', '\t', '  ', ' \t');
const maybeBlank = fc.constantFrom('', ' ', '\t');

const label = fc.record({
  name: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('a', 'le', 'quantile', '_x', 'b9', '__meta', 'code', 'service', 'route') },
    { weight: 1, arbitrary: fc.constantFrom('__name__', '9a', 'a:b', 'a-b', '', 'ä') },
  ),
  pieces: fc.array(valuePiece, { maxLength: 4 }),
  badUtf8: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom([0xff], [0xc3], [0xe2, 0x82]) }),
  // No separator at all parses too, as in Prometheus (`a="1"b="2"`).
  separator: fc.constantFrom(',', ', ', ' ,', ' ', ''),
});

/** A sample line built from valid and invalid parts, with the verdict the rules give for it. */
export const sampleLine: fc.Arbitrary<SampleLine> = fc
  .record({
    // Invalid names start with a digit: an empty name would let the value be read as one (`NaN 5`).
    name: fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('a', 'kong_http_requests_total', 'rec:rate5m', '_x', 'h_bucket') },
      { weight: 1, arbitrary: fc.constantFrom('9a', '0') },
    ),
    labels: fc.option(fc.array(label, { maxLength: 3 }), { nil: undefined }),
    trailingComma: fc.boolean(),
    before: maybeBlank,
    afterName: maybeBlank,
    beforeValue: blank,
    value: valueToken,
    timestamp: fc.option(fc.tuple(blank, timestampToken), { nil: undefined }),
    trailing: maybeBlank,
  })
  .map((g): SampleLine => {
    const parts: Buffer[] = [Buffer.from(g.before + g.name)];
    let ok = METRIC_NAME.test(g.name);
    const labels: string[] = [];
    if (g.labels !== undefined) {
      parts.push(Buffer.from(`${g.afterName}{`));
      g.labels.forEach((l, i) => {
        const written = l.pieces.map((p) => p.written).join('');
        parts.push(Buffer.from(`${l.name}="${written}`), Buffer.from(l.badUtf8 ?? []), Buffer.from('"'));
        if (i < g.labels!.length - 1) parts.push(Buffer.from(l.separator));
        ok &&= LABEL_NAME.test(l.name) && l.name !== '__name__' && !labels.some((n, k) => k % 2 === 0 && n === l.name) && l.badUtf8 === undefined;
        labels.push(l.name, l.pieces.map((p) => p.meant).join(''));
      });
      if (g.trailingComma && g.labels.length > 0) parts.push(Buffer.from(','));
      parts.push(Buffer.from('}'));
    }
    parts.push(Buffer.from(g.beforeValue + g.value));
    const value = oracleValue(g.value);
    ok &&= value !== undefined;
    let timestampMs: number | undefined;
    if (g.timestamp !== undefined) {
      parts.push(Buffer.from(g.timestamp[0] + g.timestamp[1]));
      timestampMs = oracleTimestamp(g.timestamp[1]);
      ok &&= timestampMs !== undefined;
    }
    parts.push(Buffer.from(`${g.trailing}\n`));
    return { bytes: Buffer.concat(parts), expected: ok && value !== undefined ? { name: g.name, labels, value, timestampMs } : undefined };
  });

/** Byte-level damage to a page: flips, insertions of bytes that matter to the grammar, cuts. */
export const damagedPage = (page: Buffer): fc.Arbitrary<Buffer> =>
  fc
    .array(
      fc.record({
        at: fc.nat(),
        op: fc.constantFrom('flip', 'insert', 'delete'),
        byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x22, 0x5c, 0x0a, 0x0d, 0x7b, 0x7d, 0x2c, 0x3d, 0x23, 0x20, 0x00, 0xff, 0xc3)),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((edits) => {
      let b = Buffer.from(page);
      for (const e of edits) {
        const i = e.at % (b.length + 1);
        if (e.op === 'flip' && i < b.length) b[i] = e.byte;
        else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.from([e.byte]), b.subarray(i)]);
        else if (i < b.length) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
      }
      return b;
    });
