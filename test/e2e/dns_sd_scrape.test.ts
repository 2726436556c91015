import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dnsmasq } from '../support/dnsmasq.js';
import { freePort } from '../support/ports.js';
import { startKongtel, type RunningProcess } from '../support/processes.js';
import { DynatraceStandIn } from '../support/stand_ins/dynatrace.js';
import { waitFor } from '../support/wait.js';

/**
 * Each Kong pod scraped on its own, as a headless Service gives them: a real DNS server (dnsmasq) answers
 * one name with the addresses of two Kong stand-ins that count differently; kongtel finds both through
 * dns_sd_configs, scrapes each every second, and `cumulativetodelta` sends each pod's deltas to a
 * Dynatrace stand-in. What arrives per `service.instance.id` is exactly what each pod counted after its
 * baseline scrape — no pod's lifetime count shows up as a delta, as it does when one Service address
 * round-robins between pods.
 */

const TOKEN = 'dt0c01.DNSSD.TOKEN';

class KongPod {
  requests: number;
  readonly seen: number[] = [];
  private server: Server | undefined;
  constructor(readonly host: string, start: number) {
    this.requests = start;
  }

  async listen(port: number): Promise<void> {
    this.server = createServer((_req, res) => {
      this.seen.push(this.requests);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE kong_http_requests_total counter\nkong_http_requests_total{service="orders",route="r",code="200",source="service",workspace="default",consumer=""} ${this.requests}\n`);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, this.host, resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('prometheus receiver with dns_sd_configs: every Kong pod scraped on its own (real dnsmasq)', () => {
  const pods = [new KongPod('127.0.0.2', 1_000_000), new KongPod('127.0.0.3', 7)];
  let dns: Dnsmasq;
  let dt: DynatraceStandIn;
  let kongtel: RunningProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    for (const p of pods) await p.listen(port);
    dns = await new Dnsmasq().start({ 'kong-status.test': pods.map((p) => p.host) });
    dt = await new DynatraceStandIn({ token: TOKEN }).start();
    const health = await freePort();
    kongtel = await startKongtel(
      `
receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: kong
          scrape_interval: 1s
          dns_sd_configs:
            - names: [kong-status.test]
              type: A
              port: ${port}
              refresh_interval: 1s
              nameservers: ["${dns.address}"]
processors:
  cumulativetodelta:
    max_staleness: 25h
exporters:
  otlp_http:
    endpoint: ${dt.endpoint}
    headers:
      Authorization: "Api-Token ${TOKEN}"
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [prometheus]
      processors: [cumulativetodelta]
      exporters: [otlp_http]
`,
      health,
    );
    // Both pods are scraped for a baseline, then count on for a few scrapes.
    await waitFor('both pods scraped', async () => (pods.every((p) => p.seen.length >= 1) ? true : undefined), 15_000);
    for (let i = 0; i < 4; i++) {
      pods[0].requests += 10;
      pods[1].requests += 3;
      const seen = pods.map((p) => p.seen.length);
      await waitFor('a scrape of both after the change', async () => (pods.every((p, k) => p.seen.length > seen[k]) ? true : undefined), 10_000);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(await kongtel.stop('SIGTERM')).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await kongtel?.stop('SIGKILL');
    await dt?.stop();
    await dns?.stop();
    for (const p of pods) await p.close();
  });

  it('each pod is its own target (service.instance.id = its address), and its deltas add up to what it counted after its baseline', () => {
    for (const p of pods) {
      const instance = `${p.host}:${port}`;
      const points = dt.received.named('kong_http_requests_total').filter((m) => m.resource['service.instance.id'] === instance).flatMap((m) => m.points);
      expect(points.length).toBeGreaterThan(0);
      const sent = points.reduce((t, x) => t + (x.value ?? 0), 0);
      // The first scrape is the baseline; every later scrape's increment arrives once.
      expect(sent).toBe(p.seen[p.seen.length - 1] - p.seen[0]);
    }
    const total = dt.received.total('kong_http_requests_total');
    expect(total).toBe(pods.reduce((t, p) => t + p.seen[p.seen.length - 1] - p.seen[0], 0));
    expect(total).toBeLessThan(100);
  });
});
