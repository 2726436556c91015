import type { StaticConfig } from '../config.js';
import type { Discoverer, TargetGroup } from './target_group.js';

/** `static_configs` as a discoverer: one group per entry, handed over once at start. */
export class StaticDiscoverer implements Discoverer {
  constructor(private readonly configs: readonly StaticConfig[]) {}

  async start(update: (groups: readonly TargetGroup[]) => void): Promise<void> {
    update(
      this.configs.map((c, i) => ({
        source: `static_configs[${i}]`,
        targets: c.targets.map((t) => ({ __address__: t.trim() })),
        labels: c.labels,
      })),
    );
  }

  async stop(): Promise<void> {}
}
