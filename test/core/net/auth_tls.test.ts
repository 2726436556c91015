import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, AUTH_CASES, CHALLENGES, authorizationHeaders, type AuthCase } from '../../helpers/auth_cases.js';
import { HTTP_LISTENERS, type RunningListener } from '../../helpers/listeners.js';
import { tempDir } from '../../helpers/processes.js';
import { selfSigned, type CertFiles } from '../../helpers/tls.js';

/**
 * Item 5 of issue 9 (the metrics ports had no auth) and the auth part of item 8, on every listener that
 * takes `auth` and `tls`: the prometheus exporter's /metrics and the self-telemetry port are scraped as
 * Prometheus scrapes them, the receivers get their usual POST.
 */

describe.each(HTTP_LISTENERS.filter((k) => k.secured))('$name with auth', (kind) => {
  let l: RunningListener;
  beforeAll(async () => {
    l = await kind.start({ auth: AUTH });
  });
  afterAll(() => l.stop());

  it.each(AUTH_CASES)('$name → ok: $ok', async (c: AuthCase) => {
    const reply = await l.request({ headers: authorizationHeaders(c) as Record<string, string | string[]> });
    expect(reply.status).toBe(c.ok ? 200 : 401);
    if (!c.ok) expect(reply.headers['www-authenticate']).toBe(CHALLENGES);
  });
});

describe.each(HTTP_LISTENERS.filter((k) => k.secured))('$name over https with a self-signed certificate', (kind) => {
  let cert: CertFiles;
  let l: RunningListener;
  beforeAll(async () => {
    cert = selfSigned(tempDir('tls'), 'listener', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
    l = await kind.start({ tls: { cert_file: cert.cert, key_file: cert.key }, auth: { bearer_token: AUTH.bearer_token } });
  });
  afterAll(() => l.stop());

  it('answers a client that trusts the certificate: 200 with the token, 401 without', async () => {
    const tls = { ca: readFileSync(cert.cert), servername: 'localhost' };
    expect((await l.request({ tls, headers: { authorization: `Bearer ${AUTH.bearer_token}` } })).status).toBe(200);
    expect((await l.request({ tls })).status).toBe(401);
  });

  it('refuses the handshake of a client that does not trust it', async () => {
    await expect(l.request({ tls: { servername: 'localhost' } })).rejects.toThrow(/self-signed|certificate/);
  });

  it('does not speak plain HTTP on the https port', async () => {
    await expect(l.request()).rejects.toThrow();
  });
});
