import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { KongLogEntry } from '../../../../core/index.js';
import type { SectionDeclaration } from '../../../../processors/kong_metrics/section.js';
import { type CompactMetric, compact, diff, emitted, KONG_FIXTURES, loadEntries, sortPoints } from '../harness.js';

/**
 * One golden test per section of a Kong entry: a few entries in — the section's own cases, and every Kong
 * fixture of test/testdata/kong — and the exact data points of that section's instruments out (names,
 * units, temporality, attributes, values, buckets), pinned in `<section>.golden.json` beside the test.
 * Every instrument the section declares must show up in at least one case, so a new instrument fails
 * its own section's golden test until it has a case and a reviewed expectation, and no other test.
 * After an intended change: `UPDATE_GOLDEN=1 npx vitest run test/processors/kong_metrics/sections/<section>.test.ts`,
 * then review the diff.
 */

export interface GoldenCase {
  readonly name: string;
  readonly entries: readonly KongLogEntry[];
  readonly config?: Record<string, unknown>;
}

type Metrics = Record<string, CompactMetric>;

interface GoldenFile {
  /** By case name. */
  cases: Record<string, Metrics>;
  /** By fixture file name, with the default config ({} when the section emits nothing for it). */
  fixtures: Record<string, Metrics>;
}

export const FIXTURES: readonly string[] = readdirSync(KONG_FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** What the section's instruments emit for `entries` (series sorted by attributes). */
export async function sectionOutput(section: SectionDeclaration, entries: readonly KongLogEntry[], config: Record<string, unknown> = {}): Promise<Metrics> {
  const names = new Set(Object.values(section.instruments).map((i) => i.name));
  const all = sortPoints(compact(await emitted(entries, config)));
  return Object.fromEntries(Object.entries(all).filter(([name]) => names.has(name)));
}

/**
 * Registers the golden cases of one section, one per fixture (run with `fixtureConfig`, the defaults
 * unless given), and the check that they cover its every instrument.
 */
export function goldenCases(section: SectionDeclaration, file: URL, cases: readonly GoldenCase[], fixtureConfig?: Record<string, unknown>): void {
  const update = process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true';
  const golden: GoldenFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GoldenFile) : { cases: {}, fixtures: {} };
  const seen = new Set<string>();
  const check = async (pinned: Record<string, Metrics>, key: string, entries: readonly KongLogEntry[], config?: Record<string, unknown>): Promise<void> => {
    const actual = await sectionOutput(section, entries, config);
    for (const name of Object.keys(actual)) seen.add(name);
    if (update) {
      pinned[key] = actual;
      writeFileSync(file, `${JSON.stringify(golden, null, 2)}\n`);
    }
    const expected = pinned[key];
    expect(expected, `no expectation for "${key}" in ${file.pathname}`).toBeDefined();
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    const d = diff(actual, sortPoints(expected));
    expect(d, d).toBeUndefined();
  };
  for (const c of cases) it(c.name, () => check(golden.cases, c.name, c.entries, c.config));
  for (const fixture of FIXTURES) it(`fixture ${fixture}`, () => check(golden.fixtures, fixture, loadEntries(fixture), fixtureConfig));
  it('the cases cover every instrument the section declares', () => {
    const declared = [...new Set(Object.values(section.instruments).map((i) => i.name))].sort();
    expect([...seen].sort()).toEqual(declared);
  });
}
