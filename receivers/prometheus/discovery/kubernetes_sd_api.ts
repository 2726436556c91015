import { formatEndpoint } from '../../../core/index.js';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { KubernetesSdConfig } from './kubernetes_sd_config.js';

/**
 * How discovery reaches the API server: the URL, the bearer token's file and the CA, in-cluster from
 * the pod's service account as client-go's rest.InClusterConfig does (KUBERNETES_SERVICE_HOST/PORT,
 * /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}), or from api_server,
 * bearer_token_file and tls_config. The token is read again for every call (bound service-account
 * tokens rotate, and client-go rereads the file too) and is never part of an error or a log line.
 * Hand-written on node:https: the two calls needed (list, watch) do not justify a Kubernetes client.
 */

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  /** Where the service account's files are; tests give their own. */
  readonly serviceAccountDir?: string;
  /** Where KUBERNETES_SERVICE_HOST/PORT are read; tests give their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An answer the API server gave with a status other than 200; the body is not kept (it may echo a header). */
export class ApiStatusError extends Error {
  constructor(readonly status: number, readonly path: string) {
    super(`the API server answered ${status} to GET ${path}${status === 401 ? ' (check the token)' : status === 403 ? ' (the service account needs list and watch on this resource: see deploy/kubernetes)' : ''}`);
  }
}

const MAX_LIST_BYTES = 256 * 1024 * 1024;
const MAX_EVENT_BYTES = 16 * 1024 * 1024;
const LIST_TIMEOUT_MS = 60_000;

export class KubernetesApi {
  readonly origin: string;
  /** The namespace of the pod kongtel runs in (in-cluster only), for namespaces.own_namespace. */
  readonly ownNamespace: string | undefined;
  private readonly tokenFile: string | undefined;
  private readonly ca: Buffer | undefined;
  private readonly insecureSkipVerify: boolean;

  /** Throws, naming the key, when in-cluster access is asked for outside a cluster. */
  constructor(config: KubernetesSdConfig, options: InClusterOptions = {}) {
    if (config.api_server !== undefined) {
      this.origin = config.api_server.replace(/\/$/, '');
      this.tokenFile = config.bearer_token_file;
      this.ca = config.tls_config?.ca_file !== undefined ? readFileSync(config.tls_config.ca_file) : undefined;
      this.insecureSkipVerify = config.tls_config?.insecure_skip_verify ?? false;
      this.ownNamespace = undefined;
      return;
    }
    const env = options.env ?? process.env;
    const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (host === undefined || host === '' || port === undefined || port === '') {
      throw new Error('api_server: not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset); set api_server, e.g. "https://kubernetes.default.svc"');
    }
    this.origin = `https://${formatEndpoint(host, port)}`;
    this.tokenFile = join(dir, 'token');
    try {
      this.ca = readFileSync(join(dir, 'ca.crt'));
    } catch {
      throw new Error(`api_server: in-cluster access needs the service account's CA at ${join(dir, 'ca.crt')}; mount the service account token (automountServiceAccountToken: true) or set api_server`);
    }
    this.insecureSkipVerify = false;
    this.ownNamespace = config.namespaces.own_namespace ? readOwnNamespace(dir) : undefined;
  }

  /** GET a JSON document. */
  async getJson(path: string, signal: AbortSignal): Promise<unknown> {
    const res = await this.request(path, signal, LIST_TIMEOUT_MS);
    if (res.statusCode !== 200) {
      res.resume();
      throw new ApiStatusError(res.statusCode ?? 0, path);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_LIST_BYTES) {
        res.destroy();
        throw new Error(`the answer to GET ${path} is larger than ${MAX_LIST_BYTES} bytes; narrow it with selectors or namespaces`);
      }
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  }

  /**
   * GET a watch stream and hand over each line (one JSON WatchEvent) until the server ends it. The
   * status is returned when it is not 200 (the caller tells 410 Gone from a failure). `idleTimeoutMs`:
   * a stream silent that long is a dead connection (the server ends a watch at its timeoutSeconds).
   */
  async watchLines(path: string, signal: AbortSignal, idleTimeoutMs: number, onLine: (line: string) => void): Promise<number> {
    const res = await this.request(path, signal, idleTimeoutMs);
    if (res.statusCode !== 200) {
      res.resume();
      return res.statusCode ?? 0;
    }
    let pending = '';
    for await (const chunk of res as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') onLine(line);
        nl = pending.indexOf('\n');
      }
      if (pending.length > MAX_EVENT_BYTES) {
        res.destroy();
        throw new Error(`a watch event of GET ${path} is larger than ${MAX_EVENT_BYTES} bytes`);
      }
    }
    if (pending.trim() !== '') onLine(pending.trim());
    return 200;
  }

  private async request(path: string, signal: AbortSignal, timeoutMs: number): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'kongtel' };
    if (this.tokenFile !== undefined) {
      let token: string;
      try {
        token = (await readFile(this.tokenFile, 'utf8')).trim();
      } catch (err) {
        throw new Error(`could not read the bearer token file ${this.tokenFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      headers.Authorization = `Bearer ${token}`;
    }
    const url = new URL(path, `${this.origin}/`);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method: 'GET', headers, signal, ca: this.ca, rejectUnauthorized: !this.insecureSkipVerify }, resolve);
      if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url.pathname} timed out after ${timeoutMs} ms`)));
      req.once('error', reject);
      req.end();
    });
  }
}

function readOwnNamespace(dir: string): string {
  let ns = '';
  try {
    ns = readFileSync(join(dir, 'namespace'), 'utf8').trim();
  } catch {
    // reported below
  }
  if (ns === '') throw new Error(`namespaces.own_namespace: could not determine the pod's namespace from ${join(dir, 'namespace')}; list it in namespaces.names`);
  return ns;
}
