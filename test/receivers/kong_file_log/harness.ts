import { appendFileSync } from 'node:fs';
import { SelfMetric, SelfTelemetry } from '../../../core/index.js';
import { KongFileLogReceiver, kongFileLogReceiverFactory } from '../../../receivers/kong_file_log/index.js';
import { ScriptedConsumer } from '../../support/consumers.js';
import { testContext } from '../../support/context.js';
import { logRecordCounters, startFromFactory } from '../../support/receivers.js';
import { capturingLogger } from '../../support/logs.js';

export interface Harness {
  readonly receiver: KongFileLogReceiver;
  readonly next: ScriptedConsumer;
  readonly logs: Record<string, unknown>[];
  accepted(): number;
  rejected(reason: string): number;
  refused(reason: string): number;
  checkpointWriteFailures(): number;
}

/** `storage` maps storage extension ids to their directories, as the running file_storage extensions would. */
export async function startReceiver(
  config: Record<string, unknown>,
  next = new ScriptedConsumer({ retryAfterSeconds: 0.05 }),
  storage: Readonly<Record<string, string>> = {},
): Promise<Harness> {
  const telemetry = new SelfTelemetry();
  const { logger, logs } = capturingLogger({ level: 'info' });
  const ctx = { ...testContext('kong_file_log', 'receiver', { telemetry, storage }), logger };
  const receiver = await startFromFactory(kongFileLogReceiverFactory, KongFileLogReceiver, { poll_interval: '20ms', ...config }, ctx, next);
  return {
    receiver,
    next,
    logs,
    ...logRecordCounters(telemetry, 'kong_file_log'),
    checkpointWriteFailures: () => telemetry.value(SelfMetric.receiverCheckpointWriteFailures, { receiver: 'kong_file_log' }),
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
