import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { runningHost } from '../../support/context.js';
import { OtlpStandIn } from '../../support/stand_ins/otlp_http.js';
import { harness, sumBatch } from './fixtures.js';
import { WARN } from '../../support/logs.js';
import { within } from '../../support/wait.js';

const testdata = (f: string) => fileURLToPath(new URL(`./testdata/${f}`, import.meta.url));
const tls = { key: readFileSync(testdata('server.key')), cert: readFileSync(testdata('server.pem')) };

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function httpsStandIn(): Promise<OtlpStandIn> {
  const s = await new OtlpStandIn({ tls }).start();
  stops.push(() => s.stop());
  return s;
}

describe('otlphttp over https', () => {
  it('trusts the CA in tls.ca_file', async () => {
    const s = await httpsStandIn();
    const h = harness({ endpoint: s.endpoint, tls: { ca_file: testdata('ca.pem') } });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [6]));
    await s.server.waitForRequests(1);
    await h.exporter.shutdown();
    expect(s.endpoint.startsWith('https://127.0.0.1:')).toBe(true);
    expect(s.received.total('m')).toBe(6);
  });

  it('without the CA the certificate is refused (a retryable failure, logged with its code)', async () => {
    const s = await httpsStandIn();
    const h = harness({
      endpoint: s.endpoint,
      retry_on_failure: { initial_interval: '50ms', max_interval: '50ms', max_elapsed_time: '120ms', randomization_factor: 0 },
    });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [6]));
    const deadline = Date.now() + 3000;
    while (h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'otlphttp', reason: 'retries_exhausted' }) === 0) {
      if (Date.now() > deadline) throw new Error('never gave up');
      await new Promise((r) => setTimeout(r, 10));
    }
    await h.exporter.shutdown();
    expect(s.requests).toHaveLength(0);
    expect(String(h.lines.find((l) => l.level === WARN)?.reason)).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it('tls.insecure_skip_verify sends anyway, with a warning at start', async () => {
    const s = await httpsStandIn();
    const h = harness({ endpoint: s.endpoint, tls: { insecure_skip_verify: true } });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [2]));
    await s.server.waitForRequests(1);
    await h.exporter.shutdown();
    expect(s.received.total('m')).toBe(2);
    expect(h.lines.find((l) => l.level === WARN)?.msg).toBe('TLS certificate verification is off for this exporter; use it for testing only');
  });

  it('refuses to start when tls.ca_file cannot be read, naming the key', async () => {
    const h = harness({ endpoint: 'https://127.0.0.1:9', tls: { ca_file: '/nonexistent/ca.pem' } });
    await expect(h.exporter.start(runningHost)).rejects.toThrow(
      'exporters.otlphttp.tls.ca_file: cannot read "/nonexistent/ca.pem" (ENOENT); point it at a PEM file of CA certificates',
    );
  });

  it('a FIFO as tls.ca_file fails start-up at once, naming the key (it used to wait for a writer forever)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kongtel-otlphttp-fifo-'));
    try {
      const fifo = join(dir, 'ca.pem');
      execFileSync('mkfifo', [fifo]);
      const h = harness({ endpoint: 'https://127.0.0.1:9', tls: { ca_file: fifo } });
      await expect(within(h.exporter.start(runningHost), 3_000, 'start')).rejects.toThrow(
        `exporters.otlphttp.tls.ca_file: cannot read "${fifo}" (it is a FIFO, not a regular file: ENOTREG); point it at a PEM file of CA certificates`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
