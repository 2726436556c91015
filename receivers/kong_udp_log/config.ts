import { z } from 'zod';
import { byteSize, endpoint } from '../../core/index.js';

export const kongUdpLogConfigSchema = z.strictObject({
  endpoint: endpoint().default('0.0.0.0:9001'),
  // Datagrams that arrive while the receiver is busy wait in the kernel's buffer; the OS default
  // (~200 KB on Linux) holds only a hundred-odd entries of a burst.
  receive_buffer_size: byteSize()
    .refine((n) => n > 0, 'must be more than 0 bytes, e.g. "4MiB"')
    .default(4 * 1024 * 1024),
});

export type KongUdpLogConfig = z.infer<typeof kongUdpLogConfigSchema>;
