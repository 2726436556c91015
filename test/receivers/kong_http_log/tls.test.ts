import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteCertificates } from '../../support/tls.js';
import { send, startReceiver, type Harness } from './client.js';

const entry = '{"request":{"method":"GET"},"response":{"status":200}}';

describe('kong_http_log over TLS', () => {
  const certs = suiteCertificates('tls');

  describe('server certificate', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startReceiver({ tls: { cert_file: certs.server.cert, key_file: certs.server.key } });
    });
    afterAll(() => h.receiver.shutdown());

    it('accepts a batch from a client that trusts the certificate', async () => {
      const reply = await send(h.port, { body: entry, tls: { ca: readFileSync(certs.server.cert) } });
      expect(reply.status).toBe(200);
      expect(h.entriesDelivered()).toBe(1);
    });

    it('accepts a client that does not verify, as Kong OSS http-log does', async () => {
      expect((await send(h.port, { body: entry, tls: { rejectUnauthorized: false } })).status).toBe(200);
    });

    it('is not reachable over plain HTTP', async () => {
      await expect(send(h.port, { body: entry })).rejects.toThrow();
    });
  });

  describe('client certificates (client_ca_file)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startReceiver({ tls: { cert_file: certs.server.cert, key_file: certs.server.key, client_ca_file: certs.client.cert } });
    });
    afterAll(() => h.receiver.shutdown());

    it('accepts a client presenting a certificate signed by the CA', async () => {
      const tls = { ca: readFileSync(certs.server.cert), cert: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) };
      expect((await send(h.port, { body: entry, tls })).status).toBe(200);
    });

    it('refuses a client without a certificate', async () => {
      await expect(send(h.port, { body: entry, tls: { ca: readFileSync(certs.server.cert) } })).rejects.toThrow();
      expect(h.entriesDelivered()).toBe(1);
    });
  });
});
