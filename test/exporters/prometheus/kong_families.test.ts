import { describe, expect, it } from 'vitest';
import { metricBatch } from '../../../core/index.js';
import { emitted, loadEntries } from '../../processors/kong_metrics/harness.js';
import { plainEntry } from '../../processors/kong_metrics/entries.js';
import { recordingLogger } from '../../support/logs.js';
import { harness, resourceMetrics, samples } from './builders.js';
import { kongMetricsBatch } from './kong_fixture.js';

/**
 * kong_metrics' `naming: kong` families through the prometheus exporter: with the exporter's `naming: kong`
 * the page is Kong's own — names, Kong's whole label set in Kong's order with `""` for labels the
 * processor left off as empty, Kong's bounds.
 */

const KONG = { naming: 'kong', without_scope_info: true, without_target_info: true };
const ID = 'job="kongtel",instance="pod-1"';

async function kongFamilies(entries: Parameters<typeof emitted>[0], config: Record<string, unknown> = {}) {
  const metrics = [...(await emitted(entries, { naming: 'kong', ...config })).values()];
  return metricBatch([resourceMetrics(metrics)]);
}

describe('prometheus exporter: Kong families from kong_metrics naming: kong', () => {
  it("prints Kong's label set and order, with \"\" where Kong has nothing, and keeps kong_bandwidth_bytes' name", async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(await kongFamilies([plainEntry({ source: 'kong', upstream_status: '', response: { status: 401, size: 96 }, latencies: { request: 3, kong: 3, proxy: -1 } })]));
    const page = samples(exporter.scrape());
    expect(page.filter((l) => l.startsWith('kong_http_requests_total') || l.startsWith('kong_bandwidth_bytes'))).toEqual([
      `kong_bandwidth_bytes{service="orders",route="orders-route",direction="ingress",workspace="default",consumer="",${ID}} 120`,
      `kong_bandwidth_bytes{service="orders",route="orders-route",direction="egress",workspace="default",consumer="",${ID}} 96`,
      `kong_http_requests_total{service="orders",route="orders-route",code="401",source="kong",workspace="default",consumer="",${ID}} 1`,
    ]);
    expect(page.filter((l) => l.startsWith('kong_request_latency_ms_bucket')).map((l) => /le="([^"]+)"/.exec(l)?.[1])).toEqual([
      '25', '50', '80', '100', '250', '400', '700', '1000', '2000', '5000', '10000', '30000', '60000', '+Inf',
    ]);
  });

  it('AI families of a 3.14 entry: cache labels as logged, consumer, request_mode "" when not logged', async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(await kongFamilies(loadEntries('ai-docs-3.14-llm-full-transcribed.json')));
    const requests = samples(exporter.scrape()).filter((l) => l.startsWith('kong_ai_llm_requests_total'));
    expect(requests).toEqual([
      `kong_ai_llm_requests_total{ai_provider="cohere",ai_model="command",cache_status="Hit",vector_db="",embeddings_provider="openai",embeddings_model="text-embedding-ada-002",workspace="default",consumer="team-data",request_mode="",${ID}} 1`,
    ]);
  });

  it("warns once when an OTel histogram is renamed onto a Kong family with kongtel's bounds", async () => {
    const { logger, lines } = recordingLogger();
    const { exporter } = harness(KONG, 'prometheus', { logger });
    await exporter.consume(kongMetricsBatch());
    await exporter.consume(kongMetricsBatch());
    const warnings = lines.filter((l) => l.level === 'warn' && l.msg.includes('kong_request_latency_ms is served from kong.latency.total'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('set `naming: kong` on the kong_metrics processor');
  });

  it('no warning for the families kong_metrics records with Kong’s bounds', async () => {
    const { logger, lines } = recordingLogger();
    const { exporter } = harness(KONG, 'prometheus', { logger });
    await exporter.consume(await kongFamilies(loadEntries('kong-3.8-plain.json')));
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
