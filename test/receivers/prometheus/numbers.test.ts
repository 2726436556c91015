import { describe, expect, it } from 'vitest';
import { parseSampleValue, parseTimestamp } from '../../../receivers/prometheus/numbers.js';

/**
 * Sample values as Prometheus reads them: Go's strconv.ParseFloat minus `p`, `P` and `_` (promparse.go
 * parseFloat). Each verdict was checked against a real Prometheus 2.42 scrape (up 1 or 0), or read off
 * ParseFloat's own tests (strconv/atof_test.go) where marked.
 */
const VALUES: [string, number | 'refused'][] = [
  // decimal notation
  ['0', 0],
  ['1027', 1027],
  ['-1.5e3', -1500],
  ['.5', 0.5],
  ['5.', 5],
  ['-.5', -0.5],
  ['+1', 1],
  ['017', 17],
  ['1E+5', 100_000],
  ['1.458255915e9', 1_458_255_915],
  ['1e-400', 0],
  ['1.7976931348623157e308', 1.7976931348623157e308],
  // the words, in any case; NaN takes no sign
  ['NaN', NaN],
  ['nan', NaN],
  ['+Inf', Infinity],
  ['-Inf', -Infinity],
  ['INF', Infinity],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['+infinity', Infinity],
  ['+NaN', 'refused'],
  ['-nan', 'refused'],
  ['infin', 'refused'],
  ['Infinityy', 'refused'],
  // what JavaScript's Number() takes and Prometheus refuses
  ['0x10', 'refused'],
  ['0X1A', 'refused'],
  ['0b101', 'refused'],
  ['0o17', 'refused'],
  ['0x1p-3', 'refused'],
  ['0x1P-3', 'refused'],
  ['1_000', 'refused'], // ParseFloat takes 1_000 (atof_test.go: 1_23.50_0_0e+1_2); Prometheus' parseFloat refuses any _
  ['1e400', 'refused'], // ParseFloat: ErrRange
  ['-1e400', 'refused'],
  ['1\u00a0', 'refused'],
  ['\u20281', 'refused'],
  ['1\r', 'refused'],
  ['', 'refused'],
  // malformed
  ['.', 'refused'],
  ['-', 'refused'],
  ['1e', 'refused'],
  ['1e+', 'refused'],
  ['e5', 'refused'],
  ['1.2.3', 'refused'],
  ['1..2', 'refused'],
  ['true', 'refused'],
  ['12abc', 'refused'],
  ['--1', 'refused'],
];

describe('sample values: Go ParseFloat as Prometheus calls it', () => {
  it.each(VALUES)('%j → %s', (text, expected) => {
    const got = parseSampleValue(text);
    if (expected === 'refused') expect(got).toBeUndefined();
    else expect(got).toBe(expected);
  });
});

const TIMESTAMPS: [string, number | 'refused'][] = [
  ['1395066363000', 1_395_066_363_000],
  ['0', 0],
  ['007', 7],
  ['9007199254740991', Number.MAX_SAFE_INTEGER],
  // promlex.l: `{D}+` — no sign, no fraction, no exponent
  ['-1', 'refused'],
  ['+5', 'refused'],
  ['1.5', 'refused'],
  ['1e3', 'refused'],
  ['0x10', 'refused'],
  // Prometheus takes up to 2^63-1; a JavaScript number holds every millisecond only up to 2^53
  ['9007199254740993', 'refused'],
];

describe('timestamps: digits only', () => {
  it.each(TIMESTAMPS)('%j → %s', (text, expected) => {
    const got = parseTimestamp(` ${text} `, 1, 1 + text.length);
    if (expected === 'refused') expect(got).toBeUndefined();
    else expect(got).toBe(expected);
  });
});
