import {
  Authenticator,
  HttpListener,
  parseEndpoint,
  readTlsMaterial,
  type ComponentContext,
  type Consumer,
  type Host,
  type HostPort,
  type Receiver,
} from '../../core/index.js';
import type { OtlpReceiverConfig } from './config.js';
import { METRICS_PATH, RequestHandler } from './request_handler.js';
import { ReceiverTelemetry } from './telemetry.js';

export { SHUTDOWN_GRACE_MS } from '../../core/index.js';

/** Receives OTLP/HTTP metric exports (protobuf or JSON) and hands them to the pipeline as metric batches. */
export class OtlpReceiver implements Receiver {
  private readonly handler: RequestHandler;
  private readonly listener: HttpListener;
  /** The config key path of the HTTP server, for error messages. */
  private readonly where: string;

  constructor(
    private readonly config: OtlpReceiverConfig,
    private readonly ctx: ComponentContext,
    next: Consumer,
  ) {
    this.where = `receivers.${ctx.id}.protocols.http`;
    const server = config.protocols.http;
    this.handler = new RequestHandler({
      maxBodySize: server.max_request_body_size,
      auth: server.auth === undefined ? undefined : new Authenticator(server.auth),
      next,
      telemetry: new ReceiverTelemetry(ctx.telemetry, ctx.id),
      logger: ctx.logger,
      onCut: (bound) => this.listener.countCut(bound),
    });
    this.listener = new HttpListener((req, res) => this.handler.handle(req, res), { ...ctx, where: this.where });
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    return this.listener.address;
  }

  async start(_host: Host): Promise<void> {
    const config = this.config.protocols.http;
    const at = parseEndpoint(config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:4318"`);
    const tls = config.tls === undefined ? undefined : await readTlsMaterial(config.tls, this.where);
    await this.listener.start(at, config, tls);
    this.ctx.logger.info(
      { endpoint: `${this.address.host}:${this.address.port}`, path: METRICS_PATH, tls: tls !== undefined },
      'receiving OTLP/HTTP metrics',
    );
  }

  async shutdown(): Promise<void> {
    this.handler.stopping = true;
    await this.listener.shutdown();
  }
}
