import type { StorageExtensionFactory } from '../../core/index.js';
import { fileStorageConfigSchema, type FileStorageConfig } from './config.js';
import { FileStorageExtension } from './extension.js';

export type { FileStorageConfig } from './config.js';
export { FileStorageExtension } from './extension.js';

/** The directory that `storage` keys name by id, as the Collector's file_storage extension. */
export const fileStorageExtensionFactory: StorageExtensionFactory<FileStorageConfig> = {
  kind: 'extension',
  type: 'file_storage',
  configSchema: fileStorageConfigSchema,
  providesStorage: true,
  create: (config, ctx) => new FileStorageExtension(config, ctx),
};
