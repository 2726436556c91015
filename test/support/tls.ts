import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

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
