import { z } from 'zod';
import { byteSize, endpoint, authSchema, headerTimeoutIssue, httpServerKeys, tlsServerSchema } from '../../core/index.js';

const MIB = 1024 * 1024;

export const kongHttpLogConfigSchema = z
  .strictObject({
    endpoint: endpoint().default('0.0.0.0:8080'),
    path: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'must be a URL path starting with "/" (no query, fragment or spaces), e.g. "/" or "/kong"')
      .default('/'),
    max_request_body_size: byteSize()
      .refine((n) => n > 0, 'must be more than 0 bytes, e.g. "20MiB"')
      .default(20 * MIB),
    auth: authSchema.optional(),
    ...httpServerKeys({
      // Kong's http-log gives up after its own `timeout` (10 s by default), so a request still arriving
      // after 30 s is a slow or stuck client holding a connection.
      read_timeout: 30_000,
      read_header_timeout: 10_000,
      // Longer than Kong's default `keepalive` (60 s): the client should close an idle connection first,
      // or Kong may reuse a socket we are closing and count that batch as failed.
      idle_timeout: 65_000,
    }),
    tls: tlsServerSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const issue = headerTimeoutIssue(c);
    if (issue !== undefined) ctx.addIssue({ code: 'custom', ...issue });
  });

export type KongHttpLogConfig = z.infer<typeof kongHttpLogConfigSchema>;
