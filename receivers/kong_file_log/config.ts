import { z } from 'zod';
import { byteSize, duration, storageId } from '../../core/index.js';
import { globSyntaxProblem } from './glob_syntax.js';

const MIB = 1024 * 1024;

const glob = z
  .string()
  .min(1, 'must not be empty; write a path or glob such as "/var/log/kong/*.log"')
  .superRefine((pattern, ctx) => {
    const problem = globSyntaxProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const globList = z.array(glob);

export const kongFileLogConfigSchema = z.strictObject({
  include: globList.min(1, 'list at least one path or glob, e.g. ["/var/log/kong/*.log"] (the `path` of Kong\'s file-log plugin)'),
  exclude: globList.default([]),
  start_at: z.enum(['end', 'beginning']).default('end'),
  // fs.watch misses events across renames and on network filesystems; polling a stat is cheap and sure.
  poll_interval: duration()
    .refine((ms) => ms > 0, 'must be more than 0, e.g. "200ms"')
    .default(200),
  max_line_size: byteSize()
    .refine((n) => n > 0, 'must be more than 0 bytes, e.g. "1MiB"')
    .default(MIB),
  /**
   * A storage extension's id (`file_storage`), as the Collector's filelog receiver takes: the checkpoint is
   * `<its directory>/<id>.json`, where the directory form (before issue 10) kept it, so an upgrade goes on
   * from the saved offsets. Unset: offsets in memory only.
   */
  storage: storageId(['receivers', 'kong_file_log', 'storage']).optional(),
});

export type KongFileLogConfig = z.infer<typeof kongFileLogConfigSchema>;
