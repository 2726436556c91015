import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, SelfMetric } from '../../../core/index.js';
import { AUTH, AUTH_CASES, CHALLENGES, authorizationHeaders, type AuthCase } from '../../helpers/auth_cases.js';
import { CapturingConsumer } from '../../helpers/context.js';
import { decodeProtobufResponse, decodeProtobufStatus, encodeRequest, send, startReceiver, type Harness } from './client.js';

/** The OTLP/HTTP answers a sender gets, with the bodies its client library decodes. */

const KIB = 1024;
const MIB = 1024 * KIB;

/** One gauge point: a small valid request. */
const ONE_POINT = encodeRequest({
  resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'kong.up', gauge: { dataPoints: [{ timeUnixNano: '1700000000000000000', asInt: '1' }] } }] }] }],
});
const ONE_POINT_JSON = JSON.stringify({
  resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'kong.up', gauge: { dataPoints: [{ timeUnixNano: '1700000000000000000', asInt: '1' }] } }] }] }],
});

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** ONE_POINT padded with an unknown field (number 15, which decoders skip) to exactly `size` bytes. */
function paddedRequest(size: number): Buffer {
  const room = size - ONE_POINT.length - 1; // 1 byte: the tag
  let len = room - 1;
  while (varint(len).length + len > room) len--;
  const pad = Buffer.alloc(len, 0x20);
  const out = Buffer.concat([ONE_POINT, Buffer.from([(15 << 3) | 2, ...varint(len)]), pad]);
  if (out.length !== size) throw new Error(`padding missed: ${out.length} ≠ ${size}`);
  return out;
}

/** `mib` MiB of zeros, gzipped (a few KB per MiB). */
async function gzipBomb(mib: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MIB);
  for (let i = 0; i < mib; i++) if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('OTLP/HTTP answers', () => {
  let h: Harness;
  let next: CapturingConsumer;
  beforeAll(async () => {
    next = new CapturingConsumer();
    h = await startReceiver({ max_request_body_size: '64KiB' }, { next });
  });
  afterAll(() => h.receiver.shutdown());
  afterEach(() => {
    next.refuse = false;
    next.fail = undefined;
  });

  it('200 with an empty ExportMetricsServiceResponse, in the request encoding', async () => {
    const proto = await send(h.port, { body: ONE_POINT });
    expect(proto.status).toBe(200);
    expect(proto.headers['content-type']).toBe('application/x-protobuf');
    expect(proto.body.length).toBe(0);
    expect(decodeProtobufResponse(proto.body)).toEqual({ rejectedDataPoints: 0, errorMessage: '' });
    const json = await send(h.port, { body: ONE_POINT_JSON, headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.text)).toEqual({});
  });

  it('accepts a gzip body', async () => {
    const before = h.received().length;
    const reply = await send(h.port, { body: gzipSync(ONE_POINT), headers: { 'content-encoding': 'gzip' } });
    expect(reply.status).toBe(200);
    expect(h.received().length).toBe(before + 1);
  });

  it.each([
    {
      name: 'malformed protobuf (a length running past the end)',
      body: Buffer.from([0x0a, 0x10, 0x01]),
      contentType: 'application/x-protobuf',
      says: 'malformed protobuf: not an ExportMetricsServiceRequest',
    },
    { name: 'malformed JSON', body: Buffer.from('{"resourceMetrics": ['), contentType: 'application/json', says: 'malformed JSON' },
    { name: 'JSON of the wrong shape', body: Buffer.from('{"resourceMetrics": {}}'), contentType: 'application/json', says: 'resourceMetrics: must be a list' },
  ])('400 for $name, with a google.rpc.Status saying why', async ({ body, contentType, says }) => {
    const reply = await send(h.port, { body, headers: { 'content-type': contentType } });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe(contentType);
    const status = contentType === 'application/json' ? (JSON.parse(reply.text) as { code: number; message: string }) : decodeProtobufStatus(reply.body);
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toContain(says);
  });

  it('400 for a corrupt gzip body', async () => {
    const reply = await send(h.port, { body: ONE_POINT, headers: { 'content-encoding': 'gzip' } });
    expect(reply.status).toBe(400);
    expect(decodeProtobufStatus(reply.body).message).toContain('corrupt gzip body');
  });

  it.each([
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, answer: 'text', says: 'Content-Type must be application/x-protobuf or application/json' },
    { name: 'no Content-Type', headers: { 'content-type': undefined }, answer: 'text', says: 'Content-Type must be application/x-protobuf or application/json' },
    { name: 'Content-Encoding br', headers: { 'content-encoding': 'br' }, answer: 'status', says: 'Content-Encoding must be gzip or identity' },
  ])('415 for $name', async ({ headers, answer, says }) => {
    const reply = await send(h.port, { body: ONE_POINT, headers });
    expect(reply.status).toBe(415);
    // An unknown content type has no OTLP encoding to answer in: one line of text then.
    if (answer === 'text') {
      expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(reply.text).toBe(`${says}\n`);
    } else {
      expect(decodeProtobufStatus(reply.body)).toEqual({ code: 3, message: says });
    }
  });

  it.each([
    { name: 'exactly the limit', size: 64 * KIB, status: 200 },
    { name: 'one byte over the limit', size: 64 * KIB + 1, status: 413 },
  ])('$name → $status, with Content-Length and chunked', async ({ size, status }) => {
    const body = paddedRequest(size);
    expect((await send(h.port, { body })).status).toBe(status);
    expect((await send(h.port, { body, headers: { 'content-length': undefined, 'transfer-encoding': 'chunked' } })).status).toBe(status);
  });

  it('413 for a gzip bomb, counting the inflated size', async () => {
    const bomb = await gzipBomb(16);
    expect(bomb.length).toBeLessThan(64 * KIB);
    const started = performance.now();
    const reply = await send(h.port, { body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(reply.status).toBe(413);
    expect(decodeProtobufStatus(reply.body).message).toContain('max_request_body_size (65536 bytes)');
    expect(performance.now() - started).toBeLessThan(2000);
    // a gzip body whose inflated size is within the limit passes
    expect((await send(h.port, { body: gzipSync(paddedRequest(64 * KIB)), headers: { 'content-encoding': 'gzip' } })).status).toBe(200);
  });

  it('503 + Retry-After when the pipeline pushes back, and nothing is counted as accepted', async () => {
    next.refuse = true; // BackPressureError with retryAfterSeconds 2
    const accepted = h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' });
    const reply = await send(h.port, { body: ONE_POINT });
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('2');
    expect(decodeProtobufStatus(reply.body)).toEqual({ code: 14, message: 'the pipeline is busy: test consumer is full; retry' });
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'back_pressure' })).toBe(1);
    expect(h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' })).toBe(accepted);
  });

  it('400 when the pipeline refuses the data for good', async () => {
    next.fail = new PermanentError('metric kong.up is not allowed here');
    const reply = await send(h.port, { body: ONE_POINT_JSON, headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({ code: 3, message: 'metric kong.up is not allowed here' });
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'permanent' })).toBe(1);
  });

  it('503 (retryable) when the pipeline fails in an unexpected way', async () => {
    next.fail = new Error('boom');
    const reply = await send(h.port, { body: ONE_POINT });
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('1');
    expect(decodeProtobufStatus(reply.body).message).not.toContain('boom');
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'error' })).toBe(1);
  });

  it.each([
    { path: '/v1/traces', says: 'kongtel receives metrics only, not traces' },
    { path: '/v1/logs', says: 'kongtel receives metrics only, not logs' },
    { path: '/', says: 'OTLP metrics are received on /v1/metrics' },
  ])('404 for $path', async ({ path, says }) => {
    const reply = await send(h.port, { path, body: ONE_POINT });
    expect(reply.status).toBe(404);
    expect(decodeProtobufStatus(reply.body)).toEqual({ code: 5, message: expect.stringContaining(says) });
  });

  it('accepts a query string on /v1/metrics', async () => {
    expect((await send(h.port, { path: '/v1/metrics?x=1', body: ONE_POINT })).status).toBe(200);
  });

  it('405 + Allow: POST for other methods', async () => {
    const reply = await send(h.port, { method: 'GET', headers: { 'content-type': undefined, 'content-length': undefined } });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
    expect(reply.text).toContain('OTLP/HTTP uses POST');
  });

  it('counts every answer by status code', () => {
    const code = (c: string) => h.telemetry.value(SelfMetric.receiverRequests, { receiver: 'otlp', code: c });
    // 200: 2 + gzip + limit (2) + gzip within limit + query string
    expect(code('200')).toBe(7);
    expect(code('400')).toBe(5);
    expect(code('413')).toBe(3);
    expect(code('415')).toBe(3);
    expect(code('503')).toBe(2);
    expect(code('404')).toBe(3);
    expect(code('405')).toBe(1);
  });
});

describe('OTLP receiver auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver({ auth: { bearer_token: 's3cret-token', basic: { username: 'kong', password: 'p@ss' } } });
  });
  afterAll(() => h.receiver.shutdown());

  it.each([
    { name: 'no credentials', authorization: undefined, status: 401 },
    { name: 'a wrong token', authorization: 'Bearer s3cret-tokem', status: 401 },
    { name: 'the token', authorization: 'Bearer s3cret-token', status: 200 },
    { name: 'basic credentials', authorization: `Basic ${Buffer.from('kong:p@ss').toString('base64')}`, status: 200 },
    { name: 'basic credentials percent-escaped', authorization: `Basic ${Buffer.from('kong:p%40ss').toString('base64')}`, status: 200 },
    { name: 'a wrong password', authorization: `Basic ${Buffer.from('kong:pass').toString('base64')}`, status: 401 },
  ])('$name → $status', async ({ authorization, status }) => {
    const reply = await send(h.port, { body: ONE_POINT, headers: { authorization } });
    expect(reply.status).toBe(status);
    if (status === 401) {
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="kongtel", Basic realm="kongtel", charset="UTF-8"');
      expect(decodeProtobufStatus(reply.body)).toEqual({ code: 16, message: 'missing or wrong credentials (send exactly one Authorization header)' });
    }
  });

  it('delivered only the authorized requests', () => {
    expect(h.received()).toHaveLength(3);
  });
});

describe('OTLP receiver auth: strict parsing (RFC 7617, RFC 4648) and one header', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver({ auth: AUTH });
  });
  afterAll(() => h.receiver.shutdown());

  it.each(AUTH_CASES)('$name → ok: $ok', async (c: AuthCase) => {
    const before = h.received().length;
    const reply = await send(h.port, { body: ONE_POINT, headers: authorizationHeaders(c) });
    expect(reply.status).toBe(c.ok ? 200 : 401);
    expect(h.received().length - before).toBe(c.ok ? 1 : 0);
    if (!c.ok) expect(reply.headers['www-authenticate']).toBe(CHALLENGES);
  });

  it.each([
    { name: 'another path', method: 'POST', path: '/v1/traces', status: 404 },
    { name: 'another method', method: 'GET', path: '/v1/metrics', status: 405 },
  ])('$name: 401 without credentials, $status with them', async ({ method, path, status }) => {
    expect((await send(h.port, { method, path, body: ONE_POINT })).status).toBe(401);
    expect((await send(h.port, { method, path, body: ONE_POINT, headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(status);
  });
});
