import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { pipelineIssues } from '../support/config_errors.js';

/**
 * Issue 10's `storage` keys as a property: whatever a `storage` key holds — a path, an id of something that
 * is not defined, unicode, line breaks, YAML look-alikes, from the file or from `${env:…}` — loading
 * either succeeds because it names the one listed file_storage, or fails with a ConfigError at that key;
 * a directory (anything with a `/` first) is always refused with the form to write; and a value from the
 * environment is never shown.
 */
const RUNS = Math.max(200, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 10));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

const config = (queue: string, wal: string) => `
receivers:
  kong_http_log: { endpoint: 127.0.0.1:0 }
processors:
  kong_metrics: { storage: ${wal} }
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    sending_queue: { storage: ${queue} }
extensions:
  file_storage/q: { directory: /var/lib/kongtel }
service:
  extensions: [file_storage/q]
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [otlphttp] }
`;

const load = pipelineIssues;

const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 30 }).map((s) => `/${s}`),
  fc.constantFrom('file_storage/q', 'file_storage', 'health_check', 'file_storage/q/x', './q', '~/q', 'C:\\q', '${env:X}', '- a', '{a: 1}', '"q"'),
);

describe('storage keys, hostile values', () => {
  it('from the environment: a ConfigError at the key or the listed extension, never the value shown', () => {
    fc.assert(
      fc.property(value, value, (q, w) => {
        const found = load(config('"${env:Q}"', '"${env:W}"'), { Q: `${q}MARK`, W: `${w}MARK` });
        for (const line of found) expect(line).not.toContain('MARK');
        for (const line of found) expect(line).toMatch(/^(exporters\.otlphttp\.sending_queue\.storage|processors\.kong_metrics\.storage): /);
        expect(found.length).toBeGreaterThan(0); // "…MARK" is never the id of the listed extension
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('in the file: a directory is refused with the form to write; the listed id is accepted', () => {
    fc.assert(
      fc.property(value, (q) => {
        const found = load(config(JSON.stringify(q), 'file_storage/q'), {});
        if (q === 'file_storage/q') expect(found).toEqual([]);
        else expect(found.length).toBeGreaterThan(0);
        if (q.startsWith('/')) expect(found[0]).toMatch(/^exporters\.otlphttp\.sending_queue\.storage: names a storage extension \(e\.g\. file_storage\), not a directory; write the directory under a file_storage extension/);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
