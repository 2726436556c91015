import { Agent, request } from 'node:http';

/**
 * A closed-loop HTTP load generator (N connections, each sending its next body as soon as the previous
 * answer arrives) and an open-loop one (a fixed request rate, for latency percentiles). Bodies are
 * serialised up front so the generator spends its time on I/O, not on JSON.
 */

export interface LoadResult {
  readonly requests: number;
  readonly entries: number;
  readonly seconds: number;
  readonly entriesPerSecond: number;
  readonly non2xx: number;
  readonly latenciesMs: number[];
}

function post(agent: Agent, port: number, path: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function closedLoop(port: number, path: string, bodies: readonly Buffer[], entriesPerBody: number, connections: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let requests = 0;
  let non2xx = 0;
  let next = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const body = bodies[next++ % bodies.length];
        const t0 = performance.now();
        const status = await post(agent, port, path, body);
        latencies.push(performance.now() - t0);
        requests++;
        if (status < 200 || status >= 300) non2xx++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const entries = (requests - non2xx) * entriesPerBody;
  return { requests, entries, seconds, entriesPerSecond: entries / seconds, non2xx, latenciesMs: latencies };
}

/** Sends `ratePerSecond` requests per second for `durationMs`, each on its own schedule. */
export async function openLoop(port: number, path: string, bodies: readonly Buffer[], entriesPerBody: number, ratePerSecond: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const total = Math.max(1, Math.floor((ratePerSecond * durationMs) / 1000));
  const start = performance.now();
  let non2xx = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      post(agent, port, path, bodies[i % bodies.length]).then((status) => {
        latencies.push(performance.now() - t0);
        if (status < 200 || status >= 300) non2xx++;
      }),
    );
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const entries = (total - non2xx) * entriesPerBody;
  return { requests: total, entries, seconds, entriesPerSecond: entries / seconds, non2xx, latenciesMs: latencies };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
