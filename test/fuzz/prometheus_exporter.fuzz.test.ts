import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { metricBatch, SelfMetric } from '../../core/index.js';
import { parseExposition } from '../../receivers/prometheus/parser.js';
import { T0, harness, resourceMetrics, sum } from '../exporters/prometheus/builders.js';

/**
 * The prometheus exporter against a client that grows what it can: floods of distinct attribute values
 * (quotes, backslashes, newlines, any code point, lone surrogates), metric names and resources, with
 * scrapes streaming out in the middle of it. Whatever the order: the budget is never exceeded, every
 * point is either kept or counted as dropped, every page (finished mid-flood or not) parses with each
 * series once, and the series admitted hold exactly the deltas sent to them.
 */
const RUNS = Math.max(100, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 20));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const MAX_STREAMS = 24;

type Command =
  | { readonly kind: 'points'; readonly metric: string; readonly resource: number; readonly values: readonly string[]; readonly delta: number }
  | { readonly kind: 'chunk' };

const hostileText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('"', '\\', '\n', '\\n', '\\"', '}', '{a="b"}', ' 1', '\uD800', '\uDC00', '\uFFFD', 'é', 'e\u0301'),
);

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('points' as const),
      // Never named like `requests` or target_info once sanitised (the model checks `requests` exactly).
      metric: fc.oneof(fc.constant('requests'), hostileText.map((t) => `x${t}`)),
      resource: fc.nat(3),
      values: fc.array(hostileText, { minLength: 1, maxLength: 6 }),
      delta: fc.nat(1000),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'chunk' as const }) },
);

/** The page as a scraper reads it: UTF-8 on the wire, where an ill-formed code unit becomes U+FFFD. */
const onTheWire = (page: string): string => Buffer.from(page, 'utf8').toString('utf8');

/** Each series of a page once; fails with the page's first problem otherwise. */
function expectValidPage(page: string): Map<string, number> {
  const parsed = parseExposition(onTheWire(page));
  expect(parsed.errors).toEqual([]);
  const seen = new Map<string, number>();
  for (const f of parsed.families) {
    for (const s of f.samples) {
      const key = `${f.name}${s.suffix}\u0000${s.labels.join('\u0000')}`;
      expect(seen.has(key), `duplicate series ${JSON.stringify(key)}`).toBe(false);
      seen.set(key, s.value);
    }
  }
  return seen;
}

describe('prometheus exporter fuzz: budget, accounting and pages under hostile floods', () => {
  it('never past max_streams; kept + dropped = sent; pages valid mid-flood; admitted series exact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
        const { exporter, telemetry } = harness({ max_streams: MAX_STREAMS, without_scope_info: true, metric_expiration: 0 });
        /** The model: streams by (metric, resource, value), held resources, and `requests` totals. */
        const streams = new Set<string>();
        const resources = new Set<number>();
        const requests = new Map<string, { readonly resource: number; readonly value: string; total: number }>();
        let sent = 0;
        let page: { chunks: Iterator<string, void, undefined>; text: string } | undefined;
        const finishPage = (): void => {
          if (!page) return;
          for (let r = page.chunks.next(); !r.done; r = page.chunks.next()) page.text += r.value;
          expectValidPage(page.text);
          page = undefined;
        };
        let at = T0;
        for (const c of commands) {
          if (c.kind === 'chunk') {
            if (!page) page = { chunks: await exporter.page(), text: '' };
            const r = page.chunks.next();
            if (r.done) finishPage();
            else page.text += r.value;
            continue;
          }
          at += 1000;
          const points = c.values.map((v) => ({ attrs: { v }, value: c.delta, at }));
          const resource = { 'service.name': 'kong', 'service.instance.id': `kong-${c.resource}` };
          await exporter.consume(metricBatch([resourceMetrics([sum(c.metric, '', points, { temporality: 'delta' })], { resource })]));
          sent += points.length;
          for (const v of new Set(c.values)) {
            const key = `${c.metric}\u0000${c.resource}\u0000${v}`;
            const need = resources.has(c.resource) ? 1 : 2;
            if (!streams.has(key)) {
              if (streams.size + resources.size + need > MAX_STREAMS) continue;
              streams.add(key);
              resources.add(c.resource);
            }
            const times = c.values.filter((x) => x === v).length;
            if (c.metric !== 'requests') continue;
            const held = requests.get(key) ?? { resource: c.resource, value: v, total: 0 };
            held.total += times * c.delta;
            requests.set(key, held);
          }
          const held = exporter.held;
          expect(held.streams + held.resources).toBeLessThanOrEqual(MAX_STREAMS);
          expect(held.streams + held.resources).toBe(streams.size + resources.size);
        }
        finishPage();
        const dropped = telemetry.sum(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'prometheus' });
        expect(telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'prometheus' }) + dropped).toBe(sent);

        const final = expectValidPage(exporter.scrape());
        // Values differing only in ill-formed UTF-16 are one series on the wire (both become U+FFFD).
        const expected = new Map<string, number>();
        for (const { resource, value, total } of requests.values()) {
          const line = `requests_total\u0000v\u0000${onTheWire(value)}\u0000job\u0000kong\u0000instance\u0000kong-${resource}`;
          expected.set(line, (expected.get(line) ?? 0) + total);
        }
        for (const [line, total] of expected) expect(final.get(line), JSON.stringify(line)).toBe(total);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
