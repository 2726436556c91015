import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CompactMetric, compact, diff, emitted, GOLDEN_DIR, KONG_FIXTURES, loadEntries, sortPoints } from './harness.js';

/**
 * Every Kong fixture, sent as one batch through a default kong_metrics, must emit exactly the metrics of
 * its hand-written expectation in test/testdata/kong_metrics/<fixture>.expected.json.
 */
interface Golden {
  fixture: string;
  config: Record<string, unknown>;
  metrics: Record<string, CompactMetric>;
}

const fixtures = readdirSync(KONG_FIXTURES).filter((f) => f.endsWith('.json')).sort();

describe('kong_metrics golden outputs', () => {
  it('has an expectation for every fixture', () => {
    const goldens = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.expected.json')).sort();
    expect(goldens).toEqual(fixtures.map((f) => f.replace(/\.json$/, '.expected.json')));
    expect(fixtures.length).toBe(18);
  });

  it.each(fixtures)('%s', async (fixture) => {
    const golden = JSON.parse(readFileSync(GOLDEN_DIR + fixture.replace(/\.json$/, '.expected.json'), 'utf8')) as Golden;
    expect(golden.fixture).toBe(fixture);
    const actual = sortPoints(compact(await emitted(loadEntries(fixture), golden.config)));
    const expected = sortPoints(golden.metrics);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    const d = diff(actual, expected);
    expect(d, d).toBeUndefined();
  });
});
