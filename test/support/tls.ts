import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './temp.js';

export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

/** A self-signed certificate and key made with the openssl CLI (on every machine of this project). */
export function selfSigned(dir: string, name: string, subject: string, san: string): CertFiles {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', subject, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A server certificate for 127.0.0.1 and localhost (CN=kongtel) and a client certificate (CN=kong), both self-signed, in `dir`. */
export function serverAndClient(dir: string): { server: CertFiles; client: CertFiles } {
  return {
    server: selfSigned(dir, 'server', '/CN=kongtel', 'IP:127.0.0.1,DNS:localhost'),
    client: selfSigned(dir, 'client', '/CN=kong', 'DNS:kong'),
  };
}

/**
 * `serverAndClient` for the calling describe: made in a temp directory (`prefix`) in its beforeAll and
 * removed in its afterAll. Read the fields inside hooks and tests, once they are made.
 */
export function suiteCertificates(prefix: string): { readonly dir: string; readonly server: CertFiles; readonly client: CertFiles } {
  let made: { dir: string; server: CertFiles; client: CertFiles } | undefined;
  beforeAll(() => {
    const dir = tempDir(prefix);
    made = { dir, ...serverAndClient(dir) };
  });
  afterAll(() => {
    if (made) rmSync(made.dir, { recursive: true, force: true });
  });
  const get = (): { dir: string; server: CertFiles; client: CertFiles } => {
    if (!made) throw new Error('the certificates are made in beforeAll: read them inside a hook or a test');
    return made;
  };
  return {
    get dir() {
      return get().dir;
    },
    get server() {
      return get().server;
    },
    get client() {
      return get().client;
    },
  };
}
