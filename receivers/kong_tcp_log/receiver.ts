import type net from 'node:net';
import {
  ConnectionGuard,
  errorMessage,
  parseEndpoint,
  type ComponentContext,
  type Consumer,
  type Host,
  type HostPort,
  type Receiver,
  listen,
} from '../../core/index.js';
import type { KongTcpLogConfig } from './config.js';
import { LineConnection, type ConnectionOptions } from './connection.js';
import { Outcomes } from './outcomes.js';
import { createServer } from './server.js';
import { ReceiverTelemetry } from './telemetry.js';

/** How long shutdown waits for batches already in the pipeline before cutting their connections. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** Receives Kong tcp-log entries (one JSON object per line) over TCP or TLS. */
export class KongTcpLogReceiver implements Receiver {
  private server: net.Server | undefined;
  private guard: ConnectionGuard | undefined;
  private readonly connections = new Set<LineConnection>();
  private readonly options: ConnectionOptions;
  private readonly where: string;
  private stopping = false;

  constructor(
    private readonly config: KongTcpLogConfig,
    private readonly ctx: ComponentContext,
    next: Consumer,
  ) {
    this.where = `receivers.${ctx.id}`;
    this.options = {
      maxLineSize: config.max_line_size,
      idleTimeoutMs: config.idle_timeout,
      backPressureTimeoutMs: config.back_pressure_timeout,
      next,
      clock: ctx.clock,
      outcomes: new Outcomes(new ReceiverTelemetry(ctx.telemetry, ctx.id), ctx.logger),
      logger: ctx.logger,
    };
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    const bound = this.server?.address();
    if (bound === undefined || bound === null || typeof bound === 'string') {
      throw new Error(`${this.where}: not listening; call start() first`);
    }
    return { host: bound.address, port: bound.port };
  }

  async start(_host: Host): Promise<void> {
    const at = parseEndpoint(this.config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:9000"`);
    const server = await createServer(this.config, this.where, this.onSocket);
    this.guard = new ConnectionGuard(server, { ...this.ctx, where: this.where, maxConnections: this.config.max_connections });
    await listen(server, at, this.where);
    server.on('error', (err: Error) => this.ctx.logger.error({ error: errorMessage(err) }, 'tcp-log server error'));
    server.on('tlsClientError', (err: Error) =>
      this.ctx.logger.debug({ error: errorMessage(err) }, 'tcp-log TLS handshake failed'),
    );
    this.server = server;
    this.ctx.logger.info(
      { endpoint: `${this.address.host}:${this.address.port}`, tls: this.config.tls !== undefined },
      'receiving Kong tcp-log entries',
    );
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.stopping = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const connections = [...this.connections];
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const deadline = this.ctx.clock.setTimeout(() => {
        timedOut = true;
        resolve();
      }, SHUTDOWN_GRACE_MS);
      void Promise.all(connections.map((c) => c.stop())).then(() => {
        deadline.cancel();
        resolve();
      });
    });
    if (timedOut) this.ctx.logger.warn({ connections: connections.length }, 'tcp-log shutdown: the pipeline did not take the last batches in time');
    for (const c of connections) c.destroy();
    // Connections still in their TLS handshake have no LineConnection yet.
    this.guard?.destroyAll();
    // After a timeout a batch may never settle, and its connection never finishes: do not wait for it.
    if (!timedOut) await Promise.all(connections.map((c) => c.finished));
    await closed;
    this.server = undefined;
  }

  private readonly onSocket = (socket: net.Socket): void => {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const connection = new LineConnection(socket, this.options);
    this.connections.add(connection);
    void connection.finished.then(() => this.connections.delete(connection));
  };
}
