/**
 * What service discovery hands the prometheus receiver, in Prometheus' own terms
 * (prometheus/prometheus `discovery/targetgroup` `Group`): groups of targets, each target a label set
 * holding at least `__address__` (host:port) and the discoverer's `__meta_*` labels, plus labels shared by
 * the group. The receiver relabels each target (`relabel_configs`), keeps or drops it and starts or stops
 * its scrape loop; `__meta_*` labels are dropped after relabelling.
 */
export interface TargetGroup {
  /** Identifies the group within its discoverer (a file path, a DNS name, a Kubernetes object); stable across refreshes. */
  readonly source: string;
  readonly targets: readonly Readonly<Record<string, string>>[];
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * One `*_sd_configs` entry at work. `start` calls `update` with the discoverer's complete current set of
 * groups, at once (or as soon as known) and again whenever it changes; a group missing from an update is
 * gone. Errors are the discoverer's to log and retry: it keeps its last good set meanwhile.
 */
export interface Discoverer {
  start(update: (groups: readonly TargetGroup[]) => void): Promise<void>;
  stop(): Promise<void>;
}
