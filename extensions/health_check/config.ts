import { z } from 'zod';
import { endpoint, headerTimeoutIssue, httpServerKeys, refusedKey } from '../../core/index.js';

export const healthCheckConfigSchema = z
  .strictObject({
    endpoint: endpoint().default('0.0.0.0:13133'),
    path: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'must be a URL path starting with "/" (no query, fragment or spaces), e.g. "/" or "/health"')
      .default('/'),
    // Probes are tiny: short timeouts keep a stuck prober from holding sockets.
    ...httpServerKeys({ read_timeout: 10_000, read_header_timeout: 5_000, idle_timeout: 5_000 }),
    // Keys of the Collector's health_check (contrib healthcheckextension README, 4cec892e) kongtel does not have.
    tls: refusedKey('health_check serves plain HTTP (probes come from the kubelet or the container runtime, which need no TLS); remove tls, or bind endpoint to 127.0.0.1'),
    check_collector_pipeline: refusedKey(
      "kongtel's health_check answers from the collector's state only (the Collector deprecated this check too); exporter failures show as kongtel_exporter_send_failed_metric_points_total on the self-telemetry /metrics; remove check_collector_pipeline",
      [{ enabled: false }],
    ),
  })
  .superRefine((c, ctx) => {
    const issue = headerTimeoutIssue(c);
    if (issue !== undefined) ctx.addIssue({ code: 'custom', ...issue });
  });

export type HealthCheckConfig = z.infer<typeof healthCheckConfigSchema>;
