import net from 'node:net';
import tls from 'node:tls';
import {
  BackPressureError,
  SelfMetric,
  SelfTelemetry,
  type Batch,
  type Clock,
  type Consumer,
  type KongLogEntry,
  type LogBatch,
} from '../../../core/index.js';
import { KongTcpLogReceiver, kongTcpLogReceiverFactory } from '../../../receivers/kong_tcp_log/index.js';
import { capturingLogger, runningHost, testContext } from '../../helpers/context.js';

/** A consumer whose answer the test sets: accept, push back (with `retryAfterSeconds`), or fail. */
export class ScriptedConsumer implements Consumer {
  readonly batches: LogBatch[] = [];
  attempts = 0;
  answer: 'accept' | 'refuse' | Error = 'accept';
  retryAfterSeconds = 1;

  async consume(batch: Batch): Promise<void> {
    this.attempts++;
    if (this.answer === 'refuse') throw new BackPressureError('test pipeline is full', this.retryAfterSeconds);
    if (this.answer instanceof Error) throw this.answer;
    this.batches.push(batch as LogBatch);
  }

  get entries(): KongLogEntry[] {
    return this.batches.flatMap((b) => [...b.entries]);
  }

  ids(): string[] {
    return this.entries.map((e) => (e.request as { id: string }).id);
  }
}

export interface Harness {
  readonly receiver: KongTcpLogReceiver;
  readonly next: ScriptedConsumer;
  readonly telemetry: SelfTelemetry;
  readonly port: number;
  /** Everything the receiver logged, one parsed pino line each. */
  readonly logs: Record<string, unknown>[];
  rejected(reason: string): number;
  refused(reason: string): number;
  accepted(): number;
}

export async function startReceiver(config: Record<string, unknown> = {}, opts: { clock?: Clock; next?: ScriptedConsumer } = {}): Promise<Harness> {
  const telemetry = new SelfTelemetry();
  const { logger, logs } = capturingLogger();
  const next = opts.next ?? new ScriptedConsumer();
  const ctx = { ...testContext('kong_tcp_log', 'receiver', { telemetry, clock: opts.clock }), logger };
  const parsed = kongTcpLogReceiverFactory.configSchema.parse({ endpoint: '127.0.0.1:0', ...config });
  const receiver = kongTcpLogReceiverFactory.create(parsed, ctx, next);
  if (!(receiver instanceof KongTcpLogReceiver)) throw new Error('factory did not create a KongTcpLogReceiver');
  await receiver.start(runningHost);
  const receiverLabel = { receiver: 'kong_tcp_log' };
  return {
    receiver,
    next,
    telemetry,
    port: receiver.address.port,
    logs,
    rejected: (reason) => telemetry.value(SelfMetric.receiverRejectedLogRecords, { ...receiverLabel, reason }),
    refused: (reason) => telemetry.value(SelfMetric.receiverRefusedLogRecords, { ...receiverLabel, reason }),
    accepted: () => telemetry.value(SelfMetric.receiverAcceptedLogRecords, receiverLabel),
  };
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export function connectTls(port: number, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes and waits until the bytes left this process (so a test can close right after). */
export function write(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
}

/** Ends our side and resolves when the connection is fully closed. */
export function close(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.end();
  });
}

/** Resolves when `socket` is closed by the other side. */
export function closedByPeer(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

export async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A small Kong entry that carries an id, so a test can check each one arrived exactly once. */
export function entryLine(id: string, pad = 0): string {
  const extra = pad > 0 ? `,"pad":"${'x'.repeat(pad)}"` : '';
  return `{"request":{"id":"${id}","method":"GET","size":120},"response":{"status":200},"latencies":{"request":3}${extra}}\n`;
}
