import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_LISTENERS, type RunningListener } from '../helpers/listeners.js';
import { startPrometheus, tempDir, waitFor, type PrometheusServer } from '../helpers/processes.js';
import { selfSigned } from '../helpers/tls.js';

/**
 * The real Prometheus server scrapes the prometheus exporter and the self-telemetry port over https with
 * a self-signed certificate, one with basic_auth, one with a bearer token; a third job with a wrong
 * password sees the target down.
 */
describe('a real Prometheus scrapes /metrics with basic_auth and bearer over https', () => {
  let exporter: RunningListener;
  let selfTelemetry: RunningListener;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    const cert = selfSigned(tempDir('tls'), 'metrics', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
    const tls = { cert_file: cert.cert, key_file: cert.key };
    const auth = { bearer_token: 'scrape-token', basic: { username: 'prometheus', password: 'p@ss:word' } };
    const byName = (name: string) => HTTP_LISTENERS.find((k) => k.name === name)!;
    exporter = await byName('prometheus exporter').start({ tls, auth });
    selfTelemetry = await byName('self-telemetry').start({ tls, auth });
    const job = (name: string, port: number, credentials: string) =>
      `  - job_name: ${name}\n    scheme: https\n    tls_config:\n      ca_file: ${cert.cert}\n      server_name: localhost\n${credentials}` +
      `    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
    prometheus = await startPrometheus(
      [],
      '1s',
      job('exporter_basic', exporter.port, '    basic_auth:\n      username: prometheus\n      password: "p@ss:word"\n') +
        job('self_bearer', selfTelemetry.port, '    authorization:\n      credentials: scrape-token\n') +
        job('exporter_wrong', exporter.port, '    basic_auth:\n      username: prometheus\n      password: wrong\n'),
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    await selfTelemetry?.stop();
  });

  it('both scrapes succeed and the wrong password is refused', async () => {
    const up = await waitFor('three scrapes', async () => {
      const result = await prometheus.query('up');
      return result.length === 3 ? Object.fromEntries(result.map((r) => [r.metric.job, r.value])) : undefined;
    });
    expect(up).toEqual({ exporter_basic: 1, self_bearer: 1, exporter_wrong: 0 });
    // The self-telemetry port reports its own listener: the scrape really read its metrics.
    const open = await prometheus.query('kongtel_listener_open_connections{job="self_bearer"}');
    expect(open.map((r) => r.metric.listener)).toContain('service.telemetry.metrics');
  });
});
