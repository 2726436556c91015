import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ManualClock, SelfTelemetry, type Batch, type MetricBatch } from '../../../core/index.js';
import { PrometheusReceiver, prometheusReceiverFactory } from '../../../receivers/prometheus/index.js';
import { testContext } from '../../support/context.js';
import { startFromFactory } from '../../support/receivers.js';
import { T0 } from './helpers.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { recordingLogger, type NamedLevelLine } from '../../support/logs.js';

/** A `/metrics` endpoint on loopback that serves whatever the test puts in `body`, and records requests. */
export class TargetServer {
  /** A string is sent as UTF-8; a Buffer as it is (bytes that are not UTF-8). */
  body: string | Buffer = '';
  status = 200;
  gzip = false;
  /** Sent as the page's Content-Encoding over the body as it is (a corrupt or unknown encoding). */
  contentEncoding: string | undefined;
  contentType = 'text/plain; version=0.0.4; charset=utf-8';
  /** Accept the request but never answer (timeouts). */
  hang = false;
  /** When set, a request without exactly this Authorization header gets 401. */
  requireAuthorization: string | undefined;
  readonly requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  private readonly hanging: ServerResponse[] = [];
  private arrived: (() => void) | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<TargetServer> {
    let target: TargetServer | undefined;
    const server = createServer((req, res) => target?.handle(req.url ?? '/', req.headers, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = new TargetServer(server, (server.address() as AddressInfo).port);
    return target;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Resolves at the next request. */
  nextRequest(): Promise<void> {
    return new Promise((resolve) => (this.arrived = resolve));
  }

  async close(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(path: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    this.requests.push({ path, headers });
    this.arrived?.();
    this.arrived = undefined;
    if (this.hang) {
      this.hanging.push(res);
      return;
    }
    if (this.requireAuthorization !== undefined && headers.authorization !== this.requireAuthorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="kong"' }).end('unauthorized\n');
      return;
    }
    if (this.status !== 200) {
      res.writeHead(this.status, { 'Content-Type': 'text/plain' }).end('nope\n');
      return;
    }
    const raw = typeof this.body === 'string' ? Buffer.from(this.body, 'utf8') : this.body;
    const zipped = this.gzip && /\bgzip\b/.test(String(headers['accept-encoding'] ?? ''));
    const body = zipped ? gzipSync(raw) : raw;
    const encoding = this.contentEncoding ?? (zipped ? 'gzip' : undefined);
    res.writeHead(200, { 'Content-Type': this.contentType, 'Content-Length': body.length, ...(encoding !== undefined ? { 'Content-Encoding': encoding } : {}) });
    res.end(body);
  }
}

export interface ReceiverHarness {
  readonly receiver: PrometheusReceiver;
  readonly clock: ManualClock;
  readonly consumer: CapturingConsumer;
  readonly telemetry: SelfTelemetry;
  /** Every log line, parsed (level as a name, msg, and the structured fields). */
  readonly logs: NamedLevelLine[];
  /** Moves the clock by `ms` (0 = fire what is due now), then waits for the scrapes it started. */
  advance(ms: number): Promise<void>;
  /** The last batch handed over, as metrics. */
  last(): MetricBatch;
  shutdown(): Promise<void>;
}

function asMetrics(batch: Batch | undefined): MetricBatch {
  if (batch?.signal !== 'metrics') throw new Error(`no metric batch (got ${batch?.signal ?? 'nothing'})`);
  return batch;
}

/** A started receiver on a ManualClock (first scrape due at T0), from a config as written in YAML. */
export async function startReceiver(config: Record<string, unknown>, id = 'prometheus'): Promise<ReceiverHarness> {
  const clock = new ManualClock(T0);
  const telemetry = new SelfTelemetry();
  const consumer = new CapturingConsumer();
  const { logger, lines: logs } = recordingLogger();
  const receiver = await startFromFactory(prometheusReceiverFactory, PrometheusReceiver, config, { ...testContext(id, 'receiver', { clock, telemetry }), logger }, consumer);
  return {
    receiver,
    clock,
    consumer,
    telemetry,
    logs,
    async advance(ms) {
      clock.advance(ms);
      await receiver.idle();
    },
    last: () => asMetrics(consumer.batches.at(-1)),
    shutdown: () => receiver.shutdown(),
  };
}

/** One job scraping `targets` every 10 s with a 5 s timeout; `extra` adds or overrides job keys. */
export function job(targets: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    scrape_configs: [{ job_name: 'kong', scrape_interval: '10s', scrape_timeout: '5s', static_configs: [{ targets }], ...extra }],
  };
}
