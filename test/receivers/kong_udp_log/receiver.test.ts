import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PermanentError, SelfTelemetry } from '../../../core/index.js';
import { KongUdpLogReceiver, kongUdpLogReceiverFactory } from '../../../receivers/kong_udp_log/index.js';
import { ScriptedConsumer } from '../../support/consumers.js';
import { testContext } from '../../support/context.js';
import { logRecordCounters, startFromFactory } from '../../support/receivers.js';
import { capturingLogger } from '../../support/logs.js';
import { until } from '../../support/wait.js';
import { readmeYaml } from '../../support/readme.js';

async function startReceiver(config: Record<string, unknown> = {}) {
  const telemetry = new SelfTelemetry();
  const { logger, logs } = capturingLogger({ level: 'info' });
  const next = new ScriptedConsumer();
  const ctx = { ...testContext('kong_udp_log', 'receiver', { telemetry }), logger };
  const receiver = await startFromFactory(kongUdpLogReceiverFactory, KongUdpLogReceiver, { endpoint: '127.0.0.1:0', ...config }, ctx, next);
  return { receiver, next, logs, port: receiver.address.port, ...logRecordCounters(telemetry, 'kong_udp_log') };
}

function entry(id: string): string {
  return `{"request":{"id":"${id}","method":"GET"},"response":{"status":200},"latencies":{"request":3}}`;
}

async function sendAll(port: number, datagrams: readonly string[]): Promise<void> {
  const client = dgram.createSocket('udp4');
  try {
    for (let i = 0; i < datagrams.length; i++) {
      await new Promise<void>((resolve, reject) => client.send(datagrams[i], port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      // A short pause every 50 datagrams keeps the rate modest, as one Kong node's would be.
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    client.close();
  }
}

describe('kong_udp_log', () => {
  it('turns 2000 datagrams into exactly 2000 entries', async () => {
    const h = await startReceiver();
    try {
      const ids = Array.from({ length: 2000 }, (_, i) => `u-${i}`);
      await sendAll(h.port, ids.map(entry));
      await until('2000 entries', () => h.accepted() >= 2000);
      expect(h.accepted()).toBe(2000);
      expect(new Set(h.next.ids())).toEqual(new Set(ids));
      expect(h.next.ids()).toHaveLength(2000);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('takes a real Kong entry with a trailing newline as one entry, unchanged', async () => {
    const h = await startReceiver();
    try {
      const plain = readFileSync(new URL('../../testdata/kong/kong-3.8-plain.json', import.meta.url), 'utf8');
      await sendAll(h.port, [`${plain.trim()}\n`]);
      await until('1 entry', () => h.accepted() === 1);
      expect(h.next.batches[0].entries[0]).toEqual(JSON.parse(plain));
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('counts bad datagrams by reason and logs senders and reasons, never contents', async () => {
    const h = await startReceiver();
    try {
      const secret = 'sk-live-do-not-log-me';
      await sendAll(h.port, [entry('ok-1'), `{"api_key":"${secret}"`, '[1,2]', `{"api_key":"${secret}"}`, 'null', entry('ok-2')]);
      await until('2 entries and 4 rejected', () => h.accepted() === 2 && h.logs.some((l) => l.level === 40));
      expect(h.rejected('malformed_json')).toBe(1);
      expect(h.rejected('not_an_object')).toBe(2);
      expect(h.rejected('not_a_kong_entry')).toBe(1);
      const warnings = h.logs.filter((l) => l.level === 40);
      const total = warnings.reduce((n, w) => n + (w.rejected as number), 0);
      expect(total).toBe(4);
      expect((warnings[0].senders as string[])[0]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(JSON.stringify(h.logs)).not.toContain(secret);
      expect(JSON.stringify(h.logs)).not.toContain('api_key');
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('holds datagrams that arrive while a batch is in the pipeline and sends them as the next batch', async () => {
    const h = await startReceiver();
    try {
      h.next.answer = 'hold';
      await sendAll(h.port, [entry('first')]);
      await new Promise((r) => setTimeout(r, 50));
      h.next.answer = 'accept';
      await sendAll(h.port, Array.from({ length: 30 }, (_, i) => entry(`later-${i}`)));
      await new Promise((r) => setTimeout(r, 100));
      expect(h.next.batches).toHaveLength(0);
      h.next.release();
      await until('31 entries', () => h.accepted() === 31);
      expect(h.next.batches.map((b) => b.entries.length)).toEqual([1, 30]);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('drops and counts entries the pipeline refuses (UDP cannot push back), logging once per streak', async () => {
    const h = await startReceiver();
    try {
      h.next.answer = 'refuse';
      await sendAll(h.port, [entry('a')]);
      await until('refused 1', () => h.refused('back_pressure') === 1);
      await sendAll(h.port, [entry('b')]);
      await until('refused 2', () => h.refused('back_pressure') === 2);
      h.next.answer = new PermanentError('never');
      await sendAll(h.port, [entry('c')]);
      await until('permanent 1', () => h.refused('permanent') === 1);
      h.next.answer = new Error('the test pipeline broke');
      await sendAll(h.port, [entry('e')]);
      await until('error 1', () => h.refused('error') === 1);
      expect(h.logs.filter((l) => l.level === 50)).toHaveLength(1);
      h.next.answer = 'accept';
      await sendAll(h.port, [entry('d')]);
      await until('accepted 1', () => h.accepted() === 1);
      expect(h.next.ids()).toEqual(['d']);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('on shutdown delivers the batch in the pipeline and closes the port', async () => {
    const h = await startReceiver();
    h.next.answer = 'hold';
    await sendAll(h.port, [entry('in-flight')]);
    await new Promise((r) => setTimeout(r, 30));
    const stopped = h.receiver.shutdown();
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    h.next.release();
    await stopped;
    expect(h.next.ids()).toEqual(['in-flight']);
    // The port is free again: another socket can bind it.
    const other = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      other.once('error', reject);
      other.bind(h.port, '127.0.0.1', () => resolve());
    });
    other.close();
  });
});

describe('kong_udp_log config', () => {
  const schema = kongUdpLogReceiverFactory.configSchema;

  it('has a complete default config', () => {
    expect(schema.parse({})).toEqual({ endpoint: '0.0.0.0:9001', receive_buffer_size: 4 * 1024 * 1024 });
    expect(kongUdpLogReceiverFactory).toMatchObject({ kind: 'receiver', type: 'kong_udp_log', signal: 'logs' });
    expect(schema.parse({ receive_buffer_size: '16MiB' }).receive_buffer_size).toBe(16 * 1024 * 1024);
  });

  it.each([
    { config: { endpoint: '9001' }, path: 'endpoint', says: 'must be host:port' },
    { config: { receive_buffer_size: 0 }, path: 'receive_buffer_size', says: 'more than 0' },
    { config: { receive_buffer_size: 'big' }, path: 'receive_buffer_size', says: 'invalid size' },
    { config: { max_line_size: '1MiB' }, path: '', says: 'Unrecognized key' },
  ])('refuses $config', ({ config, path, says }) => {
    const result = schema.safeParse(config);
    expect(result.success).toBe(false);
    const issue = (result.error?.issues ?? []).find((i) => i.path.join('.') === path);
    expect(issue?.message).toContain(says);
  });

  it('accepts the README example', () => {
    const blocks = readmeYaml('receivers/kong_udp_log');
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { receivers: Record<string, unknown> };
    expect(schema.parse(doc.receivers.kong_udp_log)).toEqual({ endpoint: '0.0.0.0:9001', receive_buffer_size: 4 * 1024 * 1024 });
  });

  it('names the endpoint and the fix when the port is taken', async () => {
    const first = await startReceiver();
    try {
      await expect(startReceiver({ endpoint: `127.0.0.1:${first.port}` })).rejects.toThrow(
        `receivers.kong_udp_log.endpoint: cannot listen on 127.0.0.1:${first.port}: the port is in use`,
      );
    } finally {
      await first.receiver.shutdown();
    }
  });
});
