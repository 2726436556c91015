import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cumulativeToDeltaFactory } from '../../../processors/cumulativetodelta/index.js';
import { schemaIssues } from '../../support/config_errors.js';
import { readmeYaml } from '../../support/readme.js';

const schema = cumulativeToDeltaFactory.configSchema;
const BASE = 'processors.cumulativetodelta';

/** The messages a user would see, with their key paths. */
const errorsOf = (config: unknown): string[] => schemaIssues(schema, BASE, config);

describe('cumulativetodelta config', () => {
  it('defaults: convert everything, 1h staleness, auto first points, 100 000 streams', () => {
    expect(schema.parse({})).toStrictEqual({
      include: { metrics: [], metric_types: [] },
      exclude: { metrics: [], metric_types: [] },
      max_staleness: 3_600_000,
      initial_value: 'auto',
      max_streams: 100_000,
    });
  });

  it('accepts the full shape; durations become milliseconds and metric types lower case', () => {
    expect(
      schema.parse({
        include: { metrics: ['a', 'b'], match_type: 'strict', metric_types: ['SUM', 'exponential_histogram'] },
        exclude: { metrics: ['^x'], match_type: 'regexp' },
        max_staleness: '25h',
        initial_value: 'drop',
        max_streams: 5,
      }),
    ).toStrictEqual({
      include: { metrics: ['a', 'b'], match_type: 'strict', metric_types: ['sum', 'exponential_histogram'] },
      exclude: { metrics: ['^x'], match_type: 'regexp', metric_types: [] },
      max_staleness: 90_000_000,
      initial_value: 'drop',
      max_streams: 5,
    });
    expect(schema.parse({ max_staleness: 0 }).max_staleness).toBe(0);
  });

  it.each([
    [
      'metrics without match_type',
      { include: { metrics: ['a'] } },
      [`${BASE}.include.match_type: must be set when metrics are listed: add match_type: strict (exact names) or match_type: regexp`],
    ],
    [
      'match_type without metrics',
      { exclude: { match_type: 'regexp' } },
      [`${BASE}.exclude.metrics: must list at least one metric name or pattern when match_type is set (or remove match_type)`],
    ],
    ['an unknown match_type', { include: { metrics: ['a'], match_type: 'exact' } }, [`${BASE}.include.match_type: must be one of: "strict", "regexp"`]],
    [
      'a metric type that is never converted',
      { include: { metric_types: ['sum', 'gauge'] } },
      [`${BASE}.include.metric_types[1]: invalid metric type "gauge"; valid values are sum, histogram, exponential_histogram (gauges and non-monotonic sums are never converted)`],
    ],
    [
      'summary, which the Collector also refuses',
      { exclude: { metric_types: ['summary'] } },
      [`${BASE}.exclude.metric_types[0]: invalid metric type "summary"; valid values are sum, histogram, exponential_histogram (gauges and non-monotonic sums are never converted)`],
    ],
    [
      'a regexp that does not compile',
      { include: { metrics: ['ok', '(unclosed'], match_type: 'regexp' } },
      [`${BASE}.include.metrics[1]: invalid regular expression "(unclosed": Invalid regular expression: /(unclosed/: Unterminated group`],
    ],
    ['an unknown initial_value', { initial_value: 'first' }, [`${BASE}.initial_value: must be one of: "auto", "keep", "drop"`]],
    [
      'a bad duration',
      { max_staleness: '1 hour' },
      [`${BASE}.max_staleness: invalid duration "1 hour" (write it as the Collector does: "200ms", "10s", "5m", "25h")`],
    ],
    ['max_streams 0', { max_streams: 0 }, [`${BASE}.max_streams: must be at least 1; it caps the memory the processor holds`]],
    ['max_streams fractional', { max_streams: 1.5 }, [`${BASE}.max_streams: must be a whole number of streams, e.g. 100000`]],
    ['a misspelt key', { max_stalenes: '1h' }, [`${BASE}.max_stalenes: unknown key (did you mean "max_staleness"?)`]],
    ['the deprecated top-level metrics list', { metrics: ['a'] }, [`${BASE}.metrics: unknown key (expected one of: include, exclude, max_staleness, initial_value, max_streams)`]],
  ])('refuses %s', (_name, config, messages) => {
    expect(errorsOf(config)).toEqual(messages);
  });

  it('the README example parses against the schema', () => {
    const block = readmeYaml('processors/cumulativetodelta')[0];
    expect(block).not.toBeUndefined();
    const doc = parse(block!) as { processors: Record<string, unknown> };
    const config = schema.parse(doc.processors.cumulativetodelta);
    expect(config.max_staleness).toBe(25 * 3_600_000);
    expect(config.include.match_type).toBe('regexp');
  });
});
