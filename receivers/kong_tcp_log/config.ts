import { z } from 'zod';
import { byteSize, duration, endpoint } from '../../core/index.js';

const MIB = 1024 * 1024;

const tlsSchema = z.strictObject({
  cert_file: z.string().min(1, 'must be the path of a PEM certificate (chain) file'),
  key_file: z.string().min(1, 'must be the path of the PEM private key file for cert_file'),
  client_ca_file: z
    .string()
    .min(1, 'must be the path of a PEM file of CA certificates; remove the key to not ask for client certificates')
    .optional(),
});

export const kongTcpLogConfigSchema = z.strictObject({
  endpoint: endpoint().default('0.0.0.0:9000'),
  // Kong's entries are 1–3 KB, more with AI payload logging; a line past 1 MiB is a wrong client or a
  // runaway custom field, and holding it would let one connection take that much memory.
  max_line_size: byteSize()
    .refine((n) => n > 0, 'must be more than 0 bytes, e.g. "1MiB"')
    .default(MIB),
  // Kong keeps an idle tcp-log connection in its pool for `keepalive` (60 s by default); staying open
  // longer lets Kong close first, so it never writes into a socket we are closing.
  idle_timeout: duration().default(300_000),
  back_pressure_timeout: duration()
    .refine((ms) => ms > 0, 'must be more than 0, e.g. "30s"')
    .default(30_000),
  tls: tlsSchema.optional(),
});

export type KongTcpLogConfig = z.infer<typeof kongTcpLogConfigSchema>;
