import { z } from 'zod';
import { byteSize, endpoint, authSchema, headerTimeoutIssue, httpServerKeys, tlsServerSchema } from '../../core/index.js';

/**
 * The OTel Collector's `otlp` receiver keys (`protocols.http.*`), so a Collector config fragment moves over
 * unchanged. Only OTLP/HTTP is served: `protocols.grpc` is refused with a message rather than ignored, so a
 * config copied from a Collector does not silently lose its gRPC senders.
 */

const MIB = 1024 * 1024;

const httpSchema = z
  .strictObject({
    endpoint: endpoint().default('0.0.0.0:4318'),
    max_request_body_size: byteSize()
      .refine((n) => n > 0, 'must be more than 0 bytes, e.g. "20MiB"')
      .default(20 * MIB),
    auth: authSchema.optional(),
    tls: tlsServerSchema.optional(),
    // A 20 MiB body at 1 MB/s still fits in 60 s; idle above the 60 s keep-alive of Kong and of most OTLP
    // clients, so the client closes an idle connection first.
    ...httpServerKeys({ read_timeout: 60_000, read_header_timeout: 10_000, idle_timeout: 65_000 }),
  })
  .superRefine((c, ctx) => {
    const issue = headerTimeoutIssue(c);
    if (issue !== undefined) ctx.addIssue({ code: 'custom', ...issue });
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
