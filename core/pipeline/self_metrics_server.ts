import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import type { SelfMetricsConfig } from '../config/service.js';
import { parseEndpoint } from '../config/units.js';
import type { Logger } from '../logger.js';
import { Authenticator, answeredUnauthorized } from '../net/auth.js';
import type { ConnectionGuard } from '../net/connection_guard.js';
import { createHttpServer } from '../net/http_server.js';
import type { HttpServerDefaults } from '../net/server_config.js';
import { readTlsMaterial } from '../net/tls.js';
import { serveTap, TAP_PATH, type TapHub } from '../tap/index.js';
import type { SelfTelemetry } from '../telemetry.js';

const WHERE = 'service.telemetry.metrics';

/**
 * The Collector has no timeout keys for its own metrics port, so these are fixed: a scrape is one small
 * GET; idle above the 60 s scrape interval, so a scraper keeps its connection between scrapes.
 */
export const SELF_METRICS_TIMEOUTS: HttpServerDefaults = { read_timeout: 30_000, read_header_timeout: 10_000, idle_timeout: 65_000 };

/** The tap a server streams at `/debug/tap`, and the component ids a client may name. */
export interface TapEndpoint {
  readonly hub: TapHub;
  readonly components: readonly string[];
}

/**
 * Serves the collector's own metrics (`service.telemetry.metrics`), apart from user metrics, and the
 * tap stream (`/debug/tap`, behind the same auth: it shows the mapping's fields of live traffic).
 */
export class SelfMetricsServer {
  private server: Server | undefined;
  private guard: ConnectionGuard | undefined;

  constructor(
    private readonly config: SelfMetricsConfig,
    private readonly telemetry: SelfTelemetry,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
    private readonly timeouts: HttpServerDefaults = SELF_METRICS_TIMEOUTS,
    private readonly tap?: TapEndpoint,
  ) {}

  /** Errors name the key to fix (`service.telemetry.metrics.address`, `….tls.cert_file`). */
  async start(): Promise<AddressInfo> {
    const hp = parseEndpoint(this.config.address);
    if (!hp) throw new Error(`${WHERE}.address: invalid address "${this.config.address}"`);
    const tls = this.config.tls === undefined ? undefined : await readTlsMaterial(this.config.tls, WHERE);
    const auth = this.config.auth === undefined ? undefined : new Authenticator(this.config.auth);
    const settings = { ...this.timeouts, max_connections: this.config.max_connections };
    const context = { where: WHERE, telemetry: this.telemetry, logger: this.logger, clock: this.clock };
    const { server, guard } = createHttpServer(
      settings,
      tls,
      (req, res) => {
        if (answeredUnauthorized(auth, req, res)) return;
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && path === TAP_PATH && this.tap !== undefined) {
          serveTap(req, res, this.tap.hub, this.tap.components);
          return;
        }
        if (req.method !== 'GET' || path !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: self-telemetry is at GET /metrics${this.tap ? `, the tap at GET ${TAP_PATH}` : ''}\n`);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.telemetry.renderPrometheus());
      },
      context,
    );
    this.server = server;
    this.guard = guard;
    await new Promise<void>((resolve, reject) => {
      const refused = (err: Error): void => reject(new Error(`${WHERE}.address: cannot listen on ${this.config.address}: ${err.message}`));
      server.once('error', refused);
      server.listen(hp.port, hp.host, () => {
        server.off('error', refused);
        // After start-up a server error is logged, never thrown.
        server.on('error', (err: NodeJS.ErrnoException) => this.logger.error({ code: err.code }, 'self-telemetry server error'));
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      this.guard?.destroyAll();
    });
  }
}
