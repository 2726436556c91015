import http from 'node:http';
import https from 'node:https';
import {
  CapturingConsumer,
  runningHost,
  testContext,
} from '../../helpers/context.js';
import { SelfTelemetry, type Batch, type Consumer, type Logger, type LogBatch } from '../../../core/index.js';
import { KongHttpLogReceiver, kongHttpLogReceiverFactory } from '../../../receivers/kong_http_log/index.js';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

export interface SendOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly agent?: http.Agent;
  readonly tls?: https.RequestOptions;
}

/** One request over loopback; resolves with the answer even if the server closes right after it. */
export function send(port: number, o: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = o.body ?? '';
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...o.headers,
    };
    // A header given as undefined is left out (e.g. no Content-Length for a chunked upload).
    for (const name of Object.keys(headers)) if (headers[name] === undefined) delete headers[name];
    const options: https.RequestOptions = {
      host: '127.0.0.1',
      port,
      method: o.method ?? 'POST',
      path: o.path ?? '/',
      headers,
      agent: o.agent,
      ...o.tls,
    };
    const req = (o.tls === undefined ? http : https).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A consumer that keeps what it accepted, so a test can count the entries delivered. */
export type KeepingConsumer = Consumer & { readonly batches: readonly Batch[] };

export interface Harness {
  readonly receiver: KongHttpLogReceiver;
  readonly next: KeepingConsumer;
  readonly telemetry: SelfTelemetry;
  readonly port: number;
  entriesDelivered(): number;
}

/** Starts a receiver on 127.0.0.1 port 0 with the given config keys. */
export async function startReceiver(
  config: Record<string, unknown> = {},
  opts: { next?: KeepingConsumer; logger?: Logger; id?: string } = {},
): Promise<Harness> {
  const telemetry = new SelfTelemetry();
  const next = opts.next ?? new CapturingConsumer();
  const ctx = { ...testContext(opts.id ?? 'kong_http_log', 'receiver', { telemetry }), ...(opts.logger ? { logger: opts.logger } : {}) };
  const parsed = kongHttpLogReceiverFactory.configSchema.parse({ endpoint: '127.0.0.1:0', ...config });
  const receiver = kongHttpLogReceiverFactory.create(parsed, ctx, next);
  if (!(receiver instanceof KongHttpLogReceiver)) throw new Error('factory did not create a KongHttpLogReceiver');
  await receiver.start(runningHost);
  return {
    receiver,
    next,
    telemetry,
    port: receiver.address.port,
    entriesDelivered: () => next.batches.reduce((n, b) => n + (b as LogBatch).entries.length, 0),
  };
}
