import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { selfSigned } from '../../helpers/tls.js';
import { close, closedByPeer, connect, entryLine, startReceiver, until, write } from './harness.js';

/** Item 6 of issue 9 for kong_tcp_log: silence is bounded by idle_timeout, connections by max_connections. */

const LISTENER = { listener: 'receivers.kong_tcp_log' };

async function closedWithin(socket: Awaited<ReturnType<typeof connect>>, ms: number): Promise<number> {
  const started = performance.now();
  await Promise.race([closedByPeer(socket), new Promise((resolve) => setTimeout(resolve, ms))]);
  return socket.destroyed || socket.readableEnded ? performance.now() - started : Infinity;
}

describe('kong_tcp_log: a connection that sends nothing', () => {
  let dir: string;
  let cert: { cert: string; key: string };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kongtel-tcp-idle-'));
    cert = selfSigned(dir, 'server', '/CN=kongtel', 'IP:127.0.0.1,DNS:localhost');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is closed after idle_timeout', async () => {
    const h = await startReceiver({ idle_timeout: '400ms' });
    try {
      const socket = await connect(h.port);
      const after = await closedWithin(socket, 3_000);
      expect(after).toBeGreaterThanOrEqual(350);
      expect(after).toBeLessThan(1_500);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('over TLS, without even starting the handshake, is closed after idle_timeout (not after the 120 s TLS default)', async () => {
    const h = await startReceiver({ idle_timeout: '400ms', tls: { cert_file: cert.cert, key_file: cert.key } });
    try {
      const socket = await connect(h.port);
      const after = await closedWithin(socket, 3_000);
      expect(after).toBeGreaterThanOrEqual(350);
      expect(after).toBeLessThan(1_500);
      expect(h.telemetry.value(SelfMetric.listenerClosedConnections, { ...LISTENER, reason: 'tls_handshake_timeout' })).toBe(1);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_tcp_log: max_connections', () => {
  it('closes connections past the cap at once, counts and logs them once, and takes entries again below it', async () => {
    const h = await startReceiver({ max_connections: 3 });
    try {
      const sockets = [];
      for (let i = 0; i < 6; i++) sockets.push(await connect(h.port));
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 500)));
      expect(closed.map((ms) => ms !== Infinity)).toEqual([false, false, false, true, true, true]);
      expect(h.telemetry.value(SelfMetric.listenerRefusedConnections, { ...LISTENER, reason: 'max_connections' })).toBe(3);
      expect(h.telemetry.value(SelfMetric.listenerOpenConnections, LISTENER)).toBe(3);
      expect(h.logs.filter((l) => String(l.msg).includes('max_connections'))).toHaveLength(1);

      for (const s of sockets.slice(0, 3)) await close(s);
      await until('below the cap', () => h.telemetry.value(SelfMetric.listenerOpenConnections, LISTENER) === 0);
      const socket = await connect(h.port);
      await write(socket, entryLine('after'));
      await close(socket);
      await until('the entry', () => h.next.ids().includes('after'));
      expect(h.logs.filter((l) => String(l.msg).includes('accepting connections again'))).toHaveLength(1);
    } finally {
      await h.receiver.shutdown();
    }
  });
});
