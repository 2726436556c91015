import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KongEntryGenerator } from '../../bench/kong_entries.js';
import { startKongtel } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/** kongtel's own metrics on their own port: every accepted, rejected and refused item is counted. */
describe('self-telemetry on service.telemetry.metrics.address', () => {
  it('counts what the pipeline did, in promtool-clean Prometheus text', async () => {
    const [log, prom, health, admin] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const kongtel = await startKongtel(
      `
receivers:
  kong_http_log: { endpoint: 127.0.0.1:${log} }
processors:
  kong_metrics: { interval: 200ms }
exporters:
  prometheus: { endpoint: 127.0.0.1:${prom} }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: 127.0.0.1:${admin} } }
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] }
`,
      health,
    );
    const entries = new KongEntryGenerator(11).many(250, 0.5).map((g) => g.entry);
    const post = async (body: unknown) => (await fetch(`http://127.0.0.1:${log}/`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status;
    expect(await post(entries.slice(0, 200))).toBe(200);
    expect(await post([...entries.slice(200), 1, 'two', { three: 3 }])).toBe(200);
    expect(await post(7)).toBe(400);

    const scrape = async () => (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
    const value = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1]);
    const text = await waitFor('kong_metrics to emit', async () => {
      const t = await scrape();
      return value(t, 'kongtel_processor_outgoing_items_total{processor="kong_metrics",pipeline="metrics"}') > 0 ? t : undefined;
    });
    expect(value(text, 'kongtel_receiver_accepted_log_records_total{receiver="kong_http_log"}')).toBe(250);
    // 1 and 'two' in the array, and the body 7 (refused whole, counted as one).
    expect(value(text, 'kongtel_receiver_rejected_log_records_total{receiver="kong_http_log",reason="not_an_object"}')).toBe(3);
    expect(value(text, 'kongtel_receiver_rejected_log_records_total{receiver="kong_http_log",reason="not_a_kong_entry"}')).toBe(1);
    expect(value(text, 'kongtel_receiver_requests_total{receiver="kong_http_log",code="200"}')).toBe(2);
    expect(value(text, 'kongtel_receiver_requests_total{receiver="kong_http_log",code="400"}')).toBe(1);
    expect(value(text, 'kongtel_processor_incoming_items_total{processor="kong_metrics",pipeline="metrics"}')).toBe(250);
    expect(value(text, 'kongtel_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
    expect(await kongtel.stop('SIGTERM')).toBe(0);
  });
});
