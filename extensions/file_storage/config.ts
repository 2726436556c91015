import { z } from 'zod';
import { duration } from '../../core/index.js';

/**
 * The keys of the Collector's file_storage extension (contrib extension/storage/filestorage, README at
 * 081fceadc7dce840498ff68bb5293968c2ca7511, config.go), so a Collector config pastes as it is. kongtel
 * keeps a queue or a write-ahead log as plain files under `<directory>/<component id>/`, not one bbolt
 * database per component, so the keys about that database are accepted and have nothing to act on
 * (README "Keys kongtel accepts and does not need" says why each is safe).
 */

/** Where a bare `file_storage:` keeps its files: the Collector's `/var/lib/otelcol/file_storage`, under kongtel's name. */
export const DEFAULT_DIRECTORY = '/var/lib/kongtel/file_storage';

const PERMISSIONS = /^0?[0-7]{3,4}$/;

/**
 * A whole number, also written with digit groups (`65_536`, as the Collector README's example does): YAML
 * 1.1, which the Collector's parser follows, reads that as a number; YAML 1.2, kongtel's, as text.
 */
const count = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+(_\d+)+$/.test(v) ? Number(v.replace(/_/g, '')) : v),
  z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }),
);

const compactionSchema = z.strictObject({
  on_start: z.boolean().default(false),
  on_rebound: z.boolean().default(false),
  directory: z.string().optional(),
  max_transaction_size: count.default(65_536),
  cleanup_on_start: z.boolean().default(false),
  rebound_needed_threshold_mib: count.default(100),
  rebound_trigger_threshold_mib: count.default(10),
  check_interval: duration().default(5_000),
});

export const fileStorageConfigSchema = z.strictObject({
  directory: z.string({ error: 'must be a directory path, e.g. /var/lib/kongtel' }).min(1, { error: 'must be a directory path, e.g. /var/lib/kongtel' }).default(DEFAULT_DIRECTORY),
  /** Create `directory` (and its parents) at start; otherwise it must exist, as in the Collector. */
  create_directory: z.boolean({ error: 'must be true or false' }).default(false),
  /** Octal, as the Collector writes it; the process umask still applies. */
  directory_permissions: z
    .custom<string>((v) => typeof v === 'string' && PERMISSIONS.test(v), {
      error: (issue) =>
        typeof issue.input === 'number'
          ? 'must be an octal mode in quotes, e.g. "0750" (unquoted, YAML reads 0750 as a number)'
          : 'must be an octal mode, e.g. "0750" (digits 0-7)',
    })
    .default('0750'),
  /** The Collector's wait for bbolt's file lock; kongtel takes no lock, so there is nothing to wait for. */
  timeout: duration().default(1_000),
  /** kongtel always syncs (queue files and the write-ahead log are fsync'd before data is acknowledged). */
  fsync: z.boolean({ error: 'must be true or false' }).default(false),
  /** The Collector compacts its bbolt file; kongtel deletes each file once it is delivered or covered. */
  compaction: compactionSchema.optional(),
  /** The Collector moves a corrupt database aside; kongtel sets each damaged file aside (or drops it) by itself. */
  recreate: z.boolean({ error: 'must be true or false' }).default(false),
});

export type FileStorageConfig = z.output<typeof fileStorageConfigSchema>;

/** `"0750"` → 0o750. */
export function directoryMode(config: Pick<FileStorageConfig, 'directory_permissions'>): number {
  return Number.parseInt(config.directory_permissions, 8);
}
