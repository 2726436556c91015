import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import type { TapBatchEvent, TapPoint } from '../core/tap/index.js';
import { TAP_PATH } from '../core/tap/index.js';

export interface TapOptions {
  readonly endpoint: string;
  readonly component: readonly string[];
  readonly rate?: string;
  readonly output: 'text' | 'json';
  /** The name of an environment variable holding the bearer token: a token on the command line shows in `ps`. */
  readonly bearerTokenEnv?: string;
  readonly caFile?: string;
  /** Stop after this many batch events (scripts, tests). */
  readonly limit?: string;
}

/**
 * `kongtel tap`: connects to a running kongtel's `/debug/tap` (service.telemetry.metrics.address) and
 * prints what its receivers and processors hand on, sampled, until interrupted. Returns the exit code.
 */
export async function runTap(opts: TapOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const url = tapUrl(opts);
  if (typeof url === 'string') return fail(url);
  const headers: Record<string, string> = {};
  if (opts.bearerTokenEnv !== undefined) {
    const token = process.env[opts.bearerTokenEnv];
    if (token === undefined || token === '') return fail(`--bearer-token-env: environment variable ${opts.bearerTokenEnv} is not set`);
    headers.authorization = `Bearer ${token}`;
  }
  const limit = opts.limit === undefined ? Infinity : Number(opts.limit);
  if (!(limit >= 1)) return fail(`--limit: expected a number of events of at least 1, got "${opts.limit}"`);
  let ca: Buffer | undefined;
  try {
    ca = opts.caFile === undefined ? undefined : readFileSync(opts.caFile);
  } catch (e) {
    return fail(`--ca-file: cannot read ${opts.caFile}: ${(e as Error).message}`);
  }
  const res = await connect(url, headers, ca).catch((e: Error) => e);
  if (res instanceof Error) return fail(`cannot reach ${url.origin}: ${res.message} (is kongtel running with service.telemetry.metrics.address there?)`);
  if (res.statusCode !== 200) {
    const body = await text(res);
    return fail(`${url.origin}${TAP_PATH} answered ${res.statusCode}: ${body.trim().slice(0, 300)}`);
  }
  let seen = 0;
  const stop = (): void => void res.destroy();
  process.once('SIGINT', stop);
  try {
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      if (line === '') continue;
      const event = JSON.parse(line) as { type: string };
      if (opts.output === 'json') out.write(`${line}\n`);
      else if (event.type === 'started') out.write(`tapping ${(event as unknown as { components: string[] }).components.join(', ')} — Ctrl-C to stop\n`);
      else if (event.type === 'batch') out.write(formatEvent(event as TapBatchEvent));
      if (event.type === 'batch' && ++seen >= limit) break;
    }
  } catch {
    // The stream ends with the connection: kongtel stopped, or we did (Ctrl-C).
  } finally {
    process.off('SIGINT', stop);
    res.destroy();
  }
  return 0;
}

function tapUrl(opts: TapOptions): URL | string {
  let url: URL;
  try {
    url = new URL(opts.endpoint.includes('://') ? opts.endpoint : `http://${opts.endpoint}`);
  } catch {
    return `--endpoint: expected a URL such as http://localhost:8888, got "${opts.endpoint}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--endpoint: expected http:// or https://, got "${url.protocol}"`;
  const tap = new URL(TAP_PATH, url);
  for (const c of opts.component) tap.searchParams.append('component', c);
  if (opts.rate !== undefined) tap.searchParams.set('rate', opts.rate);
  return tap;
}

function connect(url: URL, headers: Record<string, string>, ca: Buffer | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = url.protocol === 'https:' ? httpsRequest(url, { headers, ca }, resolve) : httpRequest(url, { headers }, resolve);
    req.once('error', reject);
    req.end();
  });
}

async function text(res: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of res) s += String(chunk);
  return s;
}

function fail(message: string): number {
  process.stderr.write(`kongtel tap: ${message}\n`);
  return 1;
}

/** One event as a heading line and its sampled items, indented. */
export function formatEvent(e: TapBatchEvent): string {
  const where = e.pipeline === undefined ? `${e.kind} ${e.component}` : `${e.kind} ${e.component} [${e.pipeline}]`;
  const what = e.signal === 'logs' ? `${e.items} ${e.items === 1 ? 'entry' : 'entries'}` : `${e.items} data point${e.items === 1 ? '' : 's'}`;
  const skipped = e.skipped > 0 ? ` (${e.skipped} batch${e.skipped === 1 ? '' : 'es'} skipped)` : '';
  const items = e.signal === 'logs' ? e.sample.map((s) => `  ${JSON.stringify(s)}`) : (e.sample as TapPoint[]).map(formatPoint);
  return `${e.time.slice(11, 23)} ${where} → ${what}${skipped}\n${items.map((l) => `${l}\n`).join('')}`;
}

function formatPoint(p: TapPoint): string {
  const attrs = Object.entries(p.attributes)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const value = typeof p.value === 'number' ? String(p.value) : `count=${p.value.count} sum=${p.value.sum ?? '—'}`;
  return `  ${p.metric} ${p.type}${p.unit === '' ? '' : ` ${p.unit}`} {${attrs}} ${value}`;
}
