import { describe, expect, it } from 'vitest';
import { parseDuration, parseEndpoint, parseSize } from '../../../core/config/units.js';

describe('durations, sizes and endpoints as the Collector writes them', () => {
  it.each([
    ['200ms', 200],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['25h', 90_000_000],
    ['1.5s', 1500],
    ['0', 0],
    ['500us', 0.5],
    ['10', undefined],
    ['ten seconds', undefined],
    ['', undefined],
  ])('duration %j → %j ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    ['20MiB', 20 * 1024 * 1024],
    ['512KB', 512_000],
    ['1024', 1024],
    ['1 GiB', 1024 ** 3],
    ['20 parsecs', undefined],
  ])('size %j → %j bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each([
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    [':9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:4318', { host: '::1', port: 4318 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['localhost', undefined],
    ['host:99999', undefined],
  ])('endpoint %j → %j', (text, hp) => expect(parseEndpoint(text)).toEqual(hp));
});

import { decodeJsonText } from '../../../core/kong/decode.js';

describe('malformed JSON reasons never quote the input', () => {
  it.each(['{"prompt": "my secret plan', 'What is the secret', '{"a": 1,}', '[{"x": tru}]'])('%j', (text) => {
    const reason = decodeJsonText(text);
    expect(typeof reason).toBe('string');
    expect(reason).toMatch(/^malformed JSON: /);
    expect(reason).not.toMatch(/secret|plan|What|tru\b/);
  });
});
