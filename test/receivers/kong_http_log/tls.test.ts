import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp.js';
import { serverAndClient } from '../../support/tls.js';
import { send, startReceiver, type Harness } from './client.js';

const entry = '{"request":{"method":"GET"},"response":{"status":200}}';

describe('kong_http_log over TLS', () => {
  let dir: string;
  let server: { cert: string; key: string };
  let client: { cert: string; key: string };

  beforeAll(() => {
    dir = tempDir('tls');
    ({ server, client } = serverAndClient(dir));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('server certificate', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startReceiver({ tls: { cert_file: server.cert, key_file: server.key } });
    });
    afterAll(() => h.receiver.shutdown());

    it('accepts a batch from a client that trusts the certificate', async () => {
      const reply = await send(h.port, { body: entry, tls: { ca: readFileSync(server.cert) } });
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
      h = await startReceiver({ tls: { cert_file: server.cert, key_file: server.key, client_ca_file: client.cert } });
    });
    afterAll(() => h.receiver.shutdown());

    it('accepts a client presenting a certificate signed by the CA', async () => {
      const tls = { ca: readFileSync(server.cert), cert: readFileSync(client.cert), key: readFileSync(client.key) };
      expect((await send(h.port, { body: entry, tls })).status).toBe(200);
    });

    it('refuses a client without a certificate', async () => {
      await expect(send(h.port, { body: entry, tls: { ca: readFileSync(server.cert) } })).rejects.toThrow();
      expect(h.entriesDelivered()).toBe(1);
    });
  });
});
