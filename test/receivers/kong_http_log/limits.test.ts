import http from 'node:http';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../../core/net/body.js';
import { send, startReceiver, type Harness, type Reply } from './client.js';
import { gzipBomb } from '../../support/fuzz/hostile_bodies.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** A JSON array of Kong entries padded with spaces to exactly `size` bytes. */
function bodyOfSize(size: number): string {
  const json = '[{"request":{"method":"GET"},"latencies":{"request":1}}]';
  return json.slice(0, -1) + ' '.repeat(size - json.length) + ']';
}

/** Sends headers and part of a body, then waits for the answer without finishing the body. */
function sendPartial(port: number, headers: http.OutgoingHttpHeaders, chunk: Buffer, keepWriting: boolean): Promise<Reply & { written: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString(), written });
          req.destroy();
        });
      },
    );
    // The server closes the connection after its answer; our unfinished upload then fails, as expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = (): void => {
      if (answered || req.destroyed) return;
      written += chunk.length;
      req.write(chunk, () => {
        if (keepWriting) setImmediate(pump);
      });
    };
    pump();
  });
}

describe('kong_http_log body size limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver({ max_request_body_size: '64KiB' });
  });
  afterAll(() => h.receiver.shutdown());

  it.each([
    { name: 'exactly the limit', size: 64 * KIB, status: 200 },
    { name: 'one byte over the limit', size: 64 * KIB + 1, status: 413 },
  ])('$name → $status', async ({ size, status }) => {
    const body = bodyOfSize(size);
    expect(Buffer.byteLength(body)).toBe(size);
    expect((await send(h.port, { body })).status).toBe(status);
    // The same rule holds for a chunked upload, which has no Content-Length to check first.
    expect((await send(h.port, { body, headers: { 'content-length': undefined, 'transfer-encoding': 'chunked' } })).status).toBe(status);
  });

  it('applies the limit to the inflated size of a gzip body', async () => {
    const body = gzipSync(bodyOfSize(64 * KIB + 1));
    expect(body.length).toBeLessThan(KIB);
    const reply = await send(h.port, { body, headers: { 'content-encoding': 'gzip' } });
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('max_request_body_size (65536 bytes)');
    const fits = await send(h.port, { body: gzipSync(bodyOfSize(64 * KIB)), headers: { 'content-encoding': 'gzip' } });
    expect(fits.status).toBe(200);
  });

  it('answers 413 from Content-Length alone, before the body is sent', async () => {
    const reply = await sendPartial(h.port, { 'content-length': 10 * MIB }, Buffer.alloc(KIB, 0x20), false);
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    expect(reply.written).toBe(KIB);
  });

  it('stops reading a chunked upload once it passes the limit', async () => {
    const reply = await sendPartial(h.port, { 'transfer-encoding': 'chunked' }, Buffer.alloc(16 * KIB, 0x20), true);
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    // 64 KiB limit: the answer comes after a few chunks, not after the client gave up.
    expect(reply.written).toBeLessThan(2 * MIB);
  });

  it('still serves after refusing', async () => {
    expect((await send(h.port, { body: bodyOfSize(1000) })).status).toBe(200);
    expect(h.telemetry.value('kongtel_receiver_requests_total', { receiver: 'kong_http_log', code: '413' })).toBe(5);
  });
});

describe('kong_http_log gzip bomb', () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await gzipBomb(100);
  });

  it('inflates no more than the limit (plus one chunk) before giving up', async () => {
    expect(bomb.length).toBeLessThan(200 * KIB);
    const source = new PassThrough();
    const result = readBody(source, 'gzip', MIB);
    source.end(bomb);
    const r = await result;
    expect(r.kind).toBe('too_large');
    if (r.kind === 'too_large') {
      expect(r.bytes).toBeGreaterThan(MIB);
      expect(r.bytes).toBeLessThanOrEqual(MIB + 64 * KIB);
    }
  });

  it('answers 413 quickly over HTTP with the default 20 MiB limit', async () => {
    const h = await startReceiver();
    try {
      const started = performance.now();
      const reply = await send(h.port, { body: bomb, headers: { 'content-encoding': 'gzip' } });
      const elapsed = performance.now() - started;
      expect(reply.status).toBe(413);
      expect(reply.text).toContain('max_request_body_size (20971520 bytes)');
      // Inflating all 100 MB and parsing them would take seconds; stopping at 20 MiB takes well under one.
      expect(elapsed).toBeLessThan(2000);
      expect(h.entriesDelivered()).toBe(0);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_http_log body reader', () => {
  it('joins chunks into one body', async () => {
    const source = new PassThrough();
    const result = readBody(source, 'identity', 100);
    source.write('[{"a":');
    source.write('1}]');
    source.end();
    const r = await result;
    expect(r.kind === 'complete' && r.body.toString()).toBe('[{"a":1}]');
  });

  it('reports a source that fails mid-body as aborted', async () => {
    const source = new PassThrough();
    const result = readBody(source, 'identity', 100);
    source.write('[{"a":');
    source.destroy(new Error('socket hang up'));
    expect((await result).kind).toBe('aborted');
  });

  it('reports a source closed without an end as aborted, gzip included', async () => {
    const source = new PassThrough();
    const result = readBody(source, 'gzip', 100);
    source.write(gzipSync('[{"a":1}]').subarray(0, 5));
    source.destroy();
    expect((await result).kind).toBe('aborted');
  });
});
