import fc from 'fast-check';
import { raw, toNode, type JsonNode } from './json_node.js';

/**
 * Values put where a Kong entry expects something else: every JSON type, numbers JSON.parse turns into
 * Infinity / -0 / lost digits, strings with lone surrogates and control characters, long strings, deep
 * nesting and objects with repeated keys.
 */

/** Number tokens as text: `1e309` parses to Infinity, `-0` to negative zero, long integers lose digits. */
export const NUMBER_TOKENS = [
  '1e309',
  '-1e309',
  '1E400',
  '1e308',
  '1.7976931348623157e308',
  '-1e308',
  '-0',
  '-0.0',
  '0e0',
  '0',
  '-1',
  '-2147483649',
  '1.5',
  '0.0001',
  '5e-324',
  '9007199254740993',
  '18446744073709551616',
  '123456789012345678901234567890',
] as const;

/** String tokens JSON allows but code may not expect: lone surrogates, NUL, controls, U+FFFD, RTL marks. */
export const STRING_TOKENS = [
  '""',
  '" "',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\n\\r\\t"',
  '"\\ufffd"',
  '"\\u202e"',
  '"__proto__"',
  '"-1"',
  '"1e309"',
  '"NaN"',
  '"200"',
  '"502, 200"',
] as const;

export interface HostileLimits {
  /** Longest generated string, in characters (keep modest: many cases run per second). */
  readonly maxStringLength: number;
  /** Deepest generated nesting. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: HostileLimits = { maxStringLength: 300_000, maxDepth: 10_000 };

/** `depth` nested arrays or objects, as text: building them as nodes would recurse that deep. */
export function deepNesting(depth: number, shape: 'array' | 'object'): JsonNode {
  if (shape === 'array') return raw('['.repeat(depth) + ']'.repeat(depth));
  return raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

export function longString(length: number, fill = 'x'): JsonNode {
  return raw(`"${fill.repeat(length)}"`);
}

export function hostileValue(limits: HostileLimits = DEFAULT_LIMITS): fc.Arbitrary<JsonNode> {
  const scalar = fc.oneof(
    fc.constantFrom(...NUMBER_TOKENS).map(raw),
    fc.constantFrom(...STRING_TOKENS).map(raw),
    fc.constantFrom('true', 'false', 'null').map(raw),
    fc.integer().map((n) => raw(String(n))),
    // NaN and ±Infinity become `null` in JSON.stringify: still a wrong type where a number belongs.
    fc.double().map((d) => toNode(d)),
    fc.string({ unit: 'binary', maxLength: 40 }).map((s) => toNode(s)),
  );
  const structured = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => toNode(v)),
    fc.constant(null).map((): JsonNode => ({ kind: 'array', items: [] })),
    fc.constant(null).map((): JsonNode => ({ kind: 'object', pairs: [] })),
  );
  const big = fc.oneof(
    fc.integer({ min: 1_000, max: limits.maxStringLength }).map((n) => longString(n)),
    fc.tuple(fc.integer({ min: Math.min(100, limits.maxDepth), max: limits.maxDepth }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, s]) =>
      deepNesting(d, s),
    ),
    fc.tuple(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), fc.jsonValue({ maxDepth: 1 })).map(
      ([key, a, b]): JsonNode => ({ kind: 'object', pairs: [[key, toNode(a)], [key, toNode(b)]] }),
    ),
  );
  return fc.oneof({ arbitrary: scalar, weight: 6 }, { arbitrary: structured, weight: 3 }, { arbitrary: big, weight: 1 });
}
