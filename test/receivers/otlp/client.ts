import { sendTo, type Reply, type SendOptions } from '../../helpers/http_client.js';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CapturingConsumer, runningHost, testContext } from '../../helpers/context.js';
import { SelfTelemetry, type Batch, type Consumer, type Logger, type MetricBatch } from '../../../core/index.js';
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
export async function startReceiver(httpConfig: Record<string, unknown> = {}, opts: { next?: KeepingConsumer; logger?: Logger } = {}): Promise<Harness> {
  const telemetry = new SelfTelemetry();
  const next = opts.next ?? new CapturingConsumer();
  const ctx = { ...testContext('otlp', 'receiver', { telemetry }), ...(opts.logger ? { logger: opts.logger } : {}) };
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

export type { Reply, SendOptions } from '../../helpers/http_client.js';

/** One OTLP export over loopback (protobuf to `/v1/metrics` unless said otherwise), on a fresh connection. */
export function send(port: number, o: SendOptions = {}): Promise<Reply> {
  return sendTo(port, { contentType: 'application/x-protobuf', path: '/v1/metrics' }, { agent: false, ...o });
}
