import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SelfTelemetry } from '../../../core/index.js';
import { pipelineIssues } from '../../support/config_errors.js';
import { prometheusReceiverFactory } from '../../../receivers/prometheus/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { HTTP_LISTENERS, type ListenerKind } from '../../support/listeners.js';
import { tempDir } from '../../support/temp.js';
import { selfSigned, type CertFiles } from '../../support/tls.js';
import { startReceiver as startTcpLog } from '../../receivers/kong_tcp_log/harness.js';

/**
 * Issue 10 item 5: the keys of the Collector's TLS server settings (configtls.ServerConfig). `min_version`
 * and `max_version` are honoured on every listener; the others are refused with what kongtel does
 * instead, where they used to fail with a bare "unknown key". And the PEM files are read as regular
 * files only, so a FIFO there fails start-up at once instead of holding it forever.
 */

const LISTENERS: readonly ListenerKind[] = [
  ...HTTP_LISTENERS.filter((k) => k.secured),
  {
    name: 'kong_tcp_log',
    secured: true,
    start: async (keys) => {
      const h = await startTcpLog(keys);
      return { port: h.port, where: 'receivers.kong_tcp_log', telemetry: h.telemetry, logs: h.logs, request: () => Promise.reject(new Error('not HTTP')), stop: () => h.receiver.shutdown() };
    },
  },
];

/** The key path each listener names in its errors (RunningListener.where, known only once started). */
const WHERE: Readonly<Record<string, string>> = {
  kong_http_log: 'receivers.kong_http_log',
  otlp: 'receivers.otlp.protocols.http',
  'prometheus exporter': 'exporters.prometheus',
  'self-telemetry': 'service.telemetry.metrics',
  kong_tcp_log: 'receivers.kong_tcp_log',
};

let dir: string;
let cert: CertFiles;
beforeAll(() => {
  dir = tempDir('tls-settings');
  cert = selfSigned(dir, 'server', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issues(tlsYaml: string): string[] {
  const yaml = `
receivers:
  kong_http_log: { endpoint: 127.0.0.1:0 }
processors:
  kong_metrics: {}
exporters:
  prometheus:
    endpoint: 127.0.0.1:0
    tls: { cert_file: /etc/kongtel/metrics.crt, key_file: /etc/kongtel/metrics.key, ${tlsYaml} }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] }
`;
  return pipelineIssues(yaml);
}

/** The TLS version a client with `o` agrees with the listener on; rejects when there is none. */
function handshake(port: number, o: tls.ConnectionOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(cert.cert), servername: 'localhost', ...o }, () => {
      const protocol = socket.getProtocol() ?? '';
      socket.destroy();
      resolve(protocol);
    });
    socket.once('error', reject);
  });
}

describe('tls keys of the Collector kongtel does not do are refused with what it does instead', () => {
  it.each([
    ['ca_file: /etc/ca.pem', 'ca_file', "a server checks client certificates against client_ca_file (the Collector's servers do too; ca_file is for clients): write client_ca_file instead"],
    ['ca_pem: "-----BEGIN CERTIFICATE-----"', 'ca_pem', 'write the CA certificates to a file and set client_ca_file'],
    ['cert_pem: "-----BEGIN CERTIFICATE-----"', 'cert_pem', 'kongtel reads the certificate from cert_file: write the PEM to a file and set cert_file'],
    ['key_pem: "-----BEGIN PRIVATE KEY-----"', 'key_pem', 'kongtel reads the private key from key_file: write the PEM to a file (mode 0600) and set key_file'],
    ['cipher_suites: [TLS_AES_128_GCM_SHA256]', 'cipher_suites', "kongtel offers Node's default cipher suites (OpenSSL's secure list) and cannot narrow them"],
    ['include_insecure_cipher_suites: true', 'include_insecure_cipher_suites', 'kongtel offers no insecure cipher suites'],
    ['curve_preferences: [X25519]', 'curve_preferences', "kongtel offers Node's default curves"],
    ['include_system_ca_certs_pool: true', 'include_system_ca_certs_pool', "never against the system's"],
    ['reload_interval: 1h', 'reload_interval', 'kongtel reads cert_file and key_file once, at start: restart kongtel after renewing them'],
    ['client_ca_file_reload: true', 'client_ca_file_reload', 'kongtel reads client_ca_file once, at start: restart kongtel after changing it'],
    ['tpm: { enabled: true, path: /dev/tpmrm0 }', 'tpm', 'a key held in a TPM is not supported'],
  ])('%s', (yaml, key, says) => {
    const found = issues(yaml);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^exporters\\.prometheus\\.tls\\.${key}: `));
    expect(found[0]).toContain(says);
  });

  it('their values that ask for nothing kongtel lacks are accepted, as in the Collector', () => {
    expect(issues('cipher_suites: [], curve_preferences: [], include_insecure_cipher_suites: false, include_system_ca_certs_pool: false, reload_interval: 0s, client_ca_file_reload: false')).toEqual([]);
  });

  it('min_version and max_version take the Collector\'s "1.2" and "1.3" (unquoted too); 1.0, 1.1, other values and max below min are errors', () => {
    expect(issues('min_version: "1.3", max_version: "1.3"')).toEqual([]);
    expect(issues('min_version: 1.2, max_version: 1.3')).toEqual([]);
    expect(issues('min_version: "1.0"')).toEqual([
      `exporters.prometheus.tls.min_version: TLS 1.0 is not offered: Node's OpenSSL 3 refuses TLS 1.0 and 1.1 (deprecated by RFC 8996); write "1.2" or "1.3"`,
    ]);
    expect(issues('max_version: "1.1"')).toEqual([
      `exporters.prometheus.tls.max_version: TLS 1.1 is not offered: Node's OpenSSL 3 refuses TLS 1.0 and 1.1 (deprecated by RFC 8996); write "1.2" or "1.3"`,
    ]);
    expect(issues('min_version: TLSv1.3')).toEqual(['exporters.prometheus.tls.min_version: must be "1.2" or "1.3", quoted, as the Collector writes TLS versions']);
    expect(issues('min_version: "1.3", max_version: "1.2"')).toEqual(['exporters.prometheus.tls.max_version: is below min_version "1.3": raise max_version or lower min_version']);
  });
});

describe.each(LISTENERS)('$name: tls.min_version and tls.max_version', (kind) => {
  it('unset: TLS 1.3 by default, TLS 1.2 still accepted (as before)', async () => {
    const l = await kind.start({ tls: { cert_file: cert.cert, key_file: cert.key } });
    try {
      expect(await handshake(l.port)).toBe('TLSv1.3');
      expect(await handshake(l.port, { maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    } finally {
      await l.stop();
    }
  });

  it('min_version "1.3" refuses a TLS 1.2 client', async () => {
    const l = await kind.start({ tls: { cert_file: cert.cert, key_file: cert.key, min_version: '1.3' } });
    try {
      expect(await handshake(l.port)).toBe('TLSv1.3');
      await expect(handshake(l.port, { maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol version|alert/i);
    } finally {
      await l.stop();
    }
  });

  it('max_version "1.2" speaks TLS 1.2 only', async () => {
    const l = await kind.start({ tls: { cert_file: cert.cert, key_file: cert.key, max_version: '1.2' } });
    try {
      expect(await handshake(l.port)).toBe('TLSv1.2');
      await expect(handshake(l.port, { minVersion: 'TLSv1.3' })).rejects.toThrow(/protocol version|alert/i);
    } finally {
      await l.stop();
    }
  });
});

describe('PEM files are read as regular files only', () => {
  const fifos: string[] = [];
  afterEach(() => {
    // Had a read blocked on one (the bug), opening it for writing and closing it lets that read end.
    for (const f of fifos.splice(0)) {
      try {
        closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it, as it should be.
      }
      rmSync(f, { force: true });
    }
  });
  function fifo(name: string): string {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    fifos.push(path);
    return path;
  }
  /** Start-up must fail, not wait for a writer: a hang shows as this error, not as the test's timeout. */
  function within<T>(p: Promise<T>, ms = 3_000): Promise<T> {
    return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still starting after ${ms} ms`)), ms))]);
  }

  it.each(LISTENERS)('$name: a FIFO as tls.cert_file fails start-up at once, naming the key', async (kind) => {
    const path = fifo(`cert-${kind.name.replace(/\W/g, '_')}.pem`);
    const where = WHERE[kind.name];
    await expect(within(kind.start({ tls: { cert_file: path, key_file: cert.key } }))).rejects.toThrow(
      `${where}.tls.cert_file: cannot read "${path}" (it is a FIFO, not a regular file: ENOTREG); point it at a readable PEM file`,
    );
  });

  it('a FIFO as client_ca_file or key_file too, and a file too large to be a PEM file', async () => {
    const [kongHttpLog] = LISTENERS;
    const ca = fifo('ca.pem');
    await expect(within(kongHttpLog.start({ tls: { cert_file: cert.cert, key_file: cert.key, client_ca_file: ca } }))).rejects.toThrow(
      `receivers.kong_http_log.tls.client_ca_file: cannot read "${ca}" (it is a FIFO, not a regular file: ENOTREG)`,
    );
    const key = fifo('key.pem');
    await expect(within(kongHttpLog.start({ tls: { cert_file: cert.cert, key_file: key } }))).rejects.toThrow(`receivers.kong_http_log.tls.key_file: cannot read "${key}" (it is a FIFO`);
    const huge = join(dir, 'huge.pem');
    writeFileSync(huge, '');
    truncateSync(huge, 17 * 1024 * 1024); // sparse: costs no disk
    await expect(within(kongHttpLog.start({ tls: { cert_file: huge, key_file: cert.key } }))).rejects.toThrow(
      `receivers.kong_http_log.tls.cert_file: cannot read "${huge}" (it is ${17 * 1024 * 1024} bytes, more than the ${16 * 1024 * 1024} a PEM file can be: EFBIG); point it at a readable PEM file`,
    );
  });

  it('prometheus receiver: a FIFO as tls_config.ca_file fails start-up at once, naming the key', async () => {
    const ca = fifo('scrape-ca.pem');
    const config = prometheusReceiverFactory.configSchema.parse({
      config: { scrape_configs: [{ job_name: 'kong', scheme: 'https', tls_config: { ca_file: ca }, static_configs: [{ targets: ['127.0.0.1:9'] }] }] },
    });
    const receiver = prometheusReceiverFactory.create(config, testContext('prometheus', 'receiver', { telemetry: new SelfTelemetry() }), new CapturingConsumer());
    await expect(within(receiver.start(runningHost))).rejects.toThrow(
      `receivers.prometheus.scrape_configs[0].tls_config.ca_file: cannot read "${ca}" (it is a FIFO, not a regular file: ENOTREG); point it at a readable PEM file of CA certificates`,
    );
    await receiver.shutdown();
  });
});
