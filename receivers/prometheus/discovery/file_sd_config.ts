import { z } from 'zod';
import { duration } from '../../../core/index.js';

/**
 * `file_sd_configs` entry with Prometheus' keys and checks (prometheus/prometheus discovery/file/file.go
 * at d15adb9a): `files` end in .json, .yml or .yaml and may hold a glob in the last path segment only;
 * `refresh_interval` defaults to 5m.
 */
const FILE_PATTERN = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

export const DEFAULT_FILE_SD_REFRESH_MS = 5 * 60_000;

export const fileSdConfigSchema = z.strictObject({
  files: z
    .array(
      z
        .string()
        .regex(FILE_PATTERN, 'must be a path ending in .json, .yml or .yaml, with a glob (*) in the file name only, e.g. "/etc/kongtel/targets/*.json"'),
    )
    .min(1, 'list at least one file, e.g. ["/etc/kongtel/targets/*.json"]'),
  refresh_interval: duration()
    .refine((ms) => ms >= 1, 'must be more than 0, e.g. "5m"')
    .default(DEFAULT_FILE_SD_REFRESH_MS),
});

export type FileSdConfig = z.output<typeof fileSdConfigSchema>;
