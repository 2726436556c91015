import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Server-side TLS for every network receiver: certificate, key, and an optional CA for client certificates. */
export const tlsServerSchema = z.strictObject({
  cert_file: z.string().min(1, 'must be the path of a PEM certificate (chain) file'),
  key_file: z.string().min(1, 'must be the path of the PEM private key file for cert_file'),
  client_ca_file: z
    .string()
    .min(1, 'must be the path of a PEM file of CA certificates; remove the key to not ask for client certificates')
    .optional(),
});

export type TlsServerConfig = z.infer<typeof tlsServerSchema>;

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

async function readPem(file: string, key: string, where: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`${where}.tls.${key}: cannot read "${file}" (${code}); point it at a readable PEM file`);
  }
}

/** Reads the PEM files named in `tls`; `where` is the key path of the component's config in errors. */
export async function readTlsMaterial(tls: TlsServerConfig, where: string): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all([
    readPem(tls.cert_file, 'cert_file', where),
    readPem(tls.key_file, 'key_file', where),
    tls.client_ca_file === undefined ? undefined : readPem(tls.client_ca_file, 'client_ca_file', where),
  ]);
  return { cert, key, ca };
}

/** Node's TLS server options for the material: client certificates are required when a CA is given. */
export function tlsServerOptions(tls: TlsMaterial): { cert: Buffer; key: Buffer; ca: Buffer | undefined; requestCert: boolean; rejectUnauthorized: boolean } {
  return { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: tls.ca !== undefined, rejectUnauthorized: tls.ca !== undefined };
}
