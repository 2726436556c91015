import { beforeEach, describe, expect, it } from 'vitest';
import { BackPressureError, Collector, FanoutConsumer, logBatch, parseConfig, silentLogger, type Batch } from '../../../core/index.js';
import { events, exported, FAKE_FACTORIES, fakeReceivers, resetFakes } from '../../support/fake_factories.js';

const CONFIG = `
receivers:
  kong_http_log:
  otlp:
processors:
  kong_metrics:
  batch:
exporters:
  prometheus:
  prometheus/kong:
extensions:
  health_check:
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [kong_http_log, otlp]
      processors: [kong_metrics, batch]
      exporters: [prometheus, prometheus/kong]
    metrics/kong:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [prometheus/kong]
`;

const entry = { request: { method: 'GET' }, response: { status: 200 } };

describe('pipeline graph', () => {
  beforeEach(resetFakes);

  it('one receiver instance feeds every pipeline; processors are per pipeline; exporters are shared', async () => {
    const collector = new Collector(parseConfig(CONFIG, 'c.yaml', FAKE_FACTORIES, {}), { logger: silentLogger() });
    expect([...fakeReceivers.keys()]).toEqual(['kong_http_log', 'otlp']);
    await collector.start();
    expect(collector.status()).toBe('running');
    expect(events).toEqual([
      'start extension health_check',
      'start exporter prometheus',
      'start exporter prometheus/kong',
      'start processor batch metrics',
      'start processor kong_metrics metrics',
      'start processor kong_metrics metrics/kong',
      'start receiver kong_http_log',
      'start receiver otlp',
    ]);

    await fakeReceivers.get('otlp')?.send({ signal: 'metrics', resourceMetrics: [] });
    expect(exported.get('prometheus')?.length).toBe(1);
    expect(exported.get('prometheus/kong')?.length).toBe(1);

    // Kong entries are held by kong_metrics of both pipelines and flushed on shutdown, into live exporters.
    await fakeReceivers.get('kong_http_log')?.send(logBatch([entry, entry]));
    events.length = 0;
    expect(await collector.shutdown()).toBe(true);
    expect(collector.status()).toBe('stopped');
    expect(events).toEqual([
      'shutdown receiver kong_http_log',
      'shutdown receiver otlp',
      'shutdown processor kong_metrics metrics',
      'shutdown processor kong_metrics metrics/kong',
      'shutdown processor batch metrics',
      'shutdown exporter prometheus',
      'shutdown exporter prometheus/kong',
      'shutdown extension health_check',
    ]);
    // metrics pipeline → prometheus + prometheus/kong; metrics/kong pipeline → prometheus/kong.
    expect(exported.get('prometheus')?.length).toBe(2);
    expect(exported.get('prometheus/kong')?.length).toBe(3);
  });

  it('a component that fails to start stops the others and names itself', async () => {
    const text = CONFIG.replace('telemetry: { metrics: { address: "" } }', 'telemetry: { metrics: { address: "256.0.0.1:1" } }');
    const collector = new Collector(parseConfig(text, 'c.yaml', FAKE_FACTORIES, {}), { logger: silentLogger() });
    await expect(collector.start()).rejects.toThrow(/service.telemetry.metrics.address: cannot listen on 256.0.0.1:1/);
    expect(collector.status()).toBe('stopped');
  });
});

describe('fanout', () => {
  const ok = { consume: async () => {} };
  const full = { consume: async () => Promise.reject(new BackPressureError('full', 3)) };
  const broken = { consume: async () => Promise.reject(new Error('boom')) };
  const batch: Batch = logBatch([]);

  it('settles when every consumer has, preferring back-pressure over other errors', async () => {
    await expect(new FanoutConsumer([ok, ok]).consume(batch)).resolves.toBeUndefined();
    await expect(new FanoutConsumer([broken, full]).consume(batch)).rejects.toBeInstanceOf(BackPressureError);
    await expect(new FanoutConsumer([ok, broken]).consume(batch)).rejects.toThrow('boom');
  });
});
