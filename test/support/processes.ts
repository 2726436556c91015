import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { tempDir } from './temp.js';
import { waitFor } from './wait.js';

/** Real processes for end-to-end tests: the built kongtel CLI and a real Prometheus server. */

export const ROOT = new URL('../../', import.meta.url).pathname;
export const KONGTEL_BIN = join(ROOT, 'dist/cmd/kongtel.js');

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

/** One run of the built CLI to its exit (validate, print-config, a run that fails at start-up), from the repository root. */
export function runKongtel(args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KONGTEL_BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `text` written as `pipelines.yaml` in a fresh temp directory (prefixed `prefix`); its path. */
export function configFile(text: string, prefix = 'config'): string {
  const f = join(tempDir(prefix), 'pipelines.yaml');
  writeFileSync(f, text);
  return f;
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
