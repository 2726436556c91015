import { sendTo, type Reply, type SendOptions } from '../../support/http_client.js';
import { testContext } from '../../support/context.js';
import { startFromFactory } from '../../support/receivers.js';
import { SelfTelemetry, type Batch, type Consumer, type Logger, type LogBatch } from '../../../core/index.js';
import { KongHttpLogReceiver, kongHttpLogReceiverFactory } from '../../../receivers/kong_http_log/index.js';
import { CapturingConsumer } from '../../support/consumers.js';

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
  const receiver = await startFromFactory(kongHttpLogReceiverFactory, KongHttpLogReceiver, { endpoint: '127.0.0.1:0', ...config }, ctx, next);
  return {
    receiver,
    next,
    telemetry,
    port: receiver.address.port,
    entriesDelivered: () => next.batches.reduce((n, b) => n + (b as LogBatch).entries.length, 0),
  };
}

export type { Reply, SendOptions } from '../../support/http_client.js';

/** One http-log POST over loopback (JSON to `/` unless said otherwise). */
export function send(port: number, o: SendOptions = {}): Promise<Reply> {
  return sendTo(port, { contentType: 'application/json', path: '/' }, o);
}
