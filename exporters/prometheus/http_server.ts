import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answeredUnauthorized,
  createHttpServer,
  type Authenticator,
  type ConnectionGuard,
  type HostPort,
  type HttpServerSettings,
  type ListenerContext,
  type Logger,
  type TlsMaterial,
} from '../../core/index.js';
import { sendPage, type PageChunks } from './page_writer.js';

/** How the server listens: timeouts and max_connections, credentials scrapers must send, where it reports. */
export interface MetricsServerOptions {
  readonly settings: HttpServerSettings;
  readonly auth: Authenticator | undefined;
  readonly context: ListenerContext;
}

/**
 * Serves `GET /metrics` (and HEAD). Other paths answer 404, other methods 405. The body is gzipped when
 * the scraper accepts it, as Prometheus does by default: text exposition compresses about tenfold.
 * The page streams out as it is rendered (page_writer.ts), so a scrape never blocks ingestion.
 */
export class MetricsHttpServer {
  private server: Server | undefined;
  private guard: ConnectionGuard | undefined;
  private bound: HostPort | undefined;
  private renderFailed = false;

  constructor(
    private readonly render: () => Promise<PageChunks>,
    private readonly logger: Logger,
    private readonly options: MetricsServerOptions,
  ) {}

  get address(): HostPort | undefined {
    return this.bound;
  }

  /** `tls`: serve https. */
  listen(where: HostPort, id: string, tls?: TlsMaterial): Promise<HostPort> {
    const { server, guard } = createHttpServer(this.options.settings, tls, (req, res) => this.handle(req, res), this.options.context);
    this.server = server;
    this.guard = guard;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.server = undefined;
        reject(
          new Error(
            `exporters.${id}.endpoint: cannot listen on ${where.host}:${where.port} (${err.code ?? err.message}); ` +
              'set endpoint to a free host:port, e.g. "0.0.0.0:9465"',
          ),
        );
      };
      server.once('error', onError);
      server.listen(where.port, where.host, () => {
        server.off('error', onError);
        // A socket error after start-up is logged, never thrown: nothing crashes after start-up.
        server.on('error', (err: NodeJS.ErrnoException) => this.logger.error({ code: err.code }, 'metrics server error'));
        const a = server.address() as AddressInfo;
        this.bound = { host: a.address, port: a.port };
        resolve(this.bound);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      // Scrapers keep connections alive; do not wait for them to hang up.
      server.closeAllConnections();
      this.guard?.destroyAll();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // Before anything else, so a scraper without credentials learns nothing, not even the path.
    if (answeredUnauthorized(this.options.auth, req, res)) return;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== '/metrics') {
      send(res, 404, 'not found: metrics are served at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'method not allowed: use GET\n');
      return;
    }
    void this.sendMetrics(req, res);
  }

  private async sendMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await sendPage(req, res, req.method === 'HEAD' ? undefined : await this.render());
    } catch (err) {
      if (!this.renderFailed) {
        this.renderFailed = true;
        this.logger.error({ err }, 'rendering /metrics failed (logged once)');
      }
      // Half a page must not pass for a whole one: a scraper that read part of it sees the cut.
      if (res.headersSent) res.destroy();
      else send(res, 500, 'internal error while rendering metrics\n');
    }
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
