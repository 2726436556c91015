import { parseDuration, parseEndpoint } from '../../core/index.js';
import type { TargetGroup } from './discovery/target_group.js';
import { relabel, type LabelMap } from './relabel/apply.js';
import type { JobSettings, ScrapeTarget } from './target.js';

/**
 * A discovered target → the target to scrape, as Prometheus' `PopulateLabels` (scrape/target.go at
 * d15adb9a): the target's labels, the group's where the target has none, then the job's `job`,
 * `__scrape_interval__`, `__scrape_timeout__`, `__metrics_path__`, `__scheme__` and `__param_<name>`
 * where still unset; `relabel_configs`; dropped by a rule or when `__address__` is empty; `instance`
 * defaults to `__address__`; labels starting with `__` are not the target's labels.
 */
export interface BuiltTarget {
  /** Same key ⇔ same target: its loop (and start times) carry over an update. */
  readonly key: string;
  readonly target: Omit<ScrapeTarget, 'offsetMs'>;
}

export type TargetOutcome = BuiltTarget | { readonly dropped: 'relabel' } | { readonly dropped: 'invalid'; readonly why: string };

/** Go's `model.Duration.String` for the `__scrape_interval__` / `__scrape_timeout__` labels. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const units: [string, number][] = [['y', 31_536_000_000], ['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  let out = '';
  let rest = Math.round(ms);
  for (const [u, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${u}`;
      rest %= size;
    }
  }
  return out;
}

export function discoveredLabels(settings: JobSettings, target: Readonly<Record<string, string>>, group: TargetGroup): LabelMap {
  const job = settings.job;
  const labels: LabelMap = new Map(Object.entries(target).filter(([, v]) => v !== ''));
  for (const [k, v] of Object.entries(group.labels)) if (!labels.has(k) && v !== '') labels.set(k, v);
  const defaults: [string, string][] = [
    ['job', job.job_name],
    ['__scrape_interval__', formatDuration(job.scrape_interval)],
    ['__scrape_timeout__', formatDuration(job.scrape_timeout)],
    ['__metrics_path__', job.metrics_path],
    ['__scheme__', job.scheme],
  ];
  for (const [name, values] of Object.entries(job.params)) defaults.push([`__param_${name}`, values[0]]);
  for (const [k, v] of defaults) if (!labels.has(k)) labels.set(k, v);
  return labels;
}

export function buildTarget(settings: JobSettings, discovered: LabelMap): TargetOutcome {
  const job = settings.job;
  const labels = new Map(discovered);
  if (!relabel(labels, job.relabel_configs)) return { dropped: 'relabel' };
  const address = labels.get('__address__') ?? '';
  if (address === '') return { dropped: 'relabel' };
  const scheme = labels.get('__scheme__');
  if (scheme !== 'http' && scheme !== 'https') return { dropped: 'invalid', why: `__scheme__ "${scheme}" is not http or https` };
  const hp = parseEndpoint(address.includes(':') || address.startsWith('[') ? address : `${address}:${scheme === 'https' ? 443 : 80}`);
  if (hp === undefined || hp.port === 0) return { dropped: 'invalid', why: `__address__ "${address}" is not host:port` };
  const interval = parseDuration(labels.get('__scrape_interval__') ?? '');
  const timeout = parseDuration(labels.get('__scrape_timeout__') ?? '');
  if (interval === undefined || interval <= 0 || timeout === undefined || timeout <= 0 || timeout > interval) {
    return { dropped: 'invalid', why: '__scrape_interval__ / __scrape_timeout__ are not durations above 0 with the timeout within the interval' };
  }
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(job.params)) {
    const fromLabel = labels.get(`__param_${name}`);
    query.append(name, fromLabel ?? values[0]);
    for (const extra of values.slice(1)) query.append(name, extra);
  }
  for (const [k, v] of labels) if (k.startsWith('__param_') && !(k.slice(8) in job.params)) query.append(k.slice(8), v);
  const rawPath = labels.get('__metrics_path__') ?? job.metrics_path;
  const path = (rawPath.startsWith('/') ? rawPath : `/${rawPath}`) + (query.size > 0 ? `?${query.toString()}` : '');
  const instance = labels.get('instance') ?? address;
  const jobName = labels.get('job') ?? job.job_name;
  const own: Record<string, string> = {};
  for (const [k, v] of [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!k.startsWith('__') && k !== 'job' && k !== 'instance') own[k] = v;
  }
  const target: Omit<ScrapeTarget, 'offsetMs'> = {
    job: jobName,
    instance,
    host: hp.host,
    port: hp.port,
    scheme,
    path,
    intervalMs: interval,
    timeoutMs: timeout,
    bodySizeLimit: job.body_size_limit,
    honorLabels: job.honor_labels,
    staticLabels: own,
    authorization: settings.authorization,
    tls: settings.tls,
    metricRelabel: job.metric_relabel_configs,
  };
  const key = JSON.stringify([jobName, instance, scheme, address, path, interval, timeout, own]);
  return { key, target };
}
