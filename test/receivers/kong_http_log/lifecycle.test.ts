import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock, SelfMetric, type LogBatch } from '../../../core/index.js';
import { KongHttpLogReceiver, kongHttpLogReceiverFactory } from '../../../receivers/kong_http_log/index.js';
import { SHUTDOWN_GRACE_MS } from '../../../receivers/kong_http_log/receiver.js';
import { runningHost, testContext } from '../../support/context.js';
import { GatedConsumer } from '../../support/consumers.js';
import { send, startReceiver } from './client.js';
import { connectRefused } from '../../support/ports.js';
import { leaveWhileHeld } from '../../support/http_client.js';

const entry = '{"request":{"method":"GET"},"response":{"status":200}}';

/** Writes raw bytes and collects what comes back until the server closes the connection. */
function rawExchange(port: number, bytes: string | Buffer, opts: { end?: boolean } = {}): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: performance.now() - started }));
    socket.write(bytes);
    if (opts.end === true) socket.end();
  });
}

describe('kong_http_log survives bad clients', () => {
  it('a client that resets mid-body: nothing delivered, nothing crashes, next request served', async () => {
    const h = await startReceiver();
    try {
      await new Promise<void>((resolve) => {
        const req = http.request({
          host: '127.0.0.1',
          port: h.port,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': 1000 },
        });
        req.on('error', () => resolve());
        req.write('[{"request":{"method":"GET"}},', () => setTimeout(() => req.destroy(), 20));
        req.on('close', () => resolve());
      });
      expect((await send(h.port, { body: entry })).status).toBe(200);
      expect(h.entriesDelivered()).toBe(1);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('a client that leaves while the pipeline works: the entries still count, nothing crashes', async () => {
    const next = new GatedConsumer();
    const h = await startReceiver({}, { next });
    try {
      await leaveWhileHeld(h.port, next, { contentType: 'application/json', body: entry });
      expect(h.telemetry.value(SelfMetric.receiverAcceptedLogRecords, { receiver: 'kong_http_log' })).toBe(1);
    } finally {
      next.release();
      await h.receiver.shutdown();
    }
  });

  it.each([
    { name: 'header line without a colon', bytes: 'POST / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' },
    { name: 'binary garbage', bytes: Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]) },
    { name: 'invalid Content-Length', bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n' },
    { name: 'two different Content-Lengths', bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}' },
  ])('$name → 400 and the connection is closed', async ({ bytes }) => {
    const h = await startReceiver();
    try {
      const { text } = await rawExchange(h.port, bytes);
      expect(text.startsWith('HTTP/1.1 400 ')).toBe(true);
      expect((await send(h.port, { body: entry })).status).toBe(200);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_http_log timeouts', () => {
  it('drops a client that sends its headers too slowly (read_header_timeout)', async () => {
    const h = await startReceiver({ read_header_timeout: '200ms', read_timeout: '400ms' });
    try {
      const { text, ms } = await rawExchange(h.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Ty');
      expect(text.startsWith('HTTP/1.1 408 ')).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(150);
      expect(ms).toBeLessThan(3000);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('drops a client that sends its body too slowly (read_timeout)', async () => {
    const h = await startReceiver({ read_header_timeout: '200ms', read_timeout: '400ms' });
    try {
      const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[';
      const { ms } = await rawExchange(h.port, head);
      expect(ms).toBeGreaterThanOrEqual(350);
      expect(ms).toBeLessThan(3000);
      expect(h.entriesDelivered()).toBe(0);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('closes a keep-alive connection left idle (idle_timeout)', async () => {
    const h = await startReceiver({ idle_timeout: '200ms' });
    try {
      const request = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${entry.length}\r\n\r\n${entry}`;
      const { text, ms } = await rawExchange(h.port, request);
      expect(text.startsWith('HTTP/1.1 200 ')).toBe(true);
      expect(text.toLowerCase()).toContain('keep-alive');
      expect(ms).toBeGreaterThanOrEqual(150);
      expect(ms).toBeLessThan(3000);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_http_log shutdown', () => {
  it('stops accepting, lets the in-flight request finish with 200, then resolves', async () => {
    const next = new GatedConsumer();
    const h = await startReceiver({}, { next });
    const reply = send(h.port, { body: entry, agent: new http.Agent({ keepAlive: true }) });
    await next.nextArrival();
    let stopped = false;
    const stopping = h.receiver.shutdown().then(() => (stopped = true));
    expect(await connectRefused(h.port)).toBe(true);
    expect(stopped).toBe(false);
    next.release();
    const r = await reply;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close');
    await stopping;
    expect((next.batches[0] as LogBatch).entries).toHaveLength(1);
  });

  it('closes idle keep-alive connections at once', async () => {
    const h = await startReceiver();
    const agent = new http.Agent({ keepAlive: true });
    expect((await send(h.port, { body: entry, agent })).status).toBe(200);
    const started = performance.now();
    await h.receiver.shutdown();
    expect(performance.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it(`gives up on requests still in the pipeline after ${SHUTDOWN_GRACE_MS} ms`, async () => {
    const clock = new ManualClock();
    const next = new GatedConsumer();
    const config = kongHttpLogReceiverFactory.configSchema.parse({ endpoint: '127.0.0.1:0' });
    const receiver = kongHttpLogReceiverFactory.create(config, testContext('kong_http_log', 'receiver', { clock }), next);
    if (!(receiver instanceof KongHttpLogReceiver)) throw new Error('unexpected receiver type');
    await receiver.start(runningHost);
    const reply = send(receiver.address.port, { body: entry });
    await next.nextArrival();
    let stopped = false;
    const stopping = receiver.shutdown().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    clock.advance(SHUTDOWN_GRACE_MS);
    await stopping;
    await expect(reply).rejects.toThrow(/socket hang up|ECONNRESET/);
    next.release(); // the late answer finds its connection gone and is dropped quietly
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

describe('kong_http_log start', () => {
  it('exposes the port it bound when endpoint asks for port 0', async () => {
    const h = await startReceiver();
    try {
      expect(h.receiver.address.host).toBe('127.0.0.1');
      expect(h.port).toBeGreaterThan(0);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('names the endpoint key and the fix when the port is taken', async () => {
    const first = await startReceiver();
    try {
      const config = kongHttpLogReceiverFactory.configSchema.parse({ endpoint: `127.0.0.1:${first.port}` });
      const second = kongHttpLogReceiverFactory.create(config, testContext('kong_http_log/two', 'receiver'), { consume: async () => {} });
      await expect(second.start(runningHost)).rejects.toThrow(
        `receivers.kong_http_log/two.endpoint: cannot listen on 127.0.0.1:${first.port}: the port is in use`,
      );
    } finally {
      await first.receiver.shutdown();
    }
  });

  it('names the missing TLS file', async () => {
    const config = kongHttpLogReceiverFactory.configSchema.parse({
      endpoint: '127.0.0.1:0',
      tls: { cert_file: '/nonexistent/cert.pem', key_file: '/nonexistent/key.pem' },
    });
    const r = kongHttpLogReceiverFactory.create(config, testContext('kong_http_log', 'receiver'), { consume: async () => {} });
    await expect(r.start(runningHost)).rejects.toThrow('receivers.kong_http_log.tls.cert_file: cannot read "/nonexistent/cert.pem" (ENOENT)');
  });

  it('shutdown before start does nothing', async () => {
    const config = kongHttpLogReceiverFactory.configSchema.parse({});
    const r = kongHttpLogReceiverFactory.create(config, testContext('kong_http_log', 'receiver'), { consume: async () => {} });
    await expect(r.shutdown()).resolves.toBeUndefined();
  });
});
