import { mkdir, stat } from 'node:fs/promises';
import { diskProblem, errnoCode, type ComponentContext, type StorageExtension } from '../../core/index.js';
import { directoryMode, type FileStorageConfig } from './config.js';

/**
 * A directory that components keep their files in (`<directory>/<component id>/…`). Extensions start
 * before every other component, so by the time a queue or a write-ahead log opens, the directory is
 * there: created here with `create_directory`, else required to exist, as the Collector requires.
 */
export class FileStorageExtension implements StorageExtension {
  readonly directory: string;

  constructor(
    private readonly config: FileStorageConfig,
    private readonly ctx: ComponentContext,
  ) {
    this.directory = config.directory;
  }

  async start(): Promise<void> {
    const key = `extensions.${this.ctx.id}.directory`;
    if (this.config.create_directory) {
      try {
        await mkdir(this.directory, { recursive: true, mode: directoryMode(this.config) });
      } catch (err) {
        throw new Error(`${key}: cannot create "${this.directory}": ${diskProblem(err)}`);
      }
    }
    try {
      const s = await stat(this.directory);
      if (!s.isDirectory()) throw new Error(`${key}: "${this.directory}" is not a directory: point directory at one`);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') {
        throw new Error(`${key}: "${this.directory}" does not exist: create it (owned by the user kongtel runs as), or set create_directory: true`);
      }
      if (errnoCode(err) !== undefined) throw new Error(`${key}: cannot use "${this.directory}": ${diskProblem(err)}`);
      throw err;
    }
    if (this.config.compaction !== undefined) {
      this.ctx.logger.info(
        { key: `extensions.${this.ctx.id}.compaction` },
        'file_storage: compaction is not needed by kongtel (each queued request and log segment is its own file, deleted once delivered or covered), so it is ignored',
      );
    }
  }

  async shutdown(): Promise<void> {}
}
