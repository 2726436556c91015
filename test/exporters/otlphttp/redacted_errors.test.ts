import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../core/index.js';
import { HttpClient } from '../../../exporters/otlphttp/http_client.js';
import { HttpStandIn } from '../../support/stand_ins/http_stand_in.js';

/**
 * Issue 9 item 2: what the backend or node says about a request becomes a log line and a PermanentError
 * a receiver may answer Kong with. A URL with credentials in that text loses them.
 */
describe('otlphttp error texts carry no URL credentials', () => {
  const request = { body: new Uint8Array([1]), points: 1, encoding: 'json' as const, compression: 'none' as const };

  it("a backend's error text that echoes the URL", async () => {
    const backend = new HttpStandIn(() => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'bad request to https://instance:glc_ECHOED@gateway/otlp' }));
    await backend.start();
    const client = new HttpClient({ url: new URL(`${backend.origin}/v1/metrics`), headers: {}, timeoutMs: 5000, rejectUnauthorized: true, clock: systemClock });
    try {
      const outcome = await client.post(request, new AbortController().signal);
      expect(outcome).toEqual({ kind: 'permanent', status: 400, message: 'bad request to https://[REDACTED]@gateway/otlp' });
    } finally {
      client.close();
      await backend.stop();
    }
  });

  it('a request node refuses to build names the header, never its value', async () => {
    const client = new HttpClient({ url: new URL('http://127.0.0.1:9/v1/metrics'), headers: { 'X-Token': 'VALUE\u0001WITH-CTL' }, timeoutMs: 5000, rejectUnauthorized: true, clock: systemClock });
    const outcome = await client.post(request, new AbortController().signal);
    client.close();
    expect(outcome.kind).toBe('permanent');
    expect(JSON.stringify(outcome)).not.toContain('VALUE');
  });
});
