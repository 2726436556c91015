import type { SecureVersion } from 'node:tls';
import { z } from 'zod';
import { refusedKey } from '../config/refused_key.js';
import { readPemFile } from './pem_file.js';

/**
 * The Collector's TLS versions (configtls, `tlsVersions`, at 934999fbab274d10cbf18704b4594a6fb2049887)
 * that Node can serve. TLS 1.0 and 1.1 are in the Collector's list, but OpenSSL 3 (Node 20) refuses to
 * sign their handshakes at its default security level, so a server asked for them could serve nobody.
 */
const VERSIONS: Readonly<Record<string, SecureVersion>> = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };
const DEFAULT_MIN = '1.2';

/** `"1.2"`; also `1.2` unquoted, which YAML reads as a number (the Collector's decoder turns it into text). */
const tlsVersion = z.preprocess(
  (v) => (typeof v === 'number' ? v.toFixed(1) : v),
  z.string({ error: 'must be "1.2" or "1.3"' }).superRefine((v, ctx) => {
    if (v === '1.0' || v === '1.1') {
      ctx.addIssue({ code: 'custom', message: `TLS ${v} is not offered: Node's OpenSSL 3 refuses TLS 1.0 and 1.1 (deprecated by RFC 8996); write "1.2" or "1.3"` });
    } else if (VERSIONS[v] === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be "1.2" or "1.3", quoted, as the Collector writes TLS versions' });
    }
  }),
);

const CLIENT_CAS = 'a server checks client certificates against client_ca_file (the Collector\'s servers do too; ca_file is for clients)';

/**
 * Server-side TLS for every listener: certificate, key, an optional CA for client certificates, and the
 * TLS versions — the keys of the Collector's `configtls.ServerConfig`. Its keys kongtel does not do are
 * refused with what kongtel does instead, so a pasted Collector config says why rather than "unknown key".
 */
export const tlsServerSchema = z
  .strictObject({
    cert_file: z.string().min(1, 'must be the path of a PEM certificate (chain) file'),
    key_file: z.string().min(1, 'must be the path of the PEM private key file for cert_file'),
    client_ca_file: z
      .string()
      .min(1, 'must be the path of a PEM file of CA certificates; remove the key to not ask for client certificates')
      .optional(),
    /** Unset: TLS 1.2, as the Collector (whose default is "" read as 1.2) and Node do. */
    min_version: tlsVersion.optional(),
    /** Unset: the newest Node offers (TLS 1.3), as crypto/tls does for the Collector. */
    max_version: tlsVersion.optional(),
    ca_file: refusedKey(`${CLIENT_CAS}: write client_ca_file instead`),
    ca_pem: refusedKey(`${CLIENT_CAS}: write the CA certificates to a file and set client_ca_file`),
    cert_pem: refusedKey('kongtel reads the certificate from cert_file: write the PEM to a file and set cert_file'),
    key_pem: refusedKey('kongtel reads the private key from key_file: write the PEM to a file (mode 0600) and set key_file'),
    cipher_suites: refusedKey("kongtel offers Node's default cipher suites (OpenSSL's secure list) and cannot narrow them; remove cipher_suites (an empty list is accepted)", [[]]),
    include_insecure_cipher_suites: refusedKey('kongtel offers no insecure cipher suites; remove include_insecure_cipher_suites (false is accepted)', [false]),
    curve_preferences: refusedKey("kongtel offers Node's default curves (X25519, P-256, P-384) and cannot change them; remove curve_preferences (an empty list is accepted)", [[]]),
    include_system_ca_certs_pool: refusedKey(`${CLIENT_CAS}, never against the system's; remove include_system_ca_certs_pool (false is accepted)`, [false]),
    reload_interval: refusedKey('kongtel reads cert_file and key_file once, at start: restart kongtel after renewing them; remove reload_interval (0 is accepted)', [0, '0s']),
    client_ca_file_reload: refusedKey('kongtel reads client_ca_file once, at start: restart kongtel after changing it; remove client_ca_file_reload (false is accepted)', [false]),
    tpm: refusedKey('kongtel reads the private key from key_file only; a key held in a TPM is not supported: remove tpm'),
  })
  .superRefine((tls, ctx) => {
    // Checked as the Collector's configtls.Config.Validate does.
    const min = tls.min_version ?? DEFAULT_MIN;
    // Only between two valid versions: a bad one already has its own error.
    if (tls.max_version !== undefined && VERSIONS[min] !== undefined && VERSIONS[tls.max_version] !== undefined && Number(tls.max_version) < Number(min)) {
      ctx.addIssue({ code: 'custom', path: ['max_version'], message: `is below min_version "${min}": raise max_version or lower min_version` });
    }
  });

export type TlsServerConfig = z.infer<typeof tlsServerSchema>;

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion | undefined;
}

/** Reads the PEM files named in `tls`; `where` is the key path of the component's config in errors. */
export async function readTlsMaterial(tls: TlsServerConfig, where: string): Promise<TlsMaterial> {
  const pem = (file: string, key: string) => readPemFile(file, `${where}.tls.${key}`, 'point it at a readable PEM file');
  const [cert, key, ca] = await Promise.all([
    pem(tls.cert_file, 'cert_file'),
    pem(tls.key_file, 'key_file'),
    tls.client_ca_file === undefined ? undefined : pem(tls.client_ca_file, 'client_ca_file'),
  ]);
  return { cert, key, ca, minVersion: VERSIONS[tls.min_version ?? DEFAULT_MIN] ?? 'TLSv1.2', maxVersion: tls.max_version === undefined ? undefined : VERSIONS[tls.max_version] };
}

export interface TlsServerOptions {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
}

/** Node's TLS server options for the material: client certificates are required when a CA is given. */
export function tlsServerOptions(tls: TlsMaterial): TlsServerOptions {
  const versions = tls.maxVersion === undefined ? { minVersion: tls.minVersion } : { minVersion: tls.minVersion, maxVersion: tls.maxVersion };
  return { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: tls.ca !== undefined, rejectUnauthorized: tls.ca !== undefined, ...versions };
}
