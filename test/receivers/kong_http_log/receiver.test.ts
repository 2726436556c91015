import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, SelfMetric, type LogBatch } from '../../../core/index.js';
import { send, startReceiver, type Harness } from './client.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { textLogger } from '../../support/logs.js';

const fixture = (name: string): string => readFileSync(new URL(`../../testdata/kong/${name}`, import.meta.url), 'utf8');
const plain = fixture('kong-3.8-plain.json');
const batchOf3 = fixture('http-log-batch-of-3.json');
const entry = '{"request":{"method":"GET"},"response":{"status":200},"latencies":{"request":3}}';

interface Case {
  readonly name: string;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly path?: string;
  readonly status: number;
  readonly delivered: number;
  /** Text the answer must contain. */
  readonly says?: string;
}

const cases: Case[] = [
  { name: 'single object (max_batch_size 1)', body: plain, status: 200, delivered: 1 },
  { name: 'array of 3 (max_batch_size > 1)', body: batchOf3, status: 200, delivered: 3 },
  { name: 'PUT', method: 'PUT', body: entry, status: 200, delivered: 1 },
  { name: 'PATCH', method: 'PATCH', body: entry, status: 200, delivered: 1 },
  { name: 'query string on the path', path: '/?source=kong', body: entry, status: 200, delivered: 1 },
  { name: 'empty array', body: '[]', status: 200, delivered: 0 },
  {
    name: 'array with bad elements keeps the good ones',
    body: `[${entry},1,{"foo":"bar"},null,${entry}]`,
    status: 200,
    delivered: 2,
  },
  {
    name: 'array with no good element',
    body: '[1,"x",{"foo":1}]',
    status: 400,
    delivered: 0,
    says: 'no Kong log entries in the body: 3 rejected (indexes 0, 1, 2)',
  },
  { name: 'malformed JSON', body: '{"request":', status: 400, delivered: 0, says: 'malformed JSON' },
  { name: 'empty body', body: '', status: 400, delivered: 0, says: 'malformed JSON' },
  { name: 'null body', body: 'null', status: 400, delivered: 0, says: 'got null' },
  { name: 'number body', body: '42', status: 400, delivered: 0, says: 'got number' },
  { name: 'string body', body: '"hello"', status: 400, delivered: 0, says: 'got string' },
  { name: 'object that is no Kong entry', body: '{"foo":1}', status: 400, delivered: 0, says: 'not a Kong log entry' },
  {
    name: 'huge and overflowing numbers',
    body: '{"request":{"size":1e308},"latencies":{"request":1e999,"kong":-1e308}}',
    status: 200,
    delivered: 1,
  },
  { name: '10 000-deep arrays', body: '['.repeat(10_000) + ']'.repeat(10_000), status: 400, delivered: 0 },
  { name: '200 000-deep objects', body: '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000), status: 400, delivered: 0 },
  {
    name: 'charset parameter',
    body: entry,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    status: 200,
    delivered: 1,
  },
  { name: 'application/*+json', body: entry, headers: { 'content-type': 'application/vnd.kong+json' }, status: 200, delivered: 1 },
  { name: 'upper-case media type', body: entry, headers: { 'content-type': 'Application/JSON' }, status: 200, delivered: 1 },
  { name: 'wrong content type', body: entry, headers: { 'content-type': 'text/plain' }, status: 415, delivered: 0, says: 'application/json' },
  { name: 'no content type', body: entry, headers: { 'content-type': '' }, status: 415, delivered: 0 },
  {
    name: 'gzip',
    body: gzipSync(batchOf3),
    headers: { 'content-encoding': 'gzip' },
    status: 200,
    delivered: 3,
  },
  { name: 'identity encoding', body: entry, headers: { 'content-encoding': 'identity' }, status: 200, delivered: 1 },
  {
    name: 'corrupt gzip',
    body: Buffer.from('this is not gzip at all'),
    headers: { 'content-encoding': 'gzip' },
    status: 400,
    delivered: 0,
    says: 'corrupt gzip body',
  },
  {
    name: 'truncated gzip',
    body: gzipSync(batchOf3).subarray(0, 200),
    headers: { 'content-encoding': 'gzip' },
    status: 400,
    delivered: 0,
    says: 'corrupt gzip body',
  },
  { name: 'brotli', body: entry, headers: { 'content-encoding': 'br' }, status: 415, delivered: 0, says: 'gzip or identity' },
  { name: 'other path', path: '/v1/logs', body: entry, status: 404, delivered: 0 },
  { name: 'GET', method: 'GET', body: '', status: 405, delivered: 0, says: 'use POST, PUT or PATCH' },
  { name: 'DELETE', method: 'DELETE', body: '', status: 405, delivered: 0 },
];

describe('kong_http_log answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver();
  });
  afterAll(() => h.receiver.shutdown());

  it.each(cases)('$name → $status', async (c) => {
    const before = h.entriesDelivered();
    const reply = await send(h.port, { body: c.body, headers: c.headers, method: c.method, path: c.path });
    expect(reply.status).toBe(c.status);
    expect(h.entriesDelivered() - before).toBe(c.delivered);
    if (c.says !== undefined) expect(reply.text).toContain(c.says);
    if (c.status !== 200) {
      expect(reply.text.endsWith('\n')).toBe(true);
      expect(reply.text.slice(0, -1)).not.toContain('\n');
    }
    if (c.status === 405) expect(reply.headers.allow).toBe('POST, PUT, PATCH');
  });

  it('counts requests by status code and entries accepted and rejected', () => {
    const count = (code: number): number =>
      h.telemetry.value(SelfMetric.receiverRequests, { receiver: 'kong_http_log', code: String(code) });
    const expected = (code: number): number => cases.filter((c) => c.status === code).length;
    for (const code of [200, 400, 404, 405, 415]) expect(count(code), `code ${code}`).toBe(expected(code));
    const accepted = cases.reduce((n, c) => n + c.delivered, 0);
    expect(h.telemetry.value(SelfMetric.receiverAcceptedLogRecords, { receiver: 'kong_http_log' })).toBe(accepted);
    // [entry,1,{foo},null,entry] → 2 not objects + 1 not an entry; [1,"x",{foo:1}] → 2 + 1;
    // null, 42, "hello" bodies → 3 not objects; {"foo":1} and the 200 000-deep object → 2 not entries;
    // the 10 000-deep arrays → 1 not an object.
    expect(h.telemetry.value(SelfMetric.receiverRejectedLogRecords, { receiver: 'kong_http_log', reason: 'not_an_object' })).toBe(8);
    expect(h.telemetry.value(SelfMetric.receiverRejectedLogRecords, { receiver: 'kong_http_log', reason: 'not_a_kong_entry' })).toBe(4);
  });

  it('hands entries on unchanged, as parsed objects', async () => {
    const before = h.next.batches.length;
    expect((await send(h.port, { body: batchOf3 })).status).toBe(200);
    const batch = h.next.batches[before] as LogBatch;
    expect(batch.signal).toBe('logs');
    expect(batch.entries).toEqual(JSON.parse(batchOf3));
  });
});

describe('kong_http_log rejected entries', () => {
  it('logs one warning per request with indexes and reasons, never the entries', async () => {
    const lines: string[] = [];
    const h = await startReceiver({}, { logger: textLogger(lines) });
    try {
      const secret = 'sk-live-do-not-log-me';
      const body = `[${entry},{"api_key":"${secret}"},7,${entry},"${secret}"]`;
      const reply = await send(h.port, { body });
      expect(reply.status).toBe(200);
      expect(h.entriesDelivered()).toBe(2);
      const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ rejected: 3, kept: 2, indexes: [1, 2, 4] });
      expect(lines.join('')).not.toContain(secret);
      expect(lines.join('')).not.toContain('api_key');
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_http_log downstream answers', () => {
  it('answers 503 with Retry-After when the pipeline pushes back, and delivers nothing', async () => {
    const next = new CapturingConsumer();
    next.refuse = true; // BackPressureError with retryAfterSeconds 2
    const h = await startReceiver({}, { next });
    try {
      const reply = await send(h.port, { body: batchOf3 });
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toBe('2');
      expect(h.telemetry.value(SelfMetric.receiverRefusedLogRecords, { receiver: 'kong_http_log', reason: 'back_pressure' })).toBe(3);
      expect(h.telemetry.value(SelfMetric.receiverAcceptedLogRecords, { receiver: 'kong_http_log' })).toBe(0);
      // Kong retries the same batch; once the pipeline has room it goes through.
      next.refuse = false;
      expect((await send(h.port, { body: batchOf3 })).status).toBe(200);
      expect(h.entriesDelivered()).toBe(3);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('answers 400 with the message of a permanent error', async () => {
    const next = new CapturingConsumer();
    next.fail = new PermanentError('entries refused by the test pipeline');
    const h = await startReceiver({}, { next });
    try {
      const reply = await send(h.port, { body: plain });
      expect(reply).toMatchObject({ status: 400, text: 'entries refused by the test pipeline\n' });
      expect(h.telemetry.value(SelfMetric.receiverRefusedLogRecords, { receiver: 'kong_http_log', reason: 'permanent' })).toBe(1);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('answers 500 on any other error and keeps serving', async () => {
    const next = new CapturingConsumer();
    next.fail = new TypeError('bug downstream');
    const h = await startReceiver({}, { next });
    try {
      expect((await send(h.port, { body: plain })).status).toBe(500);
      expect((await send(h.port, { body: plain })).status).toBe(500);
      next.fail = undefined;
      expect((await send(h.port, { body: plain })).status).toBe(200);
      expect(h.telemetry.value(SelfMetric.receiverRefusedLogRecords, { receiver: 'kong_http_log', reason: 'error' })).toBe(2);
      expect(h.telemetry.value(SelfMetric.receiverRequests, { receiver: 'kong_http_log', code: '500' })).toBe(2);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_http_log concurrency', () => {
  it('delivers every entry of 50 parallel batches exactly once', async () => {
    const h = await startReceiver();
    try {
      const bodies = Array.from({ length: 50 }, (_, b) =>
        JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ request: { id: `${b}-${i}` }, latencies: { request: i } }))),
      );
      const replies = await Promise.all(bodies.map((body) => send(h.port, { body })));
      expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
      const ids = h.next.batches.flatMap((b) => (b as LogBatch).entries.map((e) => (e.request as { id: string }).id));
      expect(ids).toHaveLength(1000);
      expect(new Set(ids).size).toBe(1000);
      expect(h.telemetry.value(SelfMetric.receiverAcceptedLogRecords, { receiver: 'kong_http_log' })).toBe(1000);
    } finally {
      await h.receiver.shutdown();
    }
  });
});
