import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harness } from './builders.js';
import { kongMetricsBatch } from './kong_fixture.js';

/**
 * The whole scrape for kong_metrics' instruments, both namings, against reviewed golden files in
 * test/testdata/prometheus/. After an intended change: UPDATE_GOLDEN=1 npx vitest run …, then review the diff.
 */
const GOLDEN_DIR = new URL('../../testdata/prometheus/', import.meta.url);

describe.each(['otel', 'kong'])('naming: %s, default options', (naming) => {
  it('matches the golden exposition', async () => {
    const { exporter } = harness({ naming });
    await exporter.consume(kongMetricsBatch());
    const text = exporter.scrape();
    const file = new URL(`${naming}-naming.prom`, GOLDEN_DIR);
    if (process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true') writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('delta input delivered twice renders as the cumulative input of twice the values', async () => {
    const twiceDelta = harness({ naming });
    await twiceDelta.exporter.consume(kongMetricsBatch('delta'));
    await twiceDelta.exporter.consume(kongMetricsBatch('delta'));
    const once = harness({ naming });
    await once.exporter.consume(kongMetricsBatch());
    const doubled = once.exporter
      .scrape()
      .split('\n')
      .map((line) => (line === '' || line.startsWith('#') || line.startsWith('target_info') ? line : doubleValue(line)))
      .join('\n');
    expect(twiceDelta.exporter.scrape()).toBe(doubled);
  });
});

function doubleValue(line: string): string {
  const at = line.lastIndexOf(' ');
  return `${line.slice(0, at)} ${Number(line.slice(at + 1)) * 2}`;
}
