import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../../../processors/kong_metrics/sections/index.js';
import { emitted, loadEntries } from './harness.js';
import { FIXTURES } from './sections/section_golden.js';

/**
 * Every Kong fixture, sent as one batch through a default kong_metrics: what each section's instruments
 * emit for it is pinned in that section's golden test (sections/<section>.test.ts, from the hand-written
 * expectations these fixtures had); here, that nothing else is emitted, so the section goldens together
 * pin the whole output.
 */
describe('kong_metrics golden outputs', () => {
  it('has every fixture', () => {
    expect(FIXTURES.length).toBe(18);
  });

  it.each(FIXTURES)('%s: every metric emitted is an instrument a section declares', async (fixture) => {
    const declared = new Set(INSTRUMENTS.map((i) => i.name));
    const names = [...(await emitted(loadEntries(fixture))).keys()];
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !declared.has(n))).toEqual([]);
  });
});
