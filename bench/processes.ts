import { readFileSync } from 'node:fs';

/** Helpers the benchmarks share for the processes they start. */

/** The built tree (dist/), where a benchmark finds the CLI and its own helper scripts: this file runs from dist/bench. */
export const DIST = new URL('../', import.meta.url).pathname;

/** Resolves once `url` answers below 500 (the process under test is up). */
export async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

/** Resident and peak resident memory of a process, from /proc. */
export function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
