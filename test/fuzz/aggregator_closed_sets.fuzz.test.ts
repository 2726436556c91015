import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import type { KongLogEntry } from '../../core/index.js';
import { collectCumulative } from '../../processors/kong_metrics/data_points.js';
import { A2A_BINDINGS, A2A_METHODS, A2A_TASK_STATES } from '../../processors/kong_metrics/sections/a2a.js';
import { CACHE_STATUSES } from '../../processors/kong_metrics/sections/cache.js';
import { REQUEST_MODES } from '../../processors/kong_metrics/sections/genai.js';
import { DEFAULT_HTTP_METHODS } from '../../processors/kong_metrics/sections/http.js';
import { MCP_PRIMITIVES } from '../../processors/kong_metrics/sections/mcp.js';
import { OTHER } from '../../processors/kong_metrics/values.js';
import { aiCall, aiEntry } from '../processors/kong_metrics/entries.js';
import { defaultAggregator } from '../support/fuzz/aggregator.js';

/**
 * Any value a client writes into a field whose values form a closed set: what kong_metrics emits for it is
 * a member of the set or `_OTHER` (a status code an integer 100–599, or nothing), so no client can make
 * more series of those attributes than the set has members, plus one.
 */
const RUNS = Math.max(100, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 20));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

/** Attribute → the values it may take. */
const CLOSED: Readonly<Record<string, ReadonlySet<unknown>>> = {
  'http.request.method': new Set(DEFAULT_HTTP_METHODS),
  'kong.response.source': new Set(['upstream', 'kong']),
  'kong.gen_ai.request.mode': REQUEST_MODES,
  'kong.gen_ai.cache.status': new Set([...CACHE_STATUSES, '']),
  'kong.gen_ai.mcp.primitive': MCP_PRIMITIVES,
  'kong.gen_ai.a2a.method': A2A_METHODS,
  'kong.gen_ai.a2a.binding': A2A_BINDINGS,
  'kong.gen_ai.a2a.task.state': A2A_TASK_STATES,
};

/** Members of the sets (so both branches are taken), near misses, and anything at all. */
function valueArb(members: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...members),
    fc.constantFrom(...members).map((m) => (typeof m === 'string' ? m.toUpperCase() : m)),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, true, {}, [], { code: 404 }),
  );
}

const statusArb = fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer(), fc.double(), fc.string({ maxLength: 5 }), fc.constant(null));

const entryArb = fc
  .record({
    method: valueArb(DEFAULT_HTTP_METHODS),
    status: statusArb,
    source: valueArb(['upstream', 'kong']),
    mode: valueArb([...REQUEST_MODES]),
    cache: valueArb([...CACHE_STATUSES, 'Hit']),
    primitive: valueArb([...MCP_PRIMITIVES]),
    a2aMethod: valueArb([...A2A_METHODS]),
    binding: valueArb([...A2A_BINDINGS]),
    state: valueArb([...A2A_TASK_STATES]),
  })
  .map(
    (v): KongLogEntry =>
      aiEntry(aiCall({ meta: { request_mode: v.mode }, cache: { cache_status: v.cache, fetch_latency: 3 } }), {
        request: { method: v.method, uri: '/v1/chat/completions', size: 10 },
        response: { status: v.status, size: 10 },
        source: v.source,
        ai: {
          proxy: aiCall({ meta: { request_mode: v.mode }, cache: { cache_status: v.cache, fetch_latency: 3 } }),
          mcp: { audit: [{ action: 'allow', primitive: v.primitive, primitive_name: 'x' }] },
          a2a: { rpc: [{ method: v.a2aMethod, binding: v.binding, task_state: v.state, latency: 1 }] },
        },
      }),
  );

describe('kong_metrics attributes from closed sets, over any values', () => {
  it(`emit only members of their set or _OTHER (${RUNS} batches)`, () => {
    const agg = defaultAggregator({ maxSeriesPerMetric: 100_000, maxSeries: 1_000_000 });
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 8 }), (entries) => {
        expect(agg.aggregate(entries, 1_000)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    for (const m of collectCumulative(agg.metrics, 2_000).metrics) {
      for (const p of m.dataPoints) {
        for (const [name, value] of Object.entries(p.attributes)) {
          const allowed = CLOSED[name];
          if (allowed !== undefined) expect(allowed.has(value) || value === OTHER, `${m.descriptor.name} ${name}=${JSON.stringify(value)}`).toBe(true);
          if (name === 'kong.response.status_code') expect(Number.isInteger(value) && Number(value) >= 100 && Number(value) <= 599, `status ${String(value)}`).toBe(true);
          if (name === 'error.type' && m.descriptor.name.startsWith('gen_ai.')) expect(value === OTHER || /^[45]\d\d$/.test(String(value)), `error.type ${String(value)}`).toBe(true);
        }
      }
    }
  });
});
