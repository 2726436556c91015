import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Minimatch } from 'minimatch';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { errorMessage, type Clock, type Logger, type Timer } from '../../../core/index.js';
import type { FileSdConfig } from './file_sd_config.js';
import type { Discoverer, TargetGroup } from './target_group.js';

/** A target-group file's content, as Prometheus' file_sd reads it (JSON or YAML: a list of groups). */
const fileContent = z.array(
  z.strictObject({
    targets: z.array(z.string()).default([]),
    labels: z.record(z.string(), z.string()).default({}),
  }),
);

/**
 * `file_sd_configs`: reads every file the patterns match (Go's filepath.Glob: `*`, `?`, `[…]` in the file
 * name), each a list of `{ targets, labels }`, adding `__meta_filepath`. Re-read when a watched directory
 * changes (fs.watch) and every `refresh_interval` (watch events can be missed, on network filesystems
 * they never come). A file that cannot be read or parsed keeps its last good groups and is logged once
 * per distinct problem.
 */
export class FileSdDiscoverer implements Discoverer {
  private readonly patterns: { dir: string; name: Minimatch }[];
  private readonly groupsByFile = new Map<string, TargetGroup[]>();
  private readonly problems = new Map<string, string>();
  private watchers: FSWatcher[] = [];
  private timer: Timer | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private last = '';
  private stopped = false;

  constructor(
    private readonly config: FileSdConfig,
    private readonly where: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.patterns = config.files.map((f) => {
      const abs = resolve(f);
      return { dir: dirname(abs), name: new Minimatch(basename(abs), { dot: true, noext: true, nobrace: true, nonegate: true, nocomment: true, platform: 'linux' }) };
    });
  }

  async start(update: (groups: readonly TargetGroup[]) => void): Promise<void> {
    const refresh = (): Promise<void> => (this.refreshing = this.refreshing.then(() => this.refresh(update)));
    await refresh();
    for (const dir of new Set(this.patterns.map((p) => p.dir))) {
      try {
        const w = watch(dir, () => void refresh());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch (err) {
        this.logger.warn({ where: this.where, dir, error: errorMessage(err) }, 'cannot watch the directory: its files are re-read every refresh_interval only');
      }
    }
    this.timer = this.clock.setInterval(() => void refresh(), this.config.refresh_interval);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    for (const w of this.watchers) w.close();
    this.watchers = [];
    await this.refreshing;
  }

  private async refresh(update: (groups: readonly TargetGroup[]) => void): Promise<void> {
    if (this.stopped) return;
    const files = new Set<string>();
    for (const p of this.patterns) {
      try {
        for (const name of await readdir(p.dir)) if (p.name.match(name)) files.add(join(p.dir, name));
      } catch {
        // A directory that does not exist (yet) has no files: Prometheus' Glob says the same.
      }
    }
    for (const file of this.groupsByFile.keys()) if (!files.has(file)) this.groupsByFile.delete(file);
    for (const file of [...files].sort()) await this.readFile(file);
    if (this.stopped) return;
    const groups = [...this.groupsByFile.values()].flat();
    const text = JSON.stringify(groups);
    if (text === this.last) return;
    this.last = text;
    update(groups);
  }

  private async readFile(file: string): Promise<void> {
    let problem: string;
    try {
      const text = await readFile(file, 'utf8');
      const raw: unknown = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
      const parsed = fileContent.safeParse(raw ?? []);
      if (parsed.success) {
        this.groupsByFile.set(
          file,
          parsed.data.map((g, i) => ({ source: `${file}:${i}`, targets: g.targets.map((t) => ({ __address__: t })), labels: { ...g.labels, __meta_filepath: file } })),
        );
        if (this.problems.delete(file)) this.logger.info({ where: this.where, file }, 'target file readable again');
        return;
      }
      const first = parsed.error.issues[0];
      problem = `${first.path.join('.') || 'the file'}: ${first.message} (expected a list of { targets: [host:port, …], labels: {…} })`;
    } catch (err) {
      problem = errorMessage(err);
    }
    if (this.problems.get(file) !== problem) {
      this.problems.set(file, problem);
      this.logger.warn({ where: this.where, file, problem }, 'target file not read: its previous targets are kept');
    }
  }
}
