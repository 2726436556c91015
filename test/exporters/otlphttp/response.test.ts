import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../exporters/otlphttp/backoff.js';
import { otlpHttpConfigSchema } from '../../../exporters/otlphttp/config.js';
import { errorText, MAX_MESSAGE_CHARS, parsePartialSuccess, parseRetryAfter } from '../../../exporters/otlphttp/response.js';
import { encodeProtoResponse, encodeStatus } from '../../support/otlp/proto_decode.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('Retry-After', () => {
  const cases: [string | undefined, number | undefined][] = [
    ['2', 2_000],
    [' 0 ', 0],
    ['Sun, 22 Nov 2026 10:00:03 GMT', 3_000],
    ['Sun, 22 Nov 2026 09:59:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ];
  for (const [header, want] of cases) {
    it(`${JSON.stringify(header)} → ${String(want)} ms`, () => expect(parseRetryAfter(header, NOW)).toBe(want));
  }
});

describe('backend error text', () => {
  it('reads google.rpc.Status from a protobuf body', () => {
    expect(errorText(encodeStatus(3, 'invalid metric name'), 'application/x-protobuf')).toBe('invalid metric name');
  });
  it('reads google.rpc.Status and Dynatrace error envelopes from JSON', () => {
    expect(errorText(Buffer.from('{"code":3,"message":"bad"}'), 'application/json')).toBe('bad');
    expect(errorText(Buffer.from('{"error":{"code":400,"message":"Unsupported metric"}}'), 'application/json; charset=utf-8')).toBe('Unsupported metric');
  });
  it('keeps the first 512 characters of plain text, on one line', () => {
    const text = errorText(Buffer.from(`line one\nline two ${'x'.repeat(2000)}`), 'text/plain');
    expect(text.startsWith('line one line two xxx')).toBe(true);
    expect(text).toHaveLength(MAX_MESSAGE_CHARS + 1);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('partial success', () => {
  it('decodes the protobuf ExportMetricsServiceResponse', () => {
    const body = encodeProtoResponse({ rejectedDataPoints: 7, errorMessage: 'cumulative refused' });
    expect(parsePartialSuccess(body, 'application/x-protobuf', 'proto')).toEqual({ rejectedPoints: 7, errorMessage: 'cumulative refused' });
  });
  it('decodes OTLP/JSON (int64 as a string) and treats an empty body as full success', () => {
    const body = Buffer.from('{"partialSuccess":{"rejectedDataPoints":"3","errorMessage":"m"}}');
    expect(parsePartialSuccess(body, 'application/json', 'json')).toEqual({ rejectedPoints: 3, errorMessage: 'm' });
    expect(parsePartialSuccess(Buffer.alloc(0), undefined, 'proto')).toEqual({ rejectedPoints: 0, errorMessage: '' });
  });
});

describe('backoff', () => {
  const retry = otlpHttpConfigSchema.parse({ endpoint: 'http://x' }).retry_on_failure;
  it('grows by 1.5 from 5 s up to 30 s (no jitter at the midpoint)', () => {
    const b = new Backoff(retry, () => 0.5);
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([5_000, 7_500, 11_250, 16_875, 25_313, 30_000, 30_000]);
  });
  it('spreads each wait by ±50 %', () => {
    expect(new Backoff(retry, () => 0).next()).toBe(2_500);
    expect(new Backoff(retry, () => 0.999999).next()).toBe(7_500);
  });
});
