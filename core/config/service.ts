import { z } from 'zod';
import { authSchema } from '../net/auth.js';
import { DEFAULT_MAX_CONNECTIONS, maxConnections } from '../net/server_config.js';
import { tlsServerSchema } from '../net/tls.js';
import { duration, endpoint } from './units.js';

/** `service:` — which components run, wired into which pipelines. */
export const pipelineSchema = z.strictObject({
  receivers: z.array(z.string()).min(1, 'a pipeline needs at least one receiver'),
  processors: z.array(z.string()).default([]),
  exporters: z.array(z.string()).min(1, 'a pipeline needs at least one exporter'),
});

export const serviceSchema = z.strictObject({
  extensions: z.array(z.string()).default([]),
  /** Each pipeline is parsed on its own, so one broken pipeline does not hide the others' errors. */
  pipelines: z.record(z.string(), z.unknown()),
  /** How long SIGTERM may take: receivers stop, kong_metrics flushes, exporters drain. */
  shutdown_timeout: duration().default(15_000),
  telemetry: z
    .strictObject({
      logs: z
        .strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
        .default({ level: 'info' }),
      metrics: z
        .strictObject({
          /** Where the collector serves its own metrics (`/metrics`); `""` turns it off. */
          address: z.union([endpoint(), z.literal('')]).default('localhost:8888'),
          /** The same auth, tls and max_connections as every HTTP listener (core/net). */
          auth: authSchema.optional(),
          tls: tlsServerSchema.optional(),
          max_connections: maxConnections(),
        })
        .default({ address: 'localhost:8888', max_connections: DEFAULT_MAX_CONNECTIONS }),
      /** Attributes of the resource stamped on every metric kongtel produces. */
      resource: z.record(z.string(), z.string()).default({}),
    })
    .default({ logs: { level: 'info' }, metrics: { address: 'localhost:8888', max_connections: DEFAULT_MAX_CONNECTIONS }, resource: {} }),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type SelfMetricsConfig = ServiceConfig['telemetry']['metrics'];
export type PipelineSpec = z.infer<typeof pipelineSchema>;
