import { sendTo, type Reply, type SendOptions } from '../../support/http_client.js';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { testContext } from '../../support/context.js';
import { startFromFactory } from '../../support/receivers.js';
import { SelfTelemetry, type Batch, type Consumer, type Logger, type MetricBatch } from '../../../core/index.js';
import { OtlpReceiver, otlpReceiverFactory } from '../../../receivers/otlp/index.js';
import { CapturingConsumer } from '../../support/consumers.js';

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
  const receiver = await startFromFactory(otlpReceiverFactory, OtlpReceiver, { protocols: { http: { endpoint: '127.0.0.1:0', ...httpConfig } } }, ctx, next);
  return {
    receiver,
    next,
    telemetry,
    port: receiver.address.port,
    received: () => next.batches.flatMap((b) => (b as MetricBatch).resourceMetrics),
  };
}

export type { Reply, SendOptions } from '../../support/http_client.js';

/** One OTLP export over loopback (protobuf to `/v1/metrics` unless said otherwise), on a fresh connection. */
export function send(port: number, o: SendOptions = {}): Promise<Reply> {
  return sendTo(port, { contentType: 'application/x-protobuf', path: '/v1/metrics' }, { agent: false, ...o });
}
