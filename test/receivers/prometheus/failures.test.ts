import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { countDataPoints, PermanentError, SelfMetric } from '../../../core/index.js';
import { ScrapeMetric } from '../../../receivers/prometheus/index.js';
import { numberValue, T0, times } from './helpers.js';
import { job, startReceiver, TargetServer, type ReceiverHarness } from './target_server.js';
import { stopAfterEach } from '../../support/teardown.js';
import { freePort } from '../../support/ports.js';

const PAGE = '# TYPE kong_http_requests_total counter\nkong_http_requests_total{code="200"} 10\n';

let server: TargetServer | undefined;
let h: ReceiverHarness | undefined;

stopAfterEach(() => [h, server], () => {
  h = undefined;
  server = undefined;
});

function targetLabels(instance: string) {
  return { receiver: 'prometheus', job: 'kong', instance };
}

describe('a failed scrape: up=0, counted by reason, logged once, no crash', () => {
  it('target down (connection refused) → up=0 for every scrape, one warning; it comes back → up=1, data flows, one info', async () => {
    const port = await freePort();
    const instance = `127.0.0.1:${port}`;
    h = await startReceiver(job([instance]));
    for (let i = 0; i < 3; i++) await h.advance(i === 0 ? 0 : 10_000);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(instance))).toBe(0);
    expect(h.telemetry.value(ScrapeMetric.failures, { ...targetLabels(instance), reason: 'connection' })).toBe(3);
    expect(h.consumer.batches).toHaveLength(0);
    const warnings = h.logs.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: 'connection', detail: 'ECONNREFUSED', target: `http://${instance}/metrics` });

    const back = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(PAGE));
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    try {
      await h.advance(10_000);
      expect(h.telemetry.value(ScrapeMetric.up, targetLabels(instance))).toBe(1);
      expect(numberValue(h.last().resourceMetrics, 'kong_http_requests_total')).toBe(10);
      // First seen at the first successful scrape (T0 + 30 s): nothing earlier is known.
      expect(times(h.last().resourceMetrics, 'kong_http_requests_total')).toEqual([T0 + 30_000, T0 + 30_000]);
      expect(h.logs.filter((l) => l.level === 'info' && l.msg.includes('answers again'))).toHaveLength(1);
      expect(h.logs.filter((l) => l.level === 'warn')).toHaveLength(1);
    } finally {
      await h.shutdown();
      h = undefined;
      back.closeAllConnections();
      await new Promise<void>((resolve) => back.close(() => resolve()));
    }
  });

  it('no answer within scrape_timeout → timeout (on the injected clock), then the next scrape works', async () => {
    server = await TargetServer.start();
    server.body = PAGE;
    server.hang = true;
    h = await startReceiver(job([server.address]));
    const arrived = server.nextRequest();
    h.clock.advance(0);
    await arrived;
    // The scrape is still waiting: move the clock without waiting for it.
    h.clock.advance(4_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.telemetry.value(ScrapeMetric.failures, { ...targetLabels(server.address), reason: 'timeout' })).toBe(0);
    await h.advance(1);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(0);
    expect(h.telemetry.value(ScrapeMetric.failures, { ...targetLabels(server.address), reason: 'timeout' })).toBe(1);
    expect(h.logs.find((l) => l.level === 'warn')).toMatchObject({ reason: 'timeout', detail: 'no complete answer within scrape_timeout (5000 ms)' });

    server.hang = false;
    await h.advance(5_000);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(1);
    expect(numberValue(h.last().resourceMetrics, 'kong_http_requests_total')).toBe(10);
  });

  const BAD_ANSWERS: [string, (s: TargetServer) => void, string, string][] = [
    ['HTTP 500', (s) => (s.status = 500), 'http_status', 'HTTP 500'],
    ['an HTML page', (s) => (s.body = '<html>\n<body>Kong Manager</body>\n</html>\n'), 'parse', 'line 1: expected a metric name'],
    ['a page of # TYPE lines only, all wrong', (s) => (s.body = '# TYPE a bucket\n# TYPE b bucket\n'), 'parse', 'no valid sample in the page (line 1: # TYPE a bucket'],
    ['a corrupt gzip body', (s) => (s.contentEncoding = 'gzip'), 'decode', 'the gzip body is corrupt'],
    ['an encoding not asked for', (s) => (s.contentEncoding = 'br'), 'decode', 'unsupported Content-Encoding "br"'],
    ['protobuf', (s) => (s.contentType = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'), 'parse', 'the target answered application/vnd.google.protobuf'],
  ];
  for (const [name, make, reason, detail] of BAD_ANSWERS) {
    it(`${name} → up=0, reason ${reason}`, async () => {
      server = await TargetServer.start();
      server.body = PAGE;
      make(server);
      h = await startReceiver(job([server.address]));
      await h.advance(0);
      expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(0);
      expect(h.telemetry.value(ScrapeMetric.failures, { ...targetLabels(server.address), reason })).toBe(1);
      expect(h.consumer.batches).toHaveLength(0);
      expect(String(h.logs.find((l) => l.level === 'warn')?.detail)).toContain(detail);
    });
  }

  const REFUSED_PAGES: [string, string | Buffer, string][] = [
    ['a hexadecimal value', `${PAGE}other 2\nbroken 0x1F\n`, 'line 4: broken: the value is not a number as Prometheus reads it'],
    ['a label named __name__', `${PAGE}other{__name__="x"} 2\n`, 'line 3: other: a label named __name__'],
    ['a label value that is not UTF-8', Buffer.concat([Buffer.from(`${PAGE}other{a="`), Buffer.from([0xc3, 0x28]), Buffer.from('"} 2\n')]), 'line 3: the line is not valid UTF-8'],
    ['a line Prometheus cannot read', `${PAGE}broken{ 1\nother 2\n`, 'line 3: broken: expected a label name'],
  ];
  for (const [name, body, detail] of REFUSED_PAGES) {
    it(`a page with ${name}: refused whole as Prometheus does (up=0, reason parse), one warning naming the line, nothing handed over`, async () => {
      server = await TargetServer.start();
      server.body = body;
      h = await startReceiver(job([server.address]));
      await h.advance(0);
      await h.advance(10_000);
      expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(0);
      expect(h.telemetry.value(ScrapeMetric.failures, { ...targetLabels(server.address), reason: 'parse' })).toBe(2);
      expect(h.consumer.batches).toHaveLength(0);
      const warnings = h.logs.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].detail)).toContain(detail);
      expect(String(warnings[0].detail)).toContain('Prometheus refuses such a page too');

      server.body = PAGE;
      await h.advance(10_000);
      expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(1);
      expect(countDataPoints(h.last())).toBe(1);
    });
  }

  it('a page with wrong metadata lines: they are skipped and counted, the samples kept, up=1, one warning naming the first', async () => {
    server = await TargetServer.start();
    server.body = `${PAGE}# TYPE other bucket\nother 2\n# HELP other once\n# HELP other twice\n`;
    h = await startReceiver(job([server.address]));
    await h.advance(0);
    await h.advance(10_000);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(1);
    expect(h.telemetry.value(ScrapeMetric.parseErrors, targetLabels(server.address))).toBe(4);
    expect(countDataPoints(h.last())).toBe(2);
    const warnings = h.logs.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].first).toBe('line 3: # TYPE other bucket: "bucket" is not a metric type (exactly one of counter, gauge, histogram, summary, untyped); other is read as untyped');
  });

  it('a page larger than body_size_limit (decompressed: a gzip bomb too) → up=0, reason body_size; within it → up=1', async () => {
    server = await TargetServer.start();
    server.gzip = true;
    // 2 MiB of text, a few KiB gzipped.
    server.body = `${PAGE}${'# padding padding padding padding padding padding\n'.repeat(44_000)}`;
    h = await startReceiver(job([server.address], { body_size_limit: '1MiB' }));
    await h.advance(0);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(0);
    expect(h.telemetry.value(ScrapeMetric.failures, { ...targetLabels(server.address), reason: 'body_size' })).toBe(1);
    expect(h.consumer.batches).toHaveLength(0);
    expect(h.logs.find((l) => l.level === 'warn')?.detail).toBe('the page is larger than body_size_limit (1048576 bytes once decompressed)');
    server.body = PAGE;
    await h.advance(10_000);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(1);
  });

  it('shutdown during a scrape that hangs: returns, delivers nothing', async () => {
    server = await TargetServer.start();
    server.hang = true;
    h = await startReceiver(job([server.address]));
    const arrived = server.nextRequest();
    h.clock.advance(0);
    await arrived;
    await h.shutdown();
    h = undefined;
  });
});

describe('the pipeline refuses a scrape', () => {
  it('back-pressure: the points are dropped and counted, logged once; the next scrape carries the totals again', async () => {
    server = await TargetServer.start();
    server.body = PAGE;
    h = await startReceiver(job([server.address]));
    h.consumer.refuse = true;
    await h.advance(0);
    server.body = PAGE.replace('} 10', '} 12');
    await h.advance(10_000);
    expect(h.consumer.batches).toHaveLength(0);
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'prometheus', reason: 'back_pressure' })).toBe(2);
    expect(h.telemetry.value(ScrapeMetric.up, targetLabels(server.address))).toBe(1);
    expect(h.logs.filter((l) => l.level === 'warn')).toHaveLength(1);

    h.consumer.refuse = false;
    server.body = PAGE.replace('} 10', '} 15');
    await h.advance(10_000);
    expect(numberValue(h.last().resourceMetrics, 'kong_http_requests_total')).toBe(15);
    expect(times(h.last().resourceMetrics, 'kong_http_requests_total')).toEqual([T0, T0 + 20_000]);
    expect(h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'prometheus' })).toBe(1);
    expect(h.logs.filter((l) => l.level === 'info' && l.msg.includes('takes scraped points again'))).toHaveLength(1);
  });

  it('a permanent error is counted under its own reason', async () => {
    server = await TargetServer.start();
    server.body = PAGE;
    h = await startReceiver(job([server.address]));
    h.consumer.fail = new PermanentError('no');
    await h.advance(0);
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'prometheus', reason: 'permanent' })).toBe(1);
  });

  it('any other error is counted under reason error', async () => {
    server = await TargetServer.start();
    server.body = PAGE;
    h = await startReceiver(job([server.address]));
    h.consumer.fail = new Error('the test pipeline broke');
    await h.advance(0);
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'prometheus', reason: 'error' })).toBe(1);
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'prometheus', reason: 'permanent' })).toBe(0);
  });
});
