import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SelfTelemetry } from '../telemetry.js';
import { parseEndpoint } from '../config/units.js';

/** Serves the collector's own metrics (`service.telemetry.metrics.address`), apart from user metrics. */
export class SelfMetricsServer {
  private server: Server | undefined;

  constructor(
    private readonly address: string,
    private readonly telemetry: SelfTelemetry,
  ) {}

  async start(): Promise<AddressInfo> {
    const hp = parseEndpoint(this.address);
    if (!hp) throw new Error(`service.telemetry.metrics.address: invalid address "${this.address}"`);
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: self-telemetry is at GET /metrics\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.telemetry.renderPrometheus());
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(hp.port, hp.host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
