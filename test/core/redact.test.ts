import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, errorMessage, isSecretKey, REDACTED, redactConfig, redactUrls } from '../../core/index.js';

describe('what counts as a secret key', () => {
  it.each([
    ['bearer_token', true],
    ['password', true],
    ['Authorization', true],
    ['Proxy-Authorization', true],
    ['api_key', true],
    ['X-Api-Key', true],
    ['DD-API-KEY', true],
    ['apiKey', true],
    ['clientSecret', true],
    ['private_key', true],
    ['Cookie', true],
    ['access_token', true],
    ['token', true],
    ['passphrase', true],
    ['token_usage_as', false],
    ['max_tokens', false],
    ['key_file', false],
    ['key', false],
    ['cert_file', false],
    ['username', false],
    ['endpoint', false],
    ['', false],
  ])('%j → %s', (key, secret) => expect(isSecretKey(key)).toBe(secret));
});

describe('URL credentials in any text', () => {
  it.each([
    ['https://user:PASS@host/otlp', `https://${REDACTED}@host/otlp`],
    ['https://TOKEN@host', `https://${REDACTED}@host`],
    ['https://user:p@ss@host:4318/v1', `https://${REDACTED}@host:4318/v1`],
    ['connect failed for http://u:p@10.0.0.1:80/x (ECONNREFUSED)', `connect failed for http://${REDACTED}@10.0.0.1:80/x (ECONNREFUSED)`],
    ['"endpoint":"https://u:secret@h/a","b":"x@y"', `"endpoint":"https://${REDACTED}@h/a","b":"x@y"`],
    ['"a":"https://host/","b":"x@y"', '"a":"https://host/","b":"x@y"'],
    ['https://host/path?api_key=K3Y&x=1&token=T0K', `https://host/path?api_key=${REDACTED}&x=1&token=${REDACTED}`],
    ['https://host/@scope/pkg', 'https://host/@scope/pkg'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['no url here: user:pass@host', 'no url here: user:pass@host'],
    ['two: https://a:1@x and ftp://b:2@y', `two: https://${REDACTED}@x and ftp://${REDACTED}@y`],
  ])('%j', (text, expected) => expect(redactUrls(text)).toBe(expected));

  it('error texts kongtel shows go through it', () => {
    expect(errorMessage(new TypeError('Invalid URL https://u:hunter2@host'))).toBe(`Invalid URL https://${REDACTED}@host`);
  });
});

describe('print-config redaction', () => {
  it('values from env, secret keys, header values and URL userinfo anywhere', () => {
    const tree = {
      exporters: {
        otlphttp: { endpoint: 'https://user:PASS@host/otlp', headers: { 'X-Scope': 'tenant-secret' }, auth: { basic: { username: 'u', password: 'p' } } },
      },
      processors: { kong_metrics: { token_usage_as: 'histogram' } },
      receivers: { a: { endpoint: '1.2.3.4:80', list: ['https://x:y@h', 'plain'] } },
    };
    expect(redactConfig(tree, new Set(['receivers.a.endpoint']))).toEqual({
      exporters: {
        otlphttp: { endpoint: `https://${REDACTED}@host/otlp`, headers: { 'X-Scope': REDACTED }, auth: { basic: { username: 'u', password: REDACTED } } },
      },
      processors: { kong_metrics: { token_usage_as: 'histogram' } },
      receivers: { a: { endpoint: REDACTED, list: [`https://${REDACTED}@h`, 'plain'] } },
    });
  });
});

describe('the logger redacts whatever a component hands it', () => {
  function capture(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[]; text: () => string } {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    return { logger: createLogger('debug', sink), text: () => out, lines: () => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('secret-named fields, header values, URL userinfo in fields, messages, errors and child bindings', () => {
    const c = capture();
    c.logger.info({ endpoint: 'https://user:PW1@backend/otlp', bearer_token: 'TOK2', nested: { api_key: 'KEY3', headers: { Authorization: 'Api-Token HDR4' } } }, 'sending to https://u:PW5@backend');
    c.logger.error({ err: new Error('fetch failed for https://u:PW6@backend') }, 'export failed');
    c.logger.warn(new Error('connect ECONNREFUSED https://u:PW7@h'));
    c.logger.child({ target: 'http://scrape:PW8@kong:8100/metrics' }).debug('scraped');
    c.logger.info('interpolated %s', 'https://u:PW9@h');
    c.logger.info({ points: 3, key: 'exporters.x.tls.insecure_skip_verify', max_tokens: 12 }, 'plain');
    const text = c.text();
    for (const s of ['PW1', 'TOK2', 'KEY3', 'HDR4', 'PW5', 'PW6', 'PW7', 'PW8', 'PW9']) expect(text).not.toContain(s);
    const lines = c.lines();
    expect(lines[0]).toMatchObject({ endpoint: `https://${REDACTED}@backend/otlp`, bearer_token: REDACTED, nested: { api_key: REDACTED, headers: { Authorization: REDACTED } }, msg: `sending to https://${REDACTED}@backend` });
    expect(lines[1]).toMatchObject({ err: { type: 'Error', message: `fetch failed for https://${REDACTED}@backend` }, msg: 'export failed' });
    expect(lines[2]).toMatchObject({ err: { message: `connect ECONNREFUSED https://${REDACTED}@h` }, msg: `connect ECONNREFUSED https://${REDACTED}@h` });
    expect(lines[3]).toMatchObject({ target: `http://${REDACTED}@kong:8100/metrics`, msg: 'scraped' });
    expect(lines[4]).toMatchObject({ msg: `interpolated https://${REDACTED}@h` });
    expect(lines[5]).toMatchObject({ points: 3, key: 'exporters.x.tls.insecure_skip_verify', max_tokens: 12 });
  });
});
