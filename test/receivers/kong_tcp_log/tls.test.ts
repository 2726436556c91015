import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp.js';
import { serverAndClient } from '../../support/tls.js';
import { close, closedByPeer, connect, connectTls, entryLine, startReceiver, write, type Harness } from './harness.js';
import { until } from '../../support/wait.js';

describe('kong_tcp_log over TLS', () => {
  let dir: string;
  let server: { cert: string; key: string };
  let client: { cert: string; key: string };

  beforeAll(() => {
    dir = tempDir('tcp-tls');
    ({ server, client } = serverAndClient(dir));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('server certificate', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startReceiver({ tls: { cert_file: server.cert, key_file: server.key } });
    });
    afterAll(() => h.receiver.shutdown());

    it('receives entries from a client that trusts the certificate', async () => {
      const socket = await connectTls(h.port, { ca: readFileSync(server.cert) });
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
      h = await startReceiver({ tls: { cert_file: server.cert, key_file: server.key, client_ca_file: client.cert } });
    });
    afterAll(() => h.receiver.shutdown());

    it('receives from a client presenting a certificate signed by the CA', async () => {
      const socket = await connectTls(h.port, { ca: readFileSync(server.cert), cert: readFileSync(client.cert), key: readFileSync(client.key) });
      await write(socket, entryLine('mtls'));
      await close(socket);
      await until('1 entry', () => h.next.entries.length === 1);
    });

    it('refuses a client without a certificate', async () => {
      const attempt = (async () => {
        const socket = await connectTls(h.port, { ca: readFileSync(server.cert) });
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
    await expect(startReceiver({ tls: { cert_file: join(dir, 'missing.crt'), key_file: server.key } })).rejects.toThrow(
      'receivers.kong_tcp_log.tls.cert_file: cannot read',
    );
  });
});
