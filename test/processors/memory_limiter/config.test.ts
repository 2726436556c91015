import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FACTORIES } from '../../../cmd/components.js';
import { type Factory, parseConfig } from '../../../core/index.js';
import { memoryLimiterFactory, resolveLimits } from '../../../processors/memory_limiter/index.js';
import { schemaIssues } from '../../support/config_errors.js';
import { readmeYaml } from '../../support/readme.js';

const schema = memoryLimiterFactory.configSchema;
const BASE = 'processors.memory_limiter';
const MIB = 1024 * 1024;

/** The messages a user would see, with their key paths (as the loader parses: each issue carries its input). */
const errorsOf = (config: unknown): string[] => schemaIssues(schema, BASE, config, { reportInput: true });

describe('memory_limiter config', () => {
  it.each([
    [{ limit_mib: 400 }, { limit_mib: 400 }],
    [{ limit_mib: 400, spike_limit_mib: 100, check_interval: '5s' }, { check_interval: 5000, limit_mib: 400, spike_limit_mib: 100 }],
    [{ limit_percentage: 80, spike_limit_percentage: 20 }, { limit_percentage: 80, spike_limit_percentage: 20 }],
    [{ limit_percentage: 100, spike_limit_percentage: 0 }, { limit_percentage: 100, spike_limit_percentage: 0 }],
    [
      { limit_mib: 400, min_gc_interval_when_soft_limited: '30s', min_gc_interval_when_hard_limited: '2s' },
      { limit_mib: 400, min_gc_interval_when_soft_limited: 30_000, min_gc_interval_when_hard_limited: 2000 },
    ],
  ])('accepts %j', (input, output) => {
    // Defaults are the Collector's: check every second, GC at most every 10 s above the soft limit, at every check above the hard one.
    expect(schema.parse(input)).toStrictEqual({ check_interval: 1000, min_gc_interval_when_soft_limited: 10_000, min_gc_interval_when_hard_limited: 0, ...output });
  });

  it.each([
    [
      'no limit at all',
      {},
      [`${BASE}.limit_mib: required: set limit_mib (the hard limit in MiB, e.g. 400) or limit_percentage (of the memory available to kongtel, e.g. 80)`],
    ],
    ['both limits', { limit_mib: 400, limit_percentage: 80 }, [`${BASE}.limit_percentage: conflicts with limit_mib: set only one of limit_mib and limit_percentage`]],
    [
      'both spike limits',
      { limit_mib: 400, spike_limit_mib: 80, spike_limit_percentage: 20 },
      [`${BASE}.spike_limit_percentage: conflicts with spike_limit_mib: set only one of spike_limit_mib and spike_limit_percentage`],
    ],
    [
      'a spike percentage with limit_mib',
      { limit_mib: 400, spike_limit_percentage: 20 },
      [`${BASE}.spike_limit_percentage: goes with limit_percentage; with limit_mib, write the spike allowance as spike_limit_mib`],
    ],
    [
      'a spike in MiB with limit_percentage',
      { limit_percentage: 80, spike_limit_mib: 100 },
      [`${BASE}.spike_limit_mib: goes with limit_mib; with limit_percentage, write the spike allowance as spike_limit_percentage`],
    ],
    [
      'a spike as large as the limit',
      { limit_mib: 400, spike_limit_mib: 400 },
      [`${BASE}.spike_limit_mib: must be less than limit_mib (400): the soft limit is limit_mib − spike_limit_mib`],
    ],
    [
      'a spike percentage above the limit percentage',
      { limit_percentage: 50, spike_limit_percentage: 60 },
      [`${BASE}.spike_limit_percentage: must be less than limit_percentage (50): the soft limit is limit_percentage − spike_limit_percentage`],
    ],
    ['check_interval 0', { limit_mib: 400, check_interval: 0 }, [`${BASE}.check_interval: must be greater than 0, e.g. "1s"`]],
    [
      'a bad check_interval',
      { limit_mib: 400, check_interval: 'often' },
      [`${BASE}.check_interval: invalid duration "often" (write it as the Collector does: "200ms", "10s", "5m", "25h")`],
    ],
    ['limit_mib 0', { limit_mib: 0 }, [`${BASE}.limit_mib: must be at least 1`]],
    ['a fractional limit_mib', { limit_mib: 12.5 }, [`${BASE}.limit_mib: must be a whole number of MiB, e.g. 400`]],
    ['limit_mib as text', { limit_mib: '400MiB' }, [`${BASE}.limit_mib: expected number, got string "400MiB"`]],
    ['limit_percentage over 100', { limit_percentage: 120 }, [`${BASE}.limit_percentage: must be between 1 and 100`]],
    [
      'a misspelt key',
      { limit_mb: 400 },
      [
        `${BASE}.limit_mb: unknown key (did you mean "limit_mib"?)`,
        `${BASE}.limit_mib: required: set limit_mib (the hard limit in MiB, e.g. 400) or limit_percentage (of the memory available to kongtel, e.g. 80)`,
      ],
    ],
  ])('refuses %s', (_name, config, messages) => {
    expect(errorsOf(config)).toEqual(messages);
  });

  it.each([
    ['limit_mib, default spike (20 %)', { limit_mib: 500 }, 0, 500 * MIB, 400 * MIB],
    ['limit_mib, spike 0 means the default, as in the Collector', { limit_mib: 500, spike_limit_mib: 0 }, 0, 500 * MIB, 400 * MIB],
    ['limit_mib, spike 50', { limit_mib: 500, spike_limit_mib: 50 }, 0, 500 * MIB, 450 * MIB],
    ['80 % of 1000 MiB, default spike', { limit_percentage: 80 }, 1000 * MIB, 800 * MIB, 640 * MIB],
    ['80 % − 30 % of 1000 MiB', { limit_percentage: 80, spike_limit_percentage: 30 }, 1000 * MIB, 800 * MIB, 500 * MIB],
  ])('limits: %s', (_name, config, available, hard, soft) => {
    expect(resolveLimits(schema.parse(config), available)).toEqual({ hardBytes: hard, softBytes: soft });
  });

  it('the README example is a valid config with memory_limiter first in a Kong-log pipeline', () => {
    const block = readmeYaml('processors/memory_limiter')[0];
    expect(block).not.toBeUndefined();
    const doc = parse(block!) as { processors: Record<string, unknown> };
    expect(schema.parse(doc.processors.memory_limiter)).toStrictEqual({
      check_interval: 1000,
      limit_mib: 400,
      spike_limit_mib: 80,
      min_gc_interval_when_soft_limited: 10_000,
      min_gc_interval_when_hard_limited: 0,
    });
    const factories: Factory[] = [...FACTORIES.filter((f) => f.type !== 'memory_limiter'), memoryLimiterFactory];
    const config = parseConfig(block!, 'README.md', factories, {});
    expect(config.pipelines.map((p) => p.processors)).toEqual([['memory_limiter', 'kong_metrics']]);
  });

  it('the graph check lets Kong log entries through memory_limiter to kong_metrics, and not past it to batch', () => {
    const factories: Factory[] = [...FACTORIES.filter((f) => f.type !== 'memory_limiter'), memoryLimiterFactory];
    const text = (processors: string) => `
receivers: { kong_http_log: {} }
processors: { memory_limiter: { limit_mib: 400 }, kong_metrics: {}, batch: {} }
exporters: { prometheus: {} }
service: { pipelines: { metrics: { receivers: [kong_http_log], processors: ${processors}, exporters: [prometheus] } } }
`;
    expect(() => parseConfig(text('[memory_limiter, kong_metrics, batch]'), 'c.yaml', factories, {})).not.toThrow();
    expect(() => parseConfig(text('[memory_limiter, batch]'), 'c.yaml', factories, {})).toThrow(
      'service.pipelines.metrics.processors[1]: "batch" takes metrics, but Kong log entries reach it: put kong_metrics before it',
    );
  });
});
