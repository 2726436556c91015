import { z } from 'zod';
import { endpoint } from '../../core/index.js';

export const healthCheckConfigSchema = z.strictObject({
  endpoint: endpoint().default('0.0.0.0:13133'),
  path: z
    .string()
    .regex(/^\/[^?#\s]*$/, 'must be a URL path starting with "/" (no query, fragment or spaces), e.g. "/" or "/health"')
    .default('/'),
});

export type HealthCheckConfig = z.infer<typeof healthCheckConfigSchema>;
