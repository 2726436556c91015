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

import { z } from 'zod';
import { byteSize, duration, systemClock } from '../../../core/index.js';

describe('durations and sizes at the edges', () => {
  const issue = (schema: z.ZodType, v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? r.data : r.error.issues.map((i) => i.message).join('; ');
  };

  it.each<[unknown, unknown]>([
    ['2562047h', 2562047 * 3_600_000],
    // Go's time.Duration is int64 nanoseconds: ParseDuration refuses anything longer than ~292 years.
    ['2562048h', 'invalid duration "2562048h": longer than a duration can be (at most 2562047h, about 292 years)'],
    ['99999999999999999999h', 'invalid duration "99999999999999999999h": longer than a duration can be (at most 2562047h, about 292 years)'],
    [1e300, 'invalid duration 1e+300: longer than a duration can be (at most 2562047h, about 292 years)'],
    // z.number() refuses these before the duration check: the config loader says "invalid value".
    [Infinity, 'Invalid input'],
    [NaN, 'Invalid input'],
    [-1, 'invalid duration -1 (write it as the Collector does: "200ms", "10s", "5m", "25h")'],
    ['-1s', 'invalid duration "-1s" (write it as the Collector does: "200ms", "10s", "5m", "25h")'],
    ['1.5.5s', 'invalid duration "1.5.5s" (write it as the Collector does: "200ms", "10s", "5m", "25h")'],
    ['1s ', 1000],
  ])('duration %j → %j', (v, expected) => expect(issue(duration(), v)).toEqual(expected));

  it.each<[unknown, unknown]>([
    ['8PiB', 'invalid size "8PiB" (an integer of bytes, or a string such as "20MiB" or "512KB")'],
    ['9999999999GiB', 'invalid size "9999999999GiB": more bytes than kongtel can count (at most 9007199254740991)'],
    [1e20, 'invalid size 100000000000000000000: more bytes than kongtel can count (at most 9007199254740991)'],
    [Infinity, 'Invalid input'],
    [1.5, 'invalid size 1.5 (an integer of bytes, or a string such as "20MiB" or "512KB")'],
    ['0.5KiB', 512],
  ])('size %j → %j', (v, expected) => expect(issue(byteSize(), v)).toEqual(expected));

  it('a duration longer than a node timer can hold never becomes a busy timer (node fires those after 1 ms)', async () => {
    const ms = duration().parse('1000h');
    let fired = 0;
    const interval = systemClock.setInterval(() => fired++, ms);
    const timeout = systemClock.setTimeout(() => fired++, ms);
    await new Promise((r) => setTimeout(r, 100));
    interval.cancel();
    timeout.cancel();
    expect(fired).toBe(0);
  });
});
