import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Real processes for end-to-end tests: the built kongtel CLI and a real Prometheus server. */

export const ROOT = new URL('../../', import.meta.url).pathname;
export const KONGTEL_BIN = join(ROOT, 'dist/cmd/kongtel.js');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kongtel-${prefix}-`));
}

/** A port that was free a moment ago (the OS picks it; we release it for the process under test). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export interface RunningProcess {
  readonly proc: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningProcess {
  const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Runs `kongtel` with a config written to a temp file; resolves once its health check answers 200. */
export async function startKongtel(configYaml: string, healthPort: number, env: NodeJS.ProcessEnv = {}): Promise<RunningProcess & { configFile: string }> {
  const dir = tempDir('config');
  const configFile = join(dir, 'pipelines.yaml');
  writeFileSync(configFile, configYaml);
  const p = runProcess(process.execPath, [KONGTEL_BIN, '--config', configFile], env);
  const early = p.exited.then((code) => {
    throw new Error(`kongtel exited early with code ${code}:\n${p.output()}`);
  });
  await Promise.race([
    waitFor('kongtel health check', async () => ((await fetch(`http://127.0.0.1:${healthPort}/`)).status === 200 ? true : undefined), 20_000),
    early,
  ]);
  early.catch(() => {});
  return { ...p, configFile };
}

export interface PrometheusServer {
  readonly url: string;
  /** Instant query; the value of each returned series, by its labels. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian package) scraping the given targets every second, as job `kongtel`; or, with
 * `scrapeConfigs` (YAML list items, indented by two spaces), scraping what those say.
 */
export async function startPrometheus(targets: readonly string[], scrapeInterval = '1s', scrapeConfigs?: string): Promise<PrometheusServer> {
  const dir = tempDir('prometheus');
  const port = await freePort();
  const jobs = scrapeConfigs ?? `  - job_name: kongtel\n    static_configs:\n      - targets: [${targets.map((t) => `"${t}"`).join(', ')}]\n`;
  const config = `global:\n  scrape_interval: ${scrapeInterval}\n  evaluation_interval: ${scrapeInterval}\nscrape_configs:\n${jobs}`;
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const p = runProcess('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('prometheus ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 30_000, 200);
  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`prometheus query ${expr} failed: ${body.error}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      await p.stop('SIGTERM');
    },
  };
}
