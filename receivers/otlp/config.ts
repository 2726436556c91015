import { z } from 'zod';
import { byteSize, endpoint } from '../../core/index.js';

/**
 * The OTel Collector's `otlp` receiver keys (`protocols.http.*`), so a Collector config fragment moves over
 * unchanged. Only OTLP/HTTP is served: `protocols.grpc` is refused with a message rather than ignored, so a
 * config copied from a Collector does not silently lose its gRPC senders.
 */

const MIB = 1024 * 1024;

const authSchema = z
  .strictObject({
    bearer_token: z
      .string()
      .min(1, 'must not be empty (the token OTLP senders put in `Authorization: Bearer <token>`; Kong: config.headers)')
      .optional(),
    basic: z
      .strictObject({
        username: z.string().min(1, 'must not be empty (the user OTLP senders put in `Authorization: Basic …`)'),
        password: z.string().min(1, 'must not be empty (the password OTLP senders put in `Authorization: Basic …`)'),
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

const httpSchema = z.strictObject({
  endpoint: endpoint().default('0.0.0.0:4318'),
  max_request_body_size: byteSize()
    .refine((n) => n > 0, 'must be more than 0 bytes, e.g. "20MiB"')
    .default(20 * MIB),
  auth: authSchema.optional(),
  tls: tlsSchema.optional(),
});

export type OtlpHttpServerConfig = z.output<typeof httpSchema>;

const protocolsSchema = z
  .strictObject({
    // `http:` with nothing under it (YAML null) is how Collector configs switch a protocol on with its defaults.
    http: httpSchema.nullable().optional(),
    grpc: z.unknown().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.grpc !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['grpc'],
        message:
          'kongtel receives OTLP over HTTP only: remove `grpc` and point senders at protocols.http (port 4318, path /v1/metrics); in Kong set config.metrics.endpoint to http://<kongtel>:4318/v1/metrics',
      });
    }
  })
  .transform((p): { http: OtlpHttpServerConfig } => ({ http: p.http ?? httpSchema.parse({}) }));

export const otlpReceiverConfigSchema = z.strictObject({
  protocols: protocolsSchema.prefault({}),
});

export type OtlpReceiverConfig = z.output<typeof otlpReceiverConfigSchema>;
