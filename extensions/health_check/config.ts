import { z } from 'zod';
import { endpoint, headerTimeoutIssue, httpServerKeys } from '../../core/index.js';

export const healthCheckConfigSchema = z
  .strictObject({
    endpoint: endpoint().default('0.0.0.0:13133'),
    path: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'must be a URL path starting with "/" (no query, fragment or spaces), e.g. "/" or "/health"')
      .default('/'),
    // Probes are tiny: short timeouts keep a stuck prober from holding sockets.
    ...httpServerKeys({ read_timeout: 10_000, read_header_timeout: 5_000, idle_timeout: 5_000 }),
  })
  .superRefine((c, ctx) => {
    const issue = headerTimeoutIssue(c);
    if (issue !== undefined) ctx.addIssue({ code: 'custom', ...issue });
  });

export type HealthCheckConfig = z.infer<typeof healthCheckConfigSchema>;
