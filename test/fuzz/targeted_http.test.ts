import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp, waitUntil, type HttpOutcome } from '../../bench/fuzz/clients.js';
import { startFuzzPipeline, type FuzzPipeline } from '../../bench/fuzz/pipeline.js';
import { Watchdog } from '../../bench/fuzz/watchdog.js';
import {
  deepArray,
  deepObject,
  duplicateKeyEntry,
  entry,
  entryWith,
  gzipBomb,
  hugeNumbersEntry,
  invalidUtf8Entry,
  manyHeaders,
  rawExchange,
  type RawExchange,
} from './hostile_bodies.js';

/**
 * The hostile inputs of the issue, one by one, against kong_http_log and otlp in the real engine (default
 * 20 MiB body limit; kong_http_log with short timeouts so slow clients are cut in seconds).
 */
const MIB = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json' };

let p: FuzzPipeline;
let agent: http.Agent;
const watchdog = new Watchdog();
/**
 * The OTLP receiver runs with its default timeouts (10 s for the headers), so its slowloris
 * runs from the start, alongside the other tests, and is checked last.
 */
let otlpSlowloris: Promise<RawExchange>;

beforeAll(async () => {
  p = await startFuzzPipeline({
    maxBodySize: 20 * MIB,
    maxLineSize: MIB,
    interval: '100ms',
    httpTimeouts: { read: '2s', header: '1s', idle: '1s' },
  });
  agent = new http.Agent({ keepAlive: false });
  otlpSlowloris = rawExchange(p.ports.otlp, 'POST /v1/metrics HTTP/1.1\r\nHost: kongtel\r\n', 'X-Slow: abcdefghij\r\n', 500, 15_000);
});

afterAll(async () => {
  agent.destroy();
  await p.stop();
  watchdog.stop();
  // Nothing may have escaped as an unhandled rejection or uncaught exception, in any test of this file.
  expect(watchdog.unhandled).toEqual([]);
});

function post(body: Buffer | string, headers: http.OutgoingHttpHeaders = JSON_TYPE, path = '/'): Promise<HttpOutcome> {
  return sendHttp(p.ports.kong_http_log, agent, { method: 'POST', path, headers, body: Buffer.from(body) }, 10_000);
}

function postOtlp(body: Buffer, headers: http.OutgoingHttpHeaders): Promise<HttpOutcome> {
  return sendHttp(p.ports.otlp, agent, { method: 'POST', path: '/v1/metrics', headers, body }, 10_000);
}

function status(o: HttpOutcome): number | string {
  return o.kind === 'answer' ? o.status : o.kind;
}

/** The http-log pipeline's request count once every earlier entry was emitted (kong_metrics emits every 100 ms). */
async function baseline(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 250));
  return p.capture('kong_http_log').requestCount;
}

/** Waits until the http-log pipeline's request count grew by `n` since `before`; returns the growth. */
async function countedSince(before: number, n: number): Promise<number> {
  const capture = p.capture('kong_http_log');
  await waitUntil(() => capture.requestCount >= before + n, 3_000, 10);
  // One more emission interval, so a count that grows past `n` is seen too.
  await new Promise((resolve) => setTimeout(resolve, 150));
  return capture.requestCount - before;
}

function otlpRequest(): Buffer {
  return Buffer.from(
    ProtobufMetricsSerializer.serializeRequest({
      resource: resourceFromAttributes({ 'service.name': 'kong' }),
      scopeMetrics: [
        {
          scope: { name: 'kong' },
          metrics: [
            {
              descriptor: { name: 'kong.requests', description: '', unit: '{request}', valueType: ValueType.INT },
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.SUM,
              isMonotonic: true,
              dataPoints: [{ startTime: [1_700_000_000, 0], endTime: [1_700_000_010, 0], attributes: {}, value: 7 }],
            },
          ],
        },
      ],
    }) ?? new Uint8Array(0),
  );
}

describe('kong_http_log: hostile bodies', () => {
  it('a 10 MB string in a field: 200, and the batch counts', async () => {
    const before = await baseline();
    const body = `[${entryWith('big-field', JSON.stringify('x'.repeat(10 * MIB)))},${JSON.stringify(entry('big-field'))}]`;
    expect(status(await post(body))).toBe(200);
    expect(await countedSince(before, 2)).toBe(2);
  });

  it('a 10 MB route name: 200, counted, the attribute cut to 256 characters', async () => {
    const before = await baseline();
    expect(status(await post(JSON.stringify(entry('n'.repeat(10 * MIB)))))).toBe(200);
    expect(await countedSince(before, 1)).toBe(1);
    expect(p.capture('kong_http_log').longestAttribute).toBe(256);
  });

  it.each([10_000, 1_000_000])('%i-deep arrays and objects inside an entry: 200, counted once each', async (depth) => {
    const before = await baseline();
    const body = `[${entryWith('deep', deepArray(depth))},${entryWith('deep', deepObject(depth))}]`;
    expect(status(await post(body))).toBe(200);
    expect(await countedSince(before, 2)).toBe(2);
  });

  it.each([
    ['10 000-deep arrays', deepArray(10_000)],
    ['10 000-deep objects', deepObject(10_000)],
    ['1 000 000-deep arrays', deepArray(1_000_000)],
  ])('%s as the whole body: 400', async (_name, body) => {
    expect(status(await post(body))).toBe(400);
  });

  it('invalid UTF-8 inside a JSON string: 200, the bytes read as U+FFFD', async () => {
    const { bytes, route } = invalidUtf8Entry();
    expect(status(await post(bytes))).toBe(200);
    await waitUntil(() => p.capture('kong_http_log').byRoute.has(route), 3_000, 10);
    expect(p.capture('kong_http_log').byRoute.get(route)).toBe(1);
  });

  it('invalid UTF-8 between tokens: 400', async () => {
    expect(status(await post(Buffer.concat([Buffer.from('[{"request":{}}'), Buffer.from([0xff, 0xfe]), Buffer.from(']')])))).toBe(400);
  });

  it('a repeated key: the last one wins, the entry counts once', async () => {
    expect(status(await post(duplicateKeyEntry('first-of-two', 'last-of-two')))).toBe(200);
    await waitUntil(() => p.capture('kong_http_log').byRoute.has('last-of-two'), 3_000, 10);
    expect(p.capture('kong_http_log').byRoute.get('last-of-two')).toBe(1);
    expect(p.capture('kong_http_log').byRoute.has('first-of-two')).toBe(false);
  });

  it('1e309, -1e309 and 1.8e308 as measurements: 200, counted, and no Infinity reaches the exporter', async () => {
    const before = await baseline();
    expect(status(await post(`[${hugeNumbersEntry('huge-1')},${hugeNumbersEntry('huge-2')}]`))).toBe(200);
    expect(await countedSince(before, 2)).toBe(2);
    expect(p.capture('kong_http_log').nonFinite).toEqual([]);
  });

  it('a truncated gzip body: 400', async () => {
    const zipped = gzipSync(JSON.stringify([entry('gz'), entry('gz')]));
    const reply = await post(zipped.subarray(0, zipped.length - 12), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(status(reply)).toBe(400);
    expect(reply.kind === 'answer' && reply.body.toString()).toContain('corrupt gzip body');
  });

  it('a gzip bomb (200 MB of zeros): 413 in under 2 s, memory bounded', async () => {
    const bomb = await gzipBomb(200);
    watchdog.sample();
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    expect(status(await post(bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' }))).toBe(413);
    expect(performance.now() - started).toBeLessThan(2_000);
    // At most the 20 MiB limit is inflated and held, not 200 MB.
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(120 * MIB);
  });

  it('10 000 headers: 431, and the next request is served', async () => {
    const exchange = await rawExchange(p.ports.kong_http_log, manyHeaders('/', 'application/json', Buffer.from(JSON.stringify(entry('h'))), 10_000), '', 0, 5_000);
    expect(exchange.status).toBe(431);
    expect(exchange.closed).toBe(true);
    expect(status(await post(JSON.stringify(entry('after-headers'))))).toBe(200);
  });
});

describe('kong_http_log: broken HTTP framing', () => {
  const host = 'POST / HTTP/1.1\r\nHost: kongtel\r\nContent-Type: application/json\r\n';
  it.each([
    ['a Content-Length that is no number', `${host}Content-Length: abc\r\n\r\n{}`],
    ['two different Content-Lengths', `${host}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
    ['chunked and a Content-Length (request smuggling)', `${host}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`],
    ['a chunk size that is no number', `${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
    ['a request line that is no HTTP', 'GARBAGE GARBAGE\r\n\r\n'],
    ['binary instead of a request line', '\u0000\u0001\u0002\u00ff\r\n\r\n'],
  ])('%s: 400 from the HTTP parser, and the next request is served', async (_name, raw) => {
    const exchange = await rawExchange(p.ports.kong_http_log, Buffer.from(raw, 'latin1'), '', 0, 5_000);
    expect(exchange.status).toBe(400);
    expect(exchange.closed).toBe(true);
    expect(status(await post(JSON.stringify(entry('after-framing'))))).toBe(200);
  });

  it('a body cut off by the client (Content-Length 10 000, 20 bytes, then close): no answer owed, nothing counted', async () => {
    const before = await baseline();
    const socketClosed = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: p.ports.kong_http_log }, () => {
        socket.end(`${host}Content-Length: 10000\r\n\r\n[{"request":{},"x":"`);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(true));
      socket.resume();
    });
    expect(socketClosed).toBe(true);
    expect(status(await post(JSON.stringify(entry('after-cut'))))).toBe(200);
    expect(await countedSince(before, 1)).toBe(1);
  });
});

describe('huge batches', () => {
  it('kong_http_log: 200 000 minimal entries in one body: 200, every one counted', async () => {
    const before = await baseline();
    const body = `[${Array.from({ length: 200_000 }, () => '{"request":{}}').join(',')}]`;
    expect(status(await post(body))).toBe(200);
    expect(await countedSince(before, 200_000)).toBe(200_000);
  });

  it('otlp: 100 000 points in one request: 200, every one arrives', async () => {
    const point = '{"asDouble":1}';
    const body = `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"many","gauge":{"dataPoints":[${Array.from({ length: 100_000 }, () => point).join(',')}]}}]}]}]}`;
    const before = p.capture('otlp').points;
    expect(status(await postOtlp(Buffer.from(body), { 'content-type': 'application/json' }))).toBe(200);
    expect(p.capture('otlp').points - before).toBe(100_000);
  });
});

describe.concurrent('kong_http_log: slow and idle connections are cut', () => {
  it('slowloris headers (one byte per 200 ms) are cut by read_header_timeout (1 s): 408', async () => {
    const exchange = await rawExchange(p.ports.kong_http_log, 'POST / HTTP/1.1\r\nHost: kongtel\r\n', 'X-Slow: abcdefghij\r\n', 200, 10_000);
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(exchange.closedAfterMs).toBeGreaterThan(900);
    expect(exchange.closedAfterMs).toBeLessThan(2_500);
  });

  it('a body trickled one byte per 200 ms is cut by read_timeout (2 s)', async () => {
    const head = 'POST / HTTP/1.1\r\nHost: kongtel\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n';
    const exchange = await rawExchange(p.ports.kong_http_log, head, ' ', 200, 10_000);
    expect(exchange.closed).toBe(true);
    expect(exchange.closedAfterMs).toBeGreaterThan(1_900);
    expect(exchange.closedAfterMs).toBeLessThan(3_500);
  });

  it('an idle keep-alive connection is closed after idle_timeout (1 s)', async () => {
    const body = JSON.stringify(entry('idle'));
    const request = `POST / HTTP/1.1\r\nHost: kongtel\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const exchange = await rawExchange(p.ports.kong_http_log, request, '', 0, 10_000);
    expect(exchange.status).toBe(200);
    expect(exchange.closed).toBe(true);
    expect(exchange.closedAfterMs).toBeGreaterThan(900);
    expect(exchange.closedAfterMs).toBeLessThan(2_500);
  });
});

describe('otlp: hostile bodies', () => {
  const protobuf = { 'content-type': 'application/x-protobuf' };

  it('a truncated gzip body: 400', async () => {
    const zipped = gzipSync(otlpRequest());
    expect(status(await postOtlp(zipped.subarray(0, zipped.length - 5), { ...protobuf, 'content-encoding': 'gzip' }))).toBe(400);
  });

  it('a gzip bomb (200 MB of zeros): 413 in under 2 s', async () => {
    const bomb = await gzipBomb(200);
    const started = performance.now();
    expect(status(await postOtlp(bomb, { ...protobuf, 'content-encoding': 'gzip' }))).toBe(413);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['protobuf, 10 000 levels', deepKvlist(10_000), protobuf],
    ['protobuf, 100 000 levels', deepKvlist(100_000), protobuf],
    ['protobuf, 3 levels (a control: this one decodes)', deepKvlist(3), protobuf],
    ['JSON, 10 000 levels', Buffer.from(deepJsonAttribute(10_000)), { 'content-type': 'application/json' }],
  ])('nested attribute values (%s): an answer, no crash', async (name, body, headers) => {
    expect(status(await postOtlp(body, headers))).toBe(name.includes('control') ? 200 : 400);
  });

  it('10 000 headers: 431, and the next request is served', async () => {
    const exchange = await rawExchange(p.ports.otlp, manyHeaders('/v1/metrics', 'application/x-protobuf', otlpRequest(), 10_000), '', 0, 5_000);
    expect(exchange.status).toBe(431);
    const before = p.capture('otlp').points;
    expect(status(await postOtlp(otlpRequest(), protobuf))).toBe(200);
    expect(p.capture('otlp').points - before).toBe(1);
  });
});

describe('otlp: slow connections are cut', () => {
  it('slowloris headers (one byte per 500 ms) are cut by the default 10 s read_header_timeout: 408', { timeout: 20_000 }, async () => {
    const exchange = await otlpSlowloris;
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(exchange.closedAfterMs).toBeGreaterThan(9_500);
    expect(exchange.closedAfterMs).toBeLessThan(12_000);
  });
});

/**
 * An ExportMetricsServiceRequest whose one gauge point has an attribute whose AnyValue is a kvlist nested
 * `depth` times, written by hand (field numbers from opentelemetry/proto: KeyValue.key = 1, .value = 2;
 * AnyValue.kvlist_value = 6; KeyValueList.values = 1). Sizes are worked out innermost first, then the bytes
 * written outermost first, so a deep request costs linear time.
 */
function deepKvlist(depth: number): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  const KEY = [(1 << 3) | 2, 1, 0x6b]; // key: "k"
  // kv[i]: size of the KeyValue at nesting level i (0 = innermost, key only); kvl[i], av[i] likewise.
  const kv = [KEY.length];
  const kvl = [0];
  const av = [0];
  for (let i = 1; i <= depth; i++) {
    kvl[i] = 1 + varint(kv[i - 1]).length + kv[i - 1];
    av[i] = 1 + varint(kvl[i]).length + kvl[i];
    kv[i] = KEY.length + 1 + varint(av[i]).length + av[i];
  }
  const bytes: number[] = [];
  for (let i = depth; i >= 1; i--) {
    bytes.push(...KEY, (2 << 3) | 2, ...varint(av[i]), (6 << 3) | 2, ...varint(kvl[i]), (1 << 3) | 2, ...varint(kv[i - 1]));
  }
  bytes.push(...KEY);
  const keyValue = Buffer.from(bytes);
  const field = (tag: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([...varint(tag), ...varint(payload.length)]), payload]);
  const point = Buffer.concat([field((7 << 3) | 2, keyValue), Buffer.from([(4 << 3) | 1, 0, 0, 0, 0, 0, 0, 0, 0])]); // attributes, as_double
  const gauge = field((1 << 3) | 2, point);
  const metric = Buffer.concat([field((1 << 3) | 2, Buffer.from('deep')), field((5 << 3) | 2, gauge)]);
  const scopeMetrics = field((2 << 3) | 2, metric);
  const resourceMetrics = field((2 << 3) | 2, scopeMetrics);
  return field((1 << 3) | 2, resourceMetrics);
}

function deepJsonAttribute(depth: number): string {
  const value = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) + '{"stringValue":"x"}' + '}]}}'.repeat(depth);
  return `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"deep","gauge":{"dataPoints":[{"asDouble":1,"attributes":[{"key":"k","value":${value}}]}]}}]}]}]}`;
}
