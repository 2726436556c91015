import { parseEndpoint, readPemFile } from '../../core/index.js';
import type { PrometheusReceiverConfig, ScrapeConfig } from './config.js';

/** One endpoint to scrape, with everything the scrape loop needs resolved once at start-up. */
export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` as written in `targets` (Prometheus' `instance` label). */
  readonly instance: string;
  /** Host as dialled: IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  readonly path: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Largest decompressed page in bytes; 0 = no limit. */
  readonly bodySizeLimit: number;
  /** Time after start-up of the first scrape, so the targets of a job do not all fire at once. */
  readonly offsetMs: number;
  readonly honorLabels: boolean;
  readonly staticLabels: Readonly<Record<string, string>>;
  /** `Authorization` header value, when the job has credentials. Never logged. */
  readonly authorization: string | undefined;
  readonly tls: TargetTls | undefined;
}

export interface TargetTls {
  readonly ca: Buffer | undefined;
  readonly rejectUnauthorized: boolean;
}

/** `scheme://host:port/path`, for log lines (credentials are never in it). */
export function targetUrl(t: ScrapeTarget): string {
  return `${t.scheme}://${t.instance}${t.path}`;
}

function authorization(job: ScrapeConfig): string | undefined {
  if (job.bearer_token !== undefined) return `Bearer ${job.bearer_token}`;
  if (job.basic_auth !== undefined) {
    return `Basic ${Buffer.from(`${job.basic_auth.username}:${job.basic_auth.password}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}

function readCa(file: string, where: string): Promise<Buffer> {
  return readPemFile(file, `${where}.tls_config.ca_file`, 'point it at a readable PEM file of CA certificates');
}

/**
 * Every target of every job, spread evenly over its job's interval (the first one at once). A target
 * listed twice with the same labels is scraped once, as Prometheus does.
 */
export async function resolveTargets(config: PrometheusReceiverConfig, where: string): Promise<ScrapeTarget[]> {
  const out: ScrapeTarget[] = [];
  for (const [i, job] of config.scrape_configs.entries()) {
    const jobWhere = `${where}.scrape_configs[${i}]`;
    const tls =
      job.scheme === 'https'
        ? {
            ca: job.tls_config.ca_file === undefined ? undefined : await readCa(job.tls_config.ca_file, jobWhere),
            rejectUnauthorized: !job.tls_config.insecure_skip_verify,
          }
        : undefined;
    const auth = authorization(job);
    const seen = new Set<string>();
    const jobTargets: { instance: string; host: string; port: number; labels: Readonly<Record<string, string>> }[] = [];
    for (const sc of job.static_configs) {
      for (const instance of sc.targets) {
        const key = `${instance}\u0000${JSON.stringify(Object.entries(sc.labels).sort())}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const hp = parseEndpoint(instance);
        if (hp === undefined) throw new Error(`${jobWhere}.static_configs: target "${instance}" must be host:port, e.g. "kong:8100"`);
        jobTargets.push({ instance: instance.trim(), host: hp.host, port: hp.port, labels: sc.labels });
      }
    }
    jobTargets.forEach((t, k) => {
      out.push({
        job: job.job_name,
        instance: t.instance,
        host: t.host,
        port: t.port,
        scheme: job.scheme,
        path: job.metrics_path,
        intervalMs: job.scrape_interval,
        timeoutMs: job.scrape_timeout,
        bodySizeLimit: job.body_size_limit,
        offsetMs: Math.floor((job.scrape_interval * k) / jobTargets.length),
        honorLabels: job.honor_labels,
        staticLabels: t.labels,
        authorization: auth,
        tls,
      });
    });
  }
  return out;
}
