import net from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { HTTP_LISTENERS, type RunningListener } from '../../helpers/listeners.js';
import { tempDir } from '../../helpers/processes.js';
import { selfSigned, type CertFiles } from '../../helpers/tls.js';

/**
 * Item 6 of issue 9: idle connections were never closed and never capped, so 1 100 silent sockets used
 * up a 1 024 file-descriptor limit and then health checks and Kong's POSTs failed, with no log line or
 * metric. Every HTTP listener, on real loopback sockets.
 */

interface Idle {
  readonly socket: net.Socket;
  /** Resolves with ms from connecting until the server closed the connection. */
  readonly closed: Promise<number>;
  isClosed(): boolean;
}

/** A raw connection that sends nothing (or `send`, when given). */
function connectIdle(port: number, send?: string): Promise<Idle> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const started = performance.now();
    let closedFlag = false;
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        closedFlag = true;
        done(performance.now() - started);
      }),
    );
    socket.on('error', () => undefined);
    socket.resume();
    socket.once('connect', () => {
      if (send !== undefined) socket.write(send);
      resolve({ socket, closed, isClosed: () => closedFlag });
    });
    socket.once('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function closedCount(l: RunningListener, reason: string): number {
  return l.telemetry.value(SelfMetric.listenerClosedConnections, { listener: l.where, reason });
}

let running: RunningListener[] = [];
const opened: net.Socket[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) s.destroy();
  await Promise.all(running.map((l) => l.stop()));
  running = [];
});

async function start(kind: (typeof HTTP_LISTENERS)[number], keys: Record<string, unknown>): Promise<RunningListener> {
  const l = await kind.start(keys);
  running.push(l);
  return l;
}

describe.each(HTTP_LISTENERS)('$name: connection hygiene', (kind) => {
  it('a connection that never sends a byte is closed after read_header_timeout', async () => {
    const l = await start(kind, { read_header_timeout: '500ms', read_timeout: '5s' });
    const idle = await connectIdle(l.port);
    opened.push(idle.socket);
    const after = await Promise.race([idle.closed, sleep(3_000).then(() => Infinity)]);
    expect(after).toBeGreaterThanOrEqual(450);
    expect(after).toBeLessThan(1_500);
    expect(closedCount(l, 'request_timeout')).toBe(1);
  });

  it('a connection that answered a request and then idles is closed after idle_timeout', async () => {
    const l = await start(kind, { idle_timeout: '300ms' });
    const idle = await connectIdle(l.port, 'GET /nothing HTTP/1.1\r\nHost: kongtel\r\n\r\n');
    opened.push(idle.socket);
    // Node adds 1 s to the advertised keep-alive timeout before it closes, for clients at the edge.
    const after = await Promise.race([idle.closed, sleep(4_000).then(() => Infinity)]);
    expect(after).toBeLessThan(2_500);
    expect(closedCount(l, 'request_timeout')).toBe(0);
  });

  it('past max_connections new connections are closed at once, counted, logged once; below it requests work again', async () => {
    const l = await start(kind, { max_connections: 5 });
    const idle: Awaited<ReturnType<typeof connectIdle>>[] = [];
    for (let i = 0; i < 9; i++) {
      const c = await connectIdle(l.port);
      opened.push(c.socket);
      idle.push(c);
    }
    await Promise.race([Promise.all(idle.slice(5).map((c) => c.closed)), sleep(2_000)]);
    expect(idle.map((c) => c.isClosed())).toEqual([false, false, false, false, false, true, true, true, true]);
    expect(l.telemetry.value(SelfMetric.listenerRefusedConnections, { listener: l.where, reason: 'max_connections' })).toBe(4);
    expect(l.telemetry.value(SelfMetric.listenerOpenConnections, { listener: l.where })).toBe(5);
    const warnings = l.logs.filter((line) => String(line.msg).includes('max_connections'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, listener: l.where, max_connections: 5 });
    // At the cap, a real request is refused too: that is the point of the log line and the metric.
    await expect(l.request()).rejects.toThrow();

    for (const c of idle.slice(0, 5)) c.socket.destroy();
    await Promise.all(idle.slice(0, 5).map((c) => c.closed));
    await sleep(50);
    expect(l.telemetry.value(SelfMetric.listenerOpenConnections, { listener: l.where })).toBe(0);
    expect((await l.request()).status).toBe(200);
    expect(l.logs.filter((line) => String(line.msg).includes('accepting connections again'))).toHaveLength(1);
  });
});

describe.each(HTTP_LISTENERS.filter((k) => k.secured))('$name over TLS: silence is bounded by read_header_timeout too', (kind) => {
  let cert: CertFiles;
  beforeAll(() => {
    cert = selfSigned(tempDir('tls'), 'listener', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
  });

  it('a TCP connection that never starts the TLS handshake is closed after read_header_timeout', async () => {
    const l = await start(kind, { read_header_timeout: '500ms', read_timeout: '5s', tls: { cert_file: cert.cert, key_file: cert.key } });
    const idle = await connectIdle(l.port);
    opened.push(idle.socket);
    // Without it, Node's default TLS handshake timeout (120 s) held the connection.
    const after = await Promise.race([idle.closed, sleep(3_000).then(() => Infinity)]);
    expect(after).toBeGreaterThanOrEqual(450);
    expect(after).toBeLessThan(1_500);
    expect(closedCount(l, 'tls_handshake_timeout')).toBe(1);
  });

  it('a TLS connection that sends nothing after its handshake is closed after read_header_timeout', async () => {
    const l = await start(kind, { read_header_timeout: '500ms', read_timeout: '5s', tls: { cert_file: cert.cert, key_file: cert.key } });
    const socket = tls.connect({ host: '127.0.0.1', port: l.port, rejectUnauthorized: false });
    opened.push(socket);
    socket.on('error', () => undefined);
    socket.resume();
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    const started = performance.now();
    const after = await Promise.race([new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started))), sleep(8_000).then(() => Infinity)]);
    expect(after).toBeLessThan(1_500);
    expect(closedCount(l, 'request_timeout')).toBe(1);
  });
});

describe('one listener at its cap does not take the others down', () => {
  it('kong_http_log full of idle connections: health_check and self-telemetry still answer', async () => {
    const [httpLog, , , selfTelemetry, health] = await Promise.all(
      HTTP_LISTENERS.map((kind) => start(kind, kind.name === 'kong_http_log' ? { max_connections: 20 } : {})),
    );
    for (let i = 0; i < 40; i++) opened.push((await connectIdle(httpLog.port)).socket);
    await sleep(100);
    expect(httpLog.telemetry.value(SelfMetric.listenerRefusedConnections, { listener: httpLog.where, reason: 'max_connections' })).toBe(20);
    expect((await health.request()).status).toBe(200);
    expect((await selfTelemetry.request()).status).toBe(200);
  });
});
