import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { damagedPage, oracleTimestamp, oracleValue, sampleLine, timestampToken, valueToken, type SampleLine } from '../../bench/fuzz/prometheus_text.js';
import { convertPage } from '../../receivers/prometheus/conversion.js';
import type { ParsedPage } from '../../receivers/prometheus/exposition.js';
import { PointLabels } from '../../receivers/prometheus/labels.js';
import { parseSampleValue, parseTimestamp } from '../../receivers/prometheus/numbers.js';
import { parsePage } from '../../receivers/prometheus/parser.js';
import { TargetResources } from '../../receivers/prometheus/resources.js';
import { StartTimes } from '../../receivers/prometheus/start_times.js';
import { stubTarget } from '../receivers/prometheus/helpers.js';

/**
 * The prometheus receiver's text parser against hostile pages: numbers in every notation, label sets
 * with escapes, invalid UTF-8, timestamps, damaged Kong pages and random bytes. It never throws, never
 * takes long, and accepts exactly what an independent oracle (bench/fuzz/prometheus_text.ts: regular
 * expressions from Go's ParseFloat grammar and Prometheus' lexer rules) accepts, reading the same values.
 */
const RUNS = Math.max(500, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 2));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const OPTIONS = { seed: SEED, numRuns: RUNS, endOnFailure: true };
/** Far above what these pages need (well under a millisecond): a parse this slow is a hang. */
const SLOW_MS = 250;
const T0 = 1_700_000_000_000;

function timedParse(body: Buffer): ParsedPage {
  const t = performance.now();
  const page = parsePage(body);
  expect(performance.now() - t).toBeLessThan(SLOW_MS);
  return page;
}

/** What any parse must satisfy, whatever the input. */
function checkInvariants(page: ParsedPage): void {
  expect(page.errors.length).toBeLessThanOrEqual(Math.min(100, page.errorCount));
  if (page.fatal !== undefined) {
    expect(page.families).toEqual([]);
    expect(page.fatal.line).toBeGreaterThan(0);
    return;
  }
  let samples = 0;
  for (const f of page.families) {
    expect(f.samples.length).toBeGreaterThan(0);
    for (const s of f.samples) {
      expect(typeof s.value).toBe('number');
      if (s.timestampMs !== undefined) expect(Number.isSafeInteger(s.timestampMs) && s.timestampMs >= 0).toBe(true);
      samples++;
    }
  }
  expect(samples).toBe(page.sampleCount);
}

/** Conversion of an accepted page never throws and only hands over histogram points that hold together. */
function checkConversion(page: ParsedPage): void {
  const target = stubTarget();
  const result = convertPage(page, T0, { labels: new PointLabels(target), resources: new TargetResources(target), startTimes: new StartTimes() });
  for (const rm of result.resourceMetrics) {
    for (const m of rm.scopeMetrics.flatMap((sm) => sm.metrics)) {
      for (const p of m.dataPoints as DataPoint<number | Histogram>[]) {
        if (typeof p.value === 'number') continue;
        const counts = p.value.buckets.counts;
        expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(p.value.count);
      }
    }
  }
}

describe('prometheus text format: hostile input', () => {
  it('sample values in every notation: same verdict and value as the ParseFloat oracle', () => {
    fc.assert(
      fc.property(fc.oneof(valueToken, fc.string({ maxLength: 12 })), (s) => {
        const got = parseSampleValue(s);
        const want = oracleValue(s);
        expect({ s, got }).toEqual({ s, got: want });
      }),
      OPTIONS,
    );
  });

  it('timestamps: same verdict and value as the {D}+ oracle', () => {
    fc.assert(
      fc.property(fc.oneof(timestampToken, fc.string({ maxLength: 22 })), (s) => {
        expect({ s, got: parseTimestamp(s, 0, s.length) }).toEqual({ s, got: oracleTimestamp(s) });
      }),
      OPTIONS,
    );
  });

  it('generated sample and comment lines: the page is refused exactly at the first line the rules refuse, and read as the oracle reads it', () => {
    const comment = fc.constantFrom<SampleLine>(
      { bytes: Buffer.from('# a plain comment \\ " {\n'), expected: undefined },
      { bytes: Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x0a]), expected: undefined },
      { bytes: Buffer.from('# HELP a Some help \\n.\n'), expected: undefined },
      { bytes: Buffer.from('\n'), expected: undefined },
    );
    const badHelp = Buffer.from([...Buffer.from('# HELP a '), 0xc3, 0x0a]);
    const line = fc.oneof({ weight: 6, arbitrary: sampleLine.map((l) => ({ l, sample: true, fatal: l.expected === undefined })) }, {
      weight: 2,
      arbitrary: comment.map((l) => ({ l, sample: false, fatal: false })),
    }, { weight: 1, arbitrary: fc.constant({ l: { bytes: badHelp, expected: undefined } as SampleLine, sample: false, fatal: true }) });
    const verdicts = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (lines) => {
        const page = timedParse(Buffer.concat(lines.map((x) => x.l.bytes)));
        checkInvariants(page);
        const firstRefused = lines.findIndex((x) => x.fatal);
        verdicts[firstRefused >= 0 ? 'refused' : 'accepted']++;
        if (firstRefused >= 0) {
          expect(page.fatal?.line).toBe(firstRefused + 1);
          return;
        }
        expect(page.fatal).toBeUndefined();
        const byLine = new Map(page.families.flatMap((f) => f.samples.map((s) => [s.line, { name: f.name + s.suffix, s }] as const)));
        lines.forEach((x, i) => {
          if (!x.sample) return;
          const got = byLine.get(i + 1);
          const want = x.l.expected;
          expect(got === undefined ? undefined : { name: got.name, labels: got.s.labels, value: got.s.value, timestampMs: got.s.timestampMs }).toEqual(want);
        });
        checkConversion(page);
      }),
      OPTIONS,
    );
    // Both verdicts must be exercised, or the property proves nothing.
    expect(verdicts.accepted).toBeGreaterThan(RUNS / 10);
    expect(verdicts.refused).toBeGreaterThan(RUNS / 10);
  });

  const kongPage = readFileSync(new URL('../testdata/kong/prometheus-plugin-3.x-metrics.txt', import.meta.url));

  it('damaged Kong pages and random bytes: no throw, no hang, invariants hold, conversion stays sound', () => {
    fc.assert(
      fc.property(fc.oneof(damagedPage(kongPage), fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a))), (body) => {
        const page = timedParse(body);
        checkInvariants(page);
        if (page.fatal === undefined) checkConversion(page);
      }),
      { ...OPTIONS, numRuns: Math.max(200, Math.round(RUNS / 2)) },
    );
  });

  it('a 4 MiB page of one unterminated label value, and one of 200 000 backslashes, parse in bounded time', () => {
    const pages = [Buffer.from(`a{b="${'x'.repeat(4 << 20)}`), Buffer.from(`a{b="${'\\'.repeat(200_000)}"} 1\n`.repeat(5)), Buffer.from('#\n'.repeat(1 << 20))];
    for (const body of pages) {
      const t = performance.now();
      checkInvariants(parsePage(body));
      expect(performance.now() - t).toBeLessThan(2_000);
    }
  });
});
