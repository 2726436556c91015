import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { batchOf, harness, histogram, samples, sum, type PointSpec } from './builders.js';
import { HTTP_LATENCY_BOUNDS, observed } from './kong_fixture.js';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import type { PrometheusExporter } from '../../../exporters/prometheus/index.js';

/**
 * The renderer's budget: a page of 10 000 series rendered well under 100 ms in all, and no chunk (the
 * longest the event loop is held while `/metrics` streams) over 10 ms, encoded bytes included. Timings
 * are logged; the assertion takes the fastest of several runs, because the cores are shared with other
 * work and the slow runs measure the neighbours rather than the renderer.
 */

interface Timing {
  best: number;
  median: number;
  /** The longest chunk of the fastest run. */
  chunk: number;
  text: string;
}

async function timed(exporter: PrometheusExporter, runs = 9): Promise<Timing> {
  let text = '';
  const runsTimed: { total: number; chunk: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const chunks = await exporter.page();
    let total = 0;
    let longest = 0;
    text = '';
    for (;;) {
      const t = performance.now();
      const r = chunks.next();
      if (r.done) break;
      // What the server sends: the encoded chunk (this is also where V8 flattens the string).
      Buffer.from(r.value, 'utf8');
      const took = performance.now() - t;
      total += took;
      longest = Math.max(longest, took);
      text += r.value;
    }
    runsTimed.push({ total, chunk: longest });
  }
  runsTimed.sort((a, b) => a.total - b.total);
  return { best: runsTimed[0].total, median: runsTimed[Math.floor(runs / 2)].total, chunk: Math.min(...runsTimed.map((r) => r.chunk)), text };
}

const attrs = (i: number) => ({
  'kong.service.name': `service-${i % 100}`,
  'kong.route.name': `route-${Math.floor(i / 100)}`,
  'kong.workspace.name': 'default',
  'http.request.method': 'GET',
  'kong.response.status_code': 200,
  'kong.response.source': 'upstream',
});

describe('render performance', () => {
  it('10 000 counter series', async () => {
    const { exporter } = harness();
    const points: PointSpec<number>[] = Array.from({ length: 10_000 }, (_, i) => ({ attrs: attrs(i), value: i }));
    const t0 = performance.now();
    await exporter.consume(batchOf(sum('http.server.request.count', '{request}', points)));
    const consumeMs = performance.now() - t0;
    const t1 = performance.now();
    await exporter.consume(batchOf(sum('http.server.request.count', '{request}', points.map((p) => ({ ...p, value: p.value + 1, at: 1_700_000_010_000 })))));
    const updateMs = performance.now() - t1;
    const { best, median, chunk, text } = await timed(exporter);
    console.log(
      `prometheus exporter: consume 10000 points creating series ${consumeMs.toFixed(1)} ms, updating them ${updateMs.toFixed(1)} ms; ` +
        `render 10000 counter series best ${best.toFixed(2)} ms, median ${median.toFixed(2)} ms, longest chunk ${chunk.toFixed(2)} ms (${(text.length / 1e6).toFixed(2)} MB)`,
    );
    expect(samples(text)).toHaveLength(10_001); // + target_info
    expect(best).toBeLessThan(100);
    expect(chunk).toBeLessThan(10);
  });

  it('1 000 latency histograms (17 buckets each, 19 000 lines), both namings', async () => {
    for (const naming of ['otel', 'kong']) {
      const { exporter } = harness({ naming });
      const points: PointSpec<Histogram>[] = Array.from({ length: 1000 }, (_, i) => ({
        attrs: attrs(i),
        value: observed(HTTP_LATENCY_BOUNDS, [0.01, 0.2, (i % 50) / 10]),
      }));
      await exporter.consume(batchOf(histogram('kong.latency.total', 's', points)));
      const { best, median, chunk, text } = await timed(exporter);
      console.log(
        `prometheus exporter: render 1000 histogram series (naming ${naming}) best ${best.toFixed(2)} ms, median ${median.toFixed(2)} ms, longest chunk ${chunk.toFixed(2)} ms (${(text.length / 1e6).toFixed(2)} MB)`,
      );
      expect(samples(text)).toHaveLength(1000 * 19 + 1);
      expect(best).toBeLessThan(100);
      expect(chunk).toBeLessThan(10);
    }
  });
});
