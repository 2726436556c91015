import net from 'node:net';
import tls from 'node:tls';
import { SelfTelemetry, type Clock } from '../../../core/index.js';
import { KongTcpLogReceiver, kongTcpLogReceiverFactory } from '../../../receivers/kong_tcp_log/index.js';
import { ScriptedConsumer } from '../../support/consumers.js';
import { testContext } from '../../support/context.js';
import { logRecordCounters, startFromFactory } from '../../support/receivers.js';
import { capturingLogger } from '../../support/logs.js';

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
  const receiver = await startFromFactory(kongTcpLogReceiverFactory, KongTcpLogReceiver, { endpoint: '127.0.0.1:0', ...config }, ctx, next);
  return { receiver, next, telemetry, port: receiver.address.port, logs, ...logRecordCounters(telemetry, 'kong_tcp_log') };
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

/** A small Kong entry that carries an id, so a test can check each one arrived exactly once. */
export function entryLine(id: string, pad = 0): string {
  const extra = pad > 0 ? `,"pad":"${'x'.repeat(pad)}"` : '';
  return `{"request":{"id":"${id}","method":"GET","size":120},"response":{"status":200},"latencies":{"request":3}${extra}}\n`;
}
