import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteCertificates } from '../../support/tls.js';
import { close, closedByPeer, connect, connectTls, entryLine, startReceiver, write, type Harness } from './harness.js';
import { until } from '../../support/wait.js';

describe('kong_tcp_log over TLS', () => {
  const certs = suiteCertificates('tcp-tls');

  describe('server certificate', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startReceiver({ tls: { cert_file: certs.server.cert, key_file: certs.server.key } });
    });
    afterAll(() => h.receiver.shutdown());

    it('receives entries from a client that trusts the certificate', async () => {
      const socket = await connectTls(h.port, { ca: readFileSync(certs.server.cert) });
      await write(socket, entryLine('t1') + entryLine('t2') + entryLine('t3'));
      await close(socket);
      await until('3 entries', () => h.next.entries.length === 3);
      expect(h.next.ids()).toEqual(['t1', 't2', 't3']);
    });

    it('receives from a client that does not verify, as Kong tcp-log does', async () => {
      const socket = await connectTls(h.port, { rejectUnauthorized: false });
      await write(socket, entryLine('t4'));
      await close(socket);
      await until('4 entries', () => h.next.entries.length === 4);
    });

    it('takes nothing from a plain TCP client', async () => {
      const socket = await connect(h.port);
      socket.on('error', () => {});
      socket.write(entryLine('plain'));
      await closedByPeer(socket);
      expect(h.next.entries).toHaveLength(4);
      expect(h.rejected('malformed_json')).toBe(0);
    });
  });

  describe('client certificates (client_ca_file)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startReceiver({ tls: { cert_file: certs.server.cert, key_file: certs.server.key, client_ca_file: certs.client.cert } });
    });
    afterAll(() => h.receiver.shutdown());

    it('receives from a client presenting a certificate signed by the CA', async () => {
      const socket = await connectTls(h.port, { ca: readFileSync(certs.server.cert), cert: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) });
      await write(socket, entryLine('mtls'));
      await close(socket);
      await until('1 entry', () => h.next.entries.length === 1);
    });

    it('refuses a client without a certificate', async () => {
      const attempt = (async () => {
        const socket = await connectTls(h.port, { ca: readFileSync(certs.server.cert) });
        socket.on('error', () => {});
        socket.write(entryLine('no-cert'));
        await closedByPeer(socket);
      })();
      await attempt.catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
      expect(h.next.ids()).toEqual(['mtls']);
    });
  });

  it('names the key and the fix when a PEM file cannot be read', async () => {
    await expect(startReceiver({ tls: { cert_file: join(certs.dir, 'missing.crt'), key_file: certs.server.key } })).rejects.toThrow(
      'receivers.kong_tcp_log.tls.cert_file: cannot read',
    );
  });
});
