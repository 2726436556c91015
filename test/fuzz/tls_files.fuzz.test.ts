import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import type { Receiver } from '../../core/index.js';
import { startReceiver as startHttpLog } from '../receivers/kong_http_log/client.js';
import { startReceiver as startTcpLog } from '../receivers/kong_tcp_log/harness.js';
import { tempDir } from '../support/temp.js';
import { selfSigned, type CertFiles } from '../support/tls.js';
import { pipelineIssues } from '../support/config_errors.js';

/**
 * Issue 10's TLS keys as properties. Whatever a listener's `tls` holds — a Collector key kongtel refuses,
 * a TLS version of any shape, from the file or from `${env:…}` — loading succeeds or fails with a
 * ConfigError at a `tls` key, and a value from the environment is never shown. Whatever a PEM path names
 * — a FIFO, a socket, a device that never ends, a directory, a link loop, a huge or an empty file —
 * start-up fails at once with the key, never waits, never reads it whole.
 */
const RUNS = Math.max(100, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 20));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

const KEYS = ['min_version', 'max_version', 'ca_file', 'ca_pem', 'cert_pem', 'key_pem', 'cipher_suites', 'curve_preferences', 'include_insecure_cipher_suites', 'include_system_ca_certs_pool', 'reload_interval', 'client_ca_file_reload', 'tpm'] as const;

const config = (tls: string) => `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:0
    tls: { cert_file: /etc/kongtel/tls.crt, key_file: /etc/kongtel/tls.key, ${tls} }
processors:
  kong_metrics: {}
exporters:
  prometheus: { endpoint: 127.0.0.1:0 }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] }
`;

const load = pipelineIssues;

const value = fc.oneof(
  fc.constantFrom('"1.0"', '"1.1"', '"1.2"', '"1.3"', '1.3', '1.2', '13', '"TLSv1.3"', 'true', 'false', '[]', '[X25519]', '0', '0s', '1h', '{}', 'null', '"-----BEGIN PRIVATE KEY-----"'),
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
);

describe('tls keys, hostile values', () => {
  it('in the file: accepted, or a ConfigError at the tls key', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), value, (key, v) => {
        for (const line of load(config(`${key}: ${v}`), {})) expect(line).toMatch(new RegExp(`^receivers\\.kong_http_log\\.tls\\.(${key}|max_version)(: |\\.)`));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('from the environment: never the value shown', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.string({ unit: 'binary', maxLength: 30 }), (key, v) => {
        for (const line of load(config(`${key}: "\${env:V}"`), { V: `${v}MARK` })) {
          expect(line).not.toContain('MARK');
          expect(line).toMatch(/^receivers\.kong_http_log\.tls\./);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});

describe('PEM paths that are not PEM files', () => {
  let dir: string;
  let cert: CertFiles;
  let socketServer: net.Server;
  const paths: Record<string, string> = {};
  beforeAll(async () => {
    dir = tempDir('tls-files');
    cert = selfSigned(dir, 'server', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
    paths.fifo = join(dir, 'fifo.pem');
    execFileSync('mkfifo', [paths.fifo]);
    paths.socket = join(dir, 'socket.pem');
    socketServer = net.createServer();
    await new Promise<void>((resolve) => socketServer.listen(paths.socket, resolve));
    paths.device = '/dev/zero';
    paths.directory = join(dir, 'dir.pem');
    mkdirSync(paths.directory);
    paths.loop = join(dir, 'loop.pem');
    symlinkSync(paths.loop, paths.loop);
    paths.missing = join(dir, 'missing.pem');
    paths.huge = join(dir, 'huge.pem');
    writeFileSync(paths.huge, '');
    truncateSync(paths.huge, 1024 ** 3); // sparse
    paths.empty = join(dir, 'empty.pem');
    writeFileSync(paths.empty, '');
  });
  afterAll(async () => {
    try {
      closeSync(openSync(paths.fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // nobody reads it, as it should be
    }
    await new Promise((resolve) => socketServer.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const within = <T>(p: Promise<T>, ms = 3_000): Promise<T> =>
    Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still starting after ${ms} ms`)), ms))]);

  it('start-up fails at once, naming the key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fifo', 'socket', 'device', 'directory', 'loop', 'missing', 'huge', 'empty'),
        fc.constantFrom('cert_file', 'key_file', 'client_ca_file'),
        fc.constantFrom('kong_http_log', 'kong_tcp_log'),
        async (kind, key, receiver) => {
          const tls = { cert_file: cert.cert, key_file: cert.key, [key]: paths[kind] };
          const start: Promise<Receiver> = receiver === 'kong_http_log' ? startHttpLog({ tls }).then((h) => h.receiver) : startTcpLog({ tls }).then((h) => h.receiver);
          const outcome = await within(start).then(
            async (r) => {
              await r.shutdown();
              return undefined;
            },
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          );
          // An empty file is read; it is the TLS layer that refuses it (Node names no key there).
          if (kind === 'empty') return;
          expect(outcome).toMatch(new RegExp(`^receivers\\.${receiver}\\.tls\\.${key}: cannot read "`));
        },
      ),
      { seed: SEED, numRuns: 40, endOnFailure: true },
    );
  });
});
