import { z } from 'zod';
import { duration, refusedKey } from '../../core/index.js';

export interface BatchConfig {
  /** Data points that trigger a send (not a cap). */
  send_batch_size: number;
  /** Most data points in one sent batch; 0 = no cap. */
  send_batch_max_size: number;
  /** Milliseconds after the first buffered point that a partial batch is sent; 0 = send at once. */
  timeout: number;
}

const wholeNumber = (what: string, min: number) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    // refine rather than .int(): zod reports .int() as a type error, which reads as "required".
    .refine(Number.isInteger, { error: `must be a whole number of ${what}` })
    .refine((n) => n >= min, { error: min === 0 ? 'must not be negative' : `must be at least ${min}` });

export const configSchema: z.ZodType<BatchConfig> = z
  .strictObject({
    send_batch_size: wholeNumber('data points, e.g. 8192', 1).default(8192),
    send_batch_max_size: wholeNumber('data points (0 = no cap)', 0).default(0),
    timeout: duration().default(200),
    // The Collector's batching per client metadata (contrib/core batchprocessor README, 934999fb).
    metadata_keys: refusedKey('kongtel keeps no client metadata (no per-tenant headers reach the pipeline), so each batch holds data of every sender; remove metadata_keys', [[]]),
    /** Without metadata_keys there is nothing to limit: accepted and ignored. */
    metadata_cardinality_limit: z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.send_batch_max_size > 0 && c.send_batch_max_size < c.send_batch_size) {
      ctx.addIssue({
        code: 'custom',
        path: ['send_batch_max_size'],
        message: `must be 0 (no cap) or at least send_batch_size (${c.send_batch_size}); raise it or lower send_batch_size`,
      });
    }
  });
