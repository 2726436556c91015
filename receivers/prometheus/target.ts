import { readPemFile } from '../../core/index.js';
import type { ScrapeConfig } from './config.js';
import type { RelabelRule } from './relabel/schema.js';

/** One endpoint to scrape, with everything the scrape loop needs resolved once at start-up. */
export interface ScrapeTarget {
  readonly job: string;
  /** The `instance` label: `__address__` (`host:port`) unless relabelling set it. */
  readonly instance: string;
  /** Host as dialled: IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** Path and query (`params` / `__param_*`). */
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
  /** The job's `metric_relabel_configs`; none when unset. */
  readonly metricRelabel?: readonly RelabelRule[];
}

export interface TargetTls {
  readonly ca: Buffer | undefined;
  readonly rejectUnauthorized: boolean;
}

/** `scheme://host:port/path`, for log lines (credentials are never in it). */
export function targetUrl(t: ScrapeTarget): string {
  return `${t.scheme}://${t.instance}${t.path}`;
}

export function authorization(job: ScrapeConfig): string | undefined {
  if (job.bearer_token !== undefined) return `Bearer ${job.bearer_token}`;
  if (job.basic_auth !== undefined) {
    return `Basic ${Buffer.from(`${job.basic_auth.username}:${job.basic_auth.password}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}

export function readCa(file: string, where: string): Promise<Buffer> {
  return readPemFile(file, `${where}.tls_config.ca_file`, 'point it at a readable PEM file of CA certificates');
}

/** What every target of one job shares, read once at start-up. */
export interface JobSettings {
  readonly job: ScrapeConfig;
  readonly authorization: string | undefined;
  readonly tls: TargetTls | undefined;
}

export async function jobSettings(job: ScrapeConfig, where: string): Promise<JobSettings> {
  const tls =
    job.scheme === 'https'
      ? { ca: job.tls_config.ca_file === undefined ? undefined : await readCa(job.tls_config.ca_file, where), rejectUnauthorized: !job.tls_config.insecure_skip_verify }
      : undefined;
  return { job, authorization: authorization(job), tls };
}
