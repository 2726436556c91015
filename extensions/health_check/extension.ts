import http from 'node:http';
import {
  createHttpServer,
  type ConnectionGuard,
  errorMessage,
  parseEndpoint,
  type ComponentContext,
  type Extension,
  type Host,
  type HostPort,
  listen,
} from '../../core/index.js';
import type { HealthCheckConfig } from './config.js';
import { healthBody } from './status.js';

const ALLOWED_METHODS = 'GET, HEAD';

/**
 * Answers liveness/readiness probes from the collector's status: 200 while it runs, 503 while it starts or
 * stops. The pipeline engine starts extensions first and stops them last, so probes see both edges.
 */
export class HealthCheckExtension implements Extension {
  private server: http.Server | undefined;
  private guard: ConnectionGuard | undefined;
  private host: Host | undefined;
  private upSince = 0;
  private readonly where: string;

  constructor(
    private readonly config: HealthCheckConfig,
    private readonly ctx: ComponentContext,
  ) {
    this.where = `extensions.${ctx.id}`;
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    const bound = this.server?.address();
    if (bound === undefined || bound === null || typeof bound === 'string') {
      throw new Error(`${this.where}: not listening; call start() first`);
    }
    return { host: bound.address, port: bound.port };
  }

  async start(host: Host): Promise<void> {
    const at = parseEndpoint(this.config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:13133"`);
    this.host = host;
    this.upSince = this.ctx.clock.now();
    const { server, guard } = createHttpServer(this.config, undefined, this.onRequest, { ...this.ctx, where: this.where });
    await listen(server, at, this.where);
    server.on('error', (err: Error) => this.ctx.logger.error({ error: errorMessage(err) }, 'health_check server error'));
    this.server = server;
    this.guard = guard;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    // Every answer is written at once, so nothing is in flight worth waiting for.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    this.guard?.destroyAll();
    await closed;
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== this.config.path) {
      return answer(res, 404, { error: `not found: the health check answers on path ${this.config.path}` });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', ALLOWED_METHODS);
      return answer(res, 405, { error: 'method not allowed: use GET or HEAD' });
    }
    const status = this.host?.status() ?? 'starting';
    answer(res, status === 'running' ? 200 : 503, healthBody(status, this.upSince, this.ctx.clock.now()));
  };
}

function answer(res: http.ServerResponse, code: number, body: object): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('cache-control', 'no-store');
  res.end(text);
}
