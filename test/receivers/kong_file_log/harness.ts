import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { BackPressureError, SelfMetric, SelfTelemetry, type Batch, type Consumer, type LogBatch } from '../../../core/index.js';
import { KongFileLogReceiver, kongFileLogReceiverFactory } from '../../../receivers/kong_file_log/index.js';
import { runningHost, testContext } from '../../helpers/context.js';

/** A consumer the test steers: accept, push back, or fail; `delayMs` makes each batch take a while. */
export class ScriptedConsumer implements Consumer {
  readonly batches: LogBatch[] = [];
  attempts = 0;
  answer: 'accept' | 'refuse' | Error = 'accept';
  retryAfterSeconds = 0.05;
  delayMs = 0;

  async consume(batch: Batch): Promise<void> {
    this.attempts++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.answer === 'refuse') throw new BackPressureError('test pipeline is full', this.retryAfterSeconds);
    if (this.answer instanceof Error) throw this.answer;
    this.batches.push(batch as LogBatch);
  }

  ids(): string[] {
    return this.batches.flatMap((b) => b.entries.map((e) => (e.request as { id: string }).id));
  }
}

export interface Harness {
  readonly receiver: KongFileLogReceiver;
  readonly next: ScriptedConsumer;
  readonly logs: Record<string, unknown>[];
  accepted(): number;
  rejected(reason: string): number;
  refused(reason: string): number;
  checkpointWriteFailures(): number;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kongtel-file-log-'));
}

/** `storage` maps storage extension ids to their directories, as the running file_storage extensions would. */
export async function startReceiver(config: Record<string, unknown>, next = new ScriptedConsumer(), storage: Readonly<Record<string, string>> = {}): Promise<Harness> {
  const telemetry = new SelfTelemetry();
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const ctx = { ...testContext('kong_file_log', 'receiver', { telemetry, storage }), logger: pino({}, stream) };
  const parsed = kongFileLogReceiverFactory.configSchema.parse({ poll_interval: '20ms', ...config });
  const receiver = kongFileLogReceiverFactory.create(parsed, ctx, next);
  if (!(receiver instanceof KongFileLogReceiver)) throw new Error('factory did not create a KongFileLogReceiver');
  await receiver.start(runningHost);
  const label = { receiver: 'kong_file_log' };
  return {
    receiver,
    next,
    logs,
    accepted: () => telemetry.value(SelfMetric.receiverAcceptedLogRecords, label),
    rejected: (reason) => telemetry.value(SelfMetric.receiverRejectedLogRecords, { ...label, reason }),
    refused: (reason) => telemetry.value(SelfMetric.receiverRefusedLogRecords, { ...label, reason }),
    checkpointWriteFailures: () => telemetry.value(SelfMetric.receiverCheckpointWriteFailures, label),
  };
}

/** A small Kong entry that carries an id, one line. */
export function line(id: string, pad = 0): string {
  const extra = pad > 0 ? `,"pad":"${'x'.repeat(pad)}"` : '';
  return `{"request":{"id":"${id}","method":"GET"},"response":{"status":200},"latencies":{"request":3}${extra}}\n`;
}

export function ids(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);
}

/** Appends one line per id, as Kong's file-log does (one write per entry). */
export function append(path: string, idList: readonly string[], pad = 0): void {
  for (const id of idList) appendFileSync(path, line(id, pad));
}

export async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
