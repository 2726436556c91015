import { afterEach, describe, expect, it } from 'vitest';
import { BackPressureError, PermanentError, SelfMetric } from '../../../core/index.js';
import { runningHost } from '../../support/context.js';
import { DynatraceStandIn, errorEnvelope } from '../../support/stand_ins/dynatrace.js';
import { OtlpStandIn, startOtlpStandIn, statusAnswer } from '../../support/stand_ins/otlp_http.js';
import { harness, RecordingClock, sumBatch } from './fixtures.js';
import { ERROR } from '../../support/logs.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const otlp = (): Promise<OtlpStandIn> => startOtlpStandIn(stops);

const ID = { exporter: 'otlphttp' };

describe('otlphttp retries', () => {
  it('503 + Retry-After: 1 twice → waits 1 s each time, then everything arrives exactly once', async () => {
    const dt = await new DynatraceStandIn().start();
    stops.push(() => dt.stop());
    dt.server.failNext(2, { ...errorEnvelope(503, 'Service unavailable'), headers: { 'retry-after': '1' } });
    const clock = new RecordingClock();
    const h = harness({ endpoint: dt.endpoint, headers: { Authorization: `Api-Token ${dt.token}` } }, { clock });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('kong.requests', [3, 4]));
    await dt.server.waitForRequests(3);
    await h.exporter.shutdown();

    expect(dt.requests.map((q) => q.status)).toEqual([503, 503, 200]);
    expect(dt.received.total('kong.requests')).toBe(7);
    expect(dt.received.pointCount()).toBe(2);
    // Backoff alone would wait 50 ms; Retry-After raises both waits to 1000 ms.
    expect(clock.timeouts.filter((ms) => ms === 1000)).toHaveLength(2);
    expect(clock.timeouts.filter((ms) => ms === 50)).toHaveLength(0);
    expect(dt.requests[1].receivedAt - dt.requests[0].receivedAt).toBeGreaterThanOrEqual(990);
    expect(dt.requests[2].receivedAt - dt.requests[1].receivedAt).toBeGreaterThanOrEqual(990);
    expect(h.telemetry.value(SelfMetric.exporterRetries, ID)).toBe(2);
    expect(h.telemetry.value(SelfMetric.exporterSentMetricPoints, ID)).toBe(2);
  });

  // otel-facts §6: retryable = 429, 502, 503, 504; every other status is final.
  const statuses: [number, 'retried' | 'dropped'][] = [
    [429, 'retried'],
    [502, 'retried'],
    [503, 'retried'],
    [504, 'retried'],
    [400, 'dropped'],
    [401, 'dropped'],
    [403, 'dropped'],
    [404, 'dropped'],
    [413, 'dropped'],
    [500, 'dropped'],
    [501, 'dropped'],
  ];
  for (const [status, fate] of statuses) {
    it(`HTTP ${status} → ${fate}`, async () => {
      const s = await otlp();
      s.server.failNext(1, statusAnswer(status, `answer ${status}`, 'proto'));
      const h = harness({ endpoint: s.endpoint });
      await h.exporter.start(runningHost);
      await h.exporter.consume(sumBatch('m', [5]));
      await s.server.waitForRequests(fate === 'retried' ? 2 : 1);
      await h.exporter.shutdown();

      if (fate === 'retried') {
        expect(s.requests.map((q) => q.status)).toEqual([status, 200]);
        expect(s.received.total('m')).toBe(5);
        expect(h.telemetry.value(SelfMetric.exporterRetries, ID)).toBe(1);
      } else {
        expect(s.requests.map((q) => q.status)).toEqual([status]);
        expect(s.received.pointCount()).toBe(0);
        expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: `http_${status}` })).toBe(1);
        expect(h.telemetry.value(SelfMetric.exporterRetries, ID)).toBe(0);
      }
    });
  }

  it('400 with a google.rpc.Status body: one error log quoting its message and the point count', async () => {
    const s = await otlp();
    s.server.failNext(1, statusAnswer(400, 'metric name "" is invalid', 'proto'));
    const h = harness({ endpoint: s.endpoint });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [1, 2, 3]));
    await s.server.waitForRequests(1);
    await h.exporter.shutdown();

    const errors = h.lines.filter((l) => l.level === ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 400, points: 3, message: 'metric name "" is invalid' });
    expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: 'http_400' })).toBe(3);
  });

  it('backend down (connections refused) for 400 ms → retried until it is up, delivered once', async () => {
    const s = await otlp();
    await s.server.goDown();
    const h = harness({ endpoint: s.endpoint });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [8, 9]));
    await new Promise((r) => setTimeout(r, 400));
    expect(s.requests).toHaveLength(0);
    expect(h.telemetry.value(SelfMetric.exporterRetries, ID)).toBeGreaterThanOrEqual(3);
    await s.server.comeUp();
    await s.server.waitForRequests(1);
    await h.exporter.shutdown();

    expect(s.requests.map((q) => q.status)).toEqual([200]);
    expect(s.received.total('m')).toBe(17);
    expect(h.telemetry.value(SelfMetric.exporterSentMetricPoints, ID)).toBe(2);
    // An outage is one warning, not one per attempt.
    expect(h.lines.filter((l) => l.msg.includes('unavailable'))).toHaveLength(1);
  });

  it('max_elapsed_time spent → dropped, counted, one error log', async () => {
    const s = await otlp();
    s.server.failNext(100, statusAnswer(503, 'busy', 'proto'));
    const h = harness({
      endpoint: s.endpoint,
      retry_on_failure: { initial_interval: '50ms', max_interval: '100ms', max_elapsed_time: '300ms', randomization_factor: 0 },
    });
    await h.exporter.start(runningHost);
    const started = Date.now();
    await h.exporter.consume(sumBatch('m', [1, 1, 1, 1]));
    while (h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: 'retries_exhausted' }) === 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = Date.now() - started;
    await h.exporter.shutdown();

    // Waits 50, 75, 100 ms (225 ms spent); a further 100 ms wait would pass 300 ms: 4 attempts, 3 retries.
    expect(s.requests.map((q) => q.status)).toEqual([503, 503, 503, 503]);
    expect(h.telemetry.value(SelfMetric.exporterRetries, ID)).toBe(3);
    expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: 'retries_exhausted' })).toBe(4);
    expect(elapsed).toBeGreaterThanOrEqual(225);
    expect(elapsed).toBeLessThan(2000);
    const errors = h.lines.filter((l) => l.level === ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ points: 4, reason: 'HTTP 503' });
  });

  it('a backend slower than `timeout` counts as a retryable failure', async () => {
    const s = await otlp();
    s.server.delayResponses(300);
    const h = harness({
      endpoint: s.endpoint,
      timeout: '100ms',
      retry_on_failure: { initial_interval: '50ms', max_interval: '50ms', max_elapsed_time: '200ms', randomization_factor: 0 },
    });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [1]));
    await s.server.waitForRequests(2);
    await h.exporter.shutdown();
    expect(h.telemetry.value(SelfMetric.exporterRetries, ID)).toBeGreaterThanOrEqual(1);
    expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: 'retries_exhausted' })).toBe(1);
    expect(h.lines.find((l) => l.level === ERROR)?.reason).toBe('no answer within timeout (100 ms)');
  });

  describe('sending_queue.enabled: false (consume sends inline)', () => {
    it('resolves once the backend accepted the data', async () => {
      const s = await otlp();
      const h = harness({ endpoint: s.endpoint, sending_queue: { enabled: false } });
      await h.exporter.start(runningHost);
      await h.exporter.consume(sumBatch('m', [2, 3]));
      expect(s.requests.map((q) => q.status)).toEqual([200]);
      expect(s.received.total('m')).toBe(5);
      await h.exporter.shutdown();
    });

    it('rejects with PermanentError carrying the backend message on 400', async () => {
      const s = await otlp();
      s.server.failNext(1, statusAnswer(400, 'bad points', 'json'));
      const h = harness({ endpoint: s.endpoint, sending_queue: { enabled: false } });
      await h.exporter.start(runningHost);
      const err = await h.exporter.consume(sumBatch('m', [1])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toBe('exporter otlphttp: backend refused the data (HTTP 400): bad points');
      await h.exporter.shutdown();
    });

    it('rejects with BackPressureError once retries are spent on 503s', async () => {
      const s = await otlp();
      s.server.failNext(100, statusAnswer(503, 'busy', 'proto'));
      const h = harness({
        endpoint: s.endpoint,
        sending_queue: { enabled: false },
        retry_on_failure: { initial_interval: '50ms', max_interval: '50ms', max_elapsed_time: '120ms', randomization_factor: 0 },
      });
      await h.exporter.start(runningHost);
      const err = await h.exporter.consume(sumBatch('m', [1])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackPressureError);
      expect(s.requests.map((q) => q.status)).toEqual([503, 503, 503]);
      await h.exporter.shutdown();
    });
  });
});
