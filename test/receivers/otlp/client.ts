import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CapturingConsumer, runningHost, testContext } from '../../helpers/context.js';
import { SelfTelemetry, type Batch, type Consumer, type MetricBatch } from '../../../core/index.js';
import { OtlpReceiver, otlpReceiverFactory } from '../../../receivers/otlp/index.js';

/**
 * The OTLP schema from test/testdata, loaded independently of the receiver's embedded copy, to build
 * requests and read answers the way any OTLP client would.
 */
export const protoRoot = protobuf.loadSync(fileURLToPath(new URL('../../testdata/otlp/metrics.proto', import.meta.url)));
export const RequestType = protoRoot.lookupType('otlp.ExportMetricsServiceRequest');
export const ResponseType = protoRoot.lookupType('otlp.ExportMetricsServiceResponse');
/** google.rpc.Status, declared here because the metrics proto does not hold it. */
export const StatusType = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(StatusType);

/** Encodes a request written in protobufjs' object form (camelCase field names, 64-bit integers as strings). */
export function encodeRequest(request: Record<string, unknown>): Buffer {
  return Buffer.from(RequestType.encode(RequestType.fromObject(request)).finish());
}

export interface PartialSuccessAnswer {
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

/** The `partial_success` of a protobuf ExportMetricsServiceResponse (zeros when absent). */
export function decodeProtobufResponse(body: Buffer): PartialSuccessAnswer {
  const o = ResponseType.toObject(ResponseType.decode(body), { longs: Number, defaults: true }) as {
    partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
  };
  return { rejectedDataPoints: o.partialSuccess?.rejectedDataPoints ?? 0, errorMessage: o.partialSuccess?.errorMessage ?? '' };
}

export function decodeProtobufStatus(body: Buffer): { code: number; message: string } {
  return StatusType.toObject(StatusType.decode(body), { defaults: true }) as { code: number; message: string };
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export interface SendOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly tls?: https.RequestOptions;
}

/** One request over loopback, protobuf unless said otherwise; resolves with the answer. */
export function send(port: number, o: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = o.body ?? '';
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/x-protobuf',
      'content-length': Buffer.byteLength(body),
      ...o.headers,
    };
    for (const name of Object.keys(headers)) if (headers[name] === undefined) delete headers[name];
    const options: https.RequestOptions = {
      host: '127.0.0.1',
      port,
      method: o.method ?? 'POST',
      path: o.path ?? '/v1/metrics',
      headers,
      agent: false,
      ...o.tls,
    };
    const req = (o.tls === undefined ? http : https).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export type KeepingConsumer = Consumer & { readonly batches: readonly Batch[] };

export interface Harness {
  readonly receiver: OtlpReceiver;
  readonly next: KeepingConsumer;
  readonly telemetry: SelfTelemetry;
  readonly port: number;
  /** Every ResourceMetrics the pipeline received, in order. */
  received(): ResourceMetrics[];
}

/** Starts a receiver on 127.0.0.1 port 0 with the given `protocols.http` keys. */
export async function startReceiver(httpConfig: Record<string, unknown> = {}, opts: { next?: KeepingConsumer } = {}): Promise<Harness> {
  const telemetry = new SelfTelemetry();
  const next = opts.next ?? new CapturingConsumer();
  const ctx = testContext('otlp', 'receiver', { telemetry });
  const config = otlpReceiverFactory.configSchema.parse({ protocols: { http: { endpoint: '127.0.0.1:0', ...httpConfig } } });
  const receiver = otlpReceiverFactory.create(config, ctx, next);
  if (!(receiver instanceof OtlpReceiver)) throw new Error('factory did not create an OtlpReceiver');
  await receiver.start(runningHost);
  return {
    receiver,
    next,
    telemetry,
    port: receiver.address.port,
    received: () => next.batches.flatMap((b) => (b as MetricBatch).resourceMetrics),
  };
}
