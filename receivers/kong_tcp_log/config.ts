import { z } from 'zod';
import { byteSize, duration, endpoint, maxConnections, tlsServerSchema } from '../../core/index.js';

const MIB = 1024 * 1024;

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
  max_connections: maxConnections(),
  tls: tlsServerSchema.optional(),
});

export type KongTcpLogConfig = z.infer<typeof kongTcpLogConfigSchema>;
