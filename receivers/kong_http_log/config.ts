import { z } from 'zod';
import { byteSize, duration, endpoint } from '../../core/index.js';

const MIB = 1024 * 1024;

const authSchema = z
  .strictObject({
    bearer_token: z
      .string()
      .min(1, 'must not be empty (set the token Kong sends in `headers: { Authorization: "Bearer <token>" }`)')
      .optional(),
    basic: z
      .strictObject({
        username: z.string().min(1, 'must not be empty (the user part of the userinfo in Kong\'s http_endpoint)'),
        password: z.string().min(1, 'must not be empty (the password part of the userinfo in Kong\'s http_endpoint)'),
      })
      .optional(),
  })
  .refine((a) => a.bearer_token !== undefined || a.basic !== undefined, {
    message: 'set bearer_token, basic { username, password }, or both; remove `auth` to accept unauthenticated requests',
  });

const tlsSchema = z.strictObject({
  cert_file: z.string().min(1, 'must be the path of a PEM certificate (chain) file'),
  key_file: z.string().min(1, 'must be the path of the PEM private key file for cert_file'),
  client_ca_file: z
    .string()
    .min(1, 'must be the path of a PEM file of CA certificates; remove the key to not ask for client certificates')
    .optional(),
});

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
    // Kong's http-log gives up after its own `timeout` (10 s by default), so a request still arriving after
    // 30 s is a slow or stuck client holding a connection.
    read_timeout: duration().default(30_000),
    read_header_timeout: duration().default(10_000),
    // Longer than Kong's default `keepalive` (60 s): the client should close an idle connection first,
    // or Kong may reuse a socket we are closing and count that batch as failed.
    idle_timeout: duration().default(65_000),
    tls: tlsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.read_timeout > 0 && c.read_header_timeout > c.read_timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['read_header_timeout'],
        message: `must not exceed read_timeout (${c.read_timeout} ms): the headers are part of the request`,
      });
    }
  });

export type KongHttpLogConfig = z.infer<typeof kongHttpLogConfigSchema>;
