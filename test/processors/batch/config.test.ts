import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { batchFactory } from '../../../processors/batch/index.js';
import { schemaIssues } from '../../support/config_errors.js';
import { readmeYaml } from '../../support/readme.js';

const schema = batchFactory.configSchema;
const BASE = 'processors.batch';

/** The messages a user would see, with their key paths. */
const errorsOf = (config: unknown): string[] => schemaIssues(schema, BASE, config);

describe('batch config', () => {
  it('defaults to the Collector: 8192 points, no cap, 200ms', () => {
    expect(schema.parse({})).toStrictEqual({ send_batch_size: 8192, send_batch_max_size: 0, timeout: 200 });
  });

  it('accepts a cap equal to the size, and timeout 0', () => {
    expect(schema.parse({ send_batch_size: 100, send_batch_max_size: 100, timeout: 0 })).toStrictEqual({
      send_batch_size: 100,
      send_batch_max_size: 100,
      timeout: 0,
    });
    expect(schema.parse({ timeout: '1s' }).timeout).toBe(1000);
  });

  it.each([
    [
      'a cap below the size',
      { send_batch_size: 1000, send_batch_max_size: 500 },
      [`${BASE}.send_batch_max_size: must be 0 (no cap) or at least send_batch_size (1000); raise it or lower send_batch_size`],
    ],
    ['a cap below the default size', { send_batch_max_size: 100 }, [`${BASE}.send_batch_max_size: must be 0 (no cap) or at least send_batch_size (8192); raise it or lower send_batch_size`]],
    ['size 0', { send_batch_size: 0 }, [`${BASE}.send_batch_size: must be at least 1`]],
    ['a fractional size', { send_batch_size: 10.5 }, [`${BASE}.send_batch_size: must be a whole number of data points, e.g. 8192`]],
    ['a negative cap', { send_batch_max_size: -1 }, [`${BASE}.send_batch_max_size: must not be negative`]],
    ['a bad timeout', { timeout: 'soon' }, [`${BASE}.timeout: invalid duration "soon" (write it as the Collector does: "200ms", "10s", "5m", "25h")`]],
    ['a misspelt key', { send_batch_maxsize: 10 }, [`${BASE}.send_batch_maxsize: unknown key (did you mean "send_batch_max_size"?)`]],
  ])('refuses %s', (_name, config, messages) => {
    expect(errorsOf(config)).toEqual(messages);
  });

  it('the README example parses against the schema', () => {
    const block = readmeYaml('processors/batch')[0];
    expect(block).not.toBeUndefined();
    const doc = parse(block!) as { processors: Record<string, unknown> };
    expect(schema.parse(doc.processors.batch)).toStrictEqual({ send_batch_size: 8192, send_batch_max_size: 10_000, timeout: 200 });
  });
});
