import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { METRICS_PROTO } from '../receivers/otlp/metrics_proto.js';
import { freePort } from '../test/support/ports.js';
import { sleep, until } from '../test/support/wait.js';
import { KongEntryGenerator } from './kong_entries.js';
import type { BenchLine } from './bench_line.js';

/**
 * The memory soak: the real `kongtel` CLI with `kong_http_log → memory_limiter → kong_metrics (delta) →
 * otlphttp` (in-memory sending queue) in front of a backend that drains only half of what the offered
 * load produces, so the exporter's queue — and kongtel's memory — genuinely grows while data arrives
 * faster than it leaves. A Kong-like load generator retries every 503 after its Retry-After; the soak
 * records kongtel's RSS from /proc, and at the end checks that the backend got exactly the entries
 * that were acknowledged. `test/soak/soak.test.ts` runs it for half a minute in CI, `benchSoak` for five.
 *
 * Why these settings:
 * - `compression: none`: the queue then weighs what the data weighs, so a half-minute run is enough to
 *   fill it; gzip would only slow the growth ~8×, not change what the limiter does.
 * - `MALLOC_MMAP_THRESHOLD_=131072` in kongtel's environment (what the memory_limiter README tells
 *   deployments to set): glibc otherwise raises its mmap threshold after the first large free, keeps
 *   the queue's freed request buffers in its arenas, and RSS never falls after the queue drains — the
 *   limiter would then refuse for ever. With it, buffers ≥ 128 KiB go back to the OS when freed.
 * - The backend takes at most half the offered entries per second (it answers each request after
 *   entries-in-it ÷ that rate), so the offered rate is exactly twice the sustainable one. A fixed delay
 *   per request would not do: kong_metrics aggregates, so the number of requests does not depend on
 *   the input rate, only their size does.
 */


/** What the soak needs of a started kongtel; `test/support/processes.ts` `startKongtel` fits. */
export interface StartedKongtel {
  readonly proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  output(): string;
}
export type StartKongtel = (configYaml: string, healthPort: number, env: NodeJS.ProcessEnv) => Promise<StartedKongtel>;

export interface SoakOptions {
  readonly start: StartKongtel;
  /** The overload phase. */
  readonly durationMs: number;
  readonly limitMib: number;
  /** Soft limit = limitMib − spikeLimitMib; default 20 % of limitMib, as the processor's. */
  readonly spikeLimitMib?: number;
  /** Offered load; the backend takes half of it. */
  readonly entriesPerSecond?: number;
  /** Backend fast: kongtel's RSS under this load without a backlog, and OTLP bytes per entry. */
  readonly calibrationMs?: number;
  /** Progress lines (one per second of the run). */
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  readonly limitMib: number;
  readonly softLimitMib: number;
  /** VmHWM: the kernel's own high-water mark, which no sampling interval can miss. */
  readonly peakRssMib: number;
  /** Highest of the 200 ms VmRSS samples, for comparison. */
  readonly peakSampledRssMib: number;
  /** Highest RSS during calibration (same load, fast backend): what kongtel needs without a backlog. */
  readonly calibrationRssMib: number;
  readonly otlpBytesPerEntry: number;
  readonly offeredEntriesPerSecond: number;
  /** What the slowed backend took during the overload phase. */
  readonly drainedEntriesPerSecond: number;
  /** What kongtel acknowledged during the overload phase: about the drain rate once the queue is at its limit. */
  readonly ackedEntriesPerSecond: number;
  readonly offeredEntries: number;
  readonly ackedEntries: number;
  /** Requests answered 503 (each retried after its Retry-After). */
  readonly refusedRequests: number;
  /** Times a 200 followed a 503 while the backend was still slow: the limiter let data in again. */
  readonly recoveries: number;
  /** Longest time without an accepted batch during the overload: how long one refusal episode lasted at most. */
  readonly longestStallMs: number;
  /**
   * After the load stopped and the backend caught up, how long one more batch waited (retrying 503s)
   * before kongtel took it: memory fell below the soft limit again. Undefined: not within 30 s.
   */
  readonly acceptedAgainAfterMs: number | undefined;
  /** Answers other than 200/503, and failed connections: must stay 0. */
  readonly errors: number;
  readonly backendEntries: number;
  /** Backend total a while after it first matched the acknowledged entries (a late duplicate would show here). */
  readonly backendEntriesSettled: number;
  readonly forcedGcs: number;
  /** Seconds of the overload phase the limiter reported state ≥ 1 (refusing), from its self-metrics. */
  readonly refusingSeconds: number;
}

const ENTRIES_PER_BATCH = 100;
/** Concurrent senders, like the http-log queues of a few Kong workers (each sends one batch at a time). */
const SENDERS = 8;
const KONGTEL_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

// ---------------------------------------------------------------------------------------------------
// The backend: OTLP/HTTP protobuf, decoded with protobufjs against the OTLP schema (not kongtel's
// encoder), answering each request after the entries it carries ÷ its rate. otlphttp runs one
// consumer, so requests queue up in kongtel, not here.

interface PbNumberPoint {
  asInt?: number;
  asDouble?: number;
}
interface PbRequest {
  resourceMetrics?: { scopeMetrics?: { metrics?: { name?: string; sum?: { dataPoints?: PbNumberPoint[] } }[] }[] }[];
}

function loadRequestType(): protobuf.Type {
  return protobuf.parse(METRICS_PROTO).root.lookupType('otlp.ExportMetricsServiceRequest');
}

export class ThrottledOtlpBackend {
  /** Entries counted: the sum of every `http.server.request.count` delta point received. */
  entries = 0;
  bytes = 0;
  requests = 0;
  private entriesPerSecond = Number.POSITIVE_INFINITY;
  private freeAt = 0;
  private readonly requestType = loadRequestType();
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  throttle(entriesPerSecond: number): void {
    this.entriesPerSecond = entriesPerSecond;
  }

  fast(): void {
    this.entriesPerSecond = Number.POSITIVE_INFINITY;
    this.freeAt = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const msg = this.requestType.toObject(this.requestType.decode(body), { longs: Number, arrays: true }) as PbRequest;
      let entries = 0;
      for (const rm of msg.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics ?? []) {
          for (const m of sm.metrics ?? []) {
            if (m.name !== 'http.server.request.count') continue;
            for (const p of m.sum?.dataPoints ?? []) entries += p.asInt ?? p.asDouble ?? 0;
          }
        }
      }
      this.entries += entries;
      this.bytes += body.length;
      this.requests++;
      const now = Date.now();
      const start = Math.max(now, this.freeAt);
      this.freeAt = start + (entries / this.entriesPerSecond) * 1000;
      // An empty ExportMetricsServiceResponse is a full success.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(), this.freeAt - now);
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// The load: batches offered at a fixed rate into a backlog that SENDERS drain one batch at a time; a
// 503 is retried after its Retry-After, as Kong's queue retries (it keeps the entries meanwhile).

export class KongLikeLoad {
  offered = 0;
  acked = 0;
  refused = 0;
  errors = 0;
  recoveries = 0;
  /** Longest wait between two accepted batches while recoveries are counted (the overload phase). */
  longestStallMs = 0;
  private lastAcceptedAt = 0;
  private backlog = 0;
  private next = 0;
  private lastAnswer = 200;
  private offering = false;
  private stopping = false;
  private senders: Promise<void>[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  /** Counts recoveries only while this is true (the overload phase). */
  countRecoveries = false;

  constructor(
    private readonly port: number,
    private readonly bodies: readonly Buffer[],
  ) {}

  /** Offers `entriesPerSecond` until `stopOffering()`. */
  start(entriesPerSecond: number): void {
    this.offering = true;
    const startedAt = performance.now();
    let batches = 0;
    void (async () => {
      while (this.offering) {
        const due = startedAt + (batches * ENTRIES_PER_BATCH * 1000) / entriesPerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(Math.min(wait, 50));
        else {
          batches++;
          this.backlog++;
          this.offered += ENTRIES_PER_BATCH;
        }
      }
    })();
    for (let i = 0; i < SENDERS; i++) this.senders.push(this.sender());
  }

  stopOffering(): void {
    this.offering = false;
  }

  /** Stops offering and retrying; resolves once every request in flight has its answer. */
  async finish(): Promise<void> {
    this.offering = false;
    this.stopping = true;
    await Promise.all(this.senders);
    this.agent.destroy();
  }

  /**
   * One batch, retried after every 503 until accepted or `timeoutMs` passed: milliseconds until it was
   * accepted, or undefined. Used once the backlog is gone, to see that kongtel takes data again.
   */
  async deliverOne(timeoutMs: number): Promise<number | undefined> {
    const agent = new http.Agent({ keepAlive: false });
    const started = Date.now();
    try {
      while (Date.now() - started < timeoutMs) {
        const answer = await this.post(this.bodies[0], agent);
        if (answer.status === 200) {
          this.acked += ENTRIES_PER_BATCH;
          return Date.now() - started;
        }
        if (answer.status !== 503) {
          this.errors++;
          return undefined;
        }
        this.refused++;
        await sleep(answer.retryAfterSeconds * 1000);
      }
      return undefined;
    } finally {
      agent.destroy();
    }
  }

  private async sender(): Promise<void> {
    while (!this.stopping) {
      if (this.backlog === 0) {
        await sleep(10);
        continue;
      }
      this.backlog--;
      const body = this.bodies[this.next++ % this.bodies.length];
      for (;;) {
        const answer = await this.post(body);
        if (answer.status === 200) {
          this.acked += ENTRIES_PER_BATCH;
          const now = Date.now();
          if (this.countRecoveries) {
            if (this.lastAnswer === 503) this.recoveries++;
            if (this.lastAcceptedAt > 0) this.longestStallMs = Math.max(this.longestStallMs, now - this.lastAcceptedAt);
          }
          this.lastAcceptedAt = now;
          this.lastAnswer = 200;
          break;
        }
        if (answer.status !== 503) {
          this.errors++;
          break;
        }
        this.refused++;
        this.lastAnswer = 503;
        // Abandoned batches were never acknowledged: they are not expected at the backend.
        if (this.stopping) break;
        await sleep(answer.retryAfterSeconds * 1000);
        if (this.stopping) break;
      }
    }
  }

  private post(body: Buffer, agent = this.agent): Promise<{ status: number; retryAfterSeconds: number }> {
    return new Promise((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, path: '/', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterSeconds: Number(res.headers['retry-after'] ?? 1) || 1 }));
        },
      );
      req.on('error', () => resolve({ status: 0, retryAfterSeconds: 1 }));
      req.end(body);
    });
  }
}

// ---------------------------------------------------------------------------------------------------

function statusKiB(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
}

/** One self-metric value (summed over its series) from kongtel's Prometheus-text self-telemetry. */
function selfMetric(text: string, name: string): number {
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(m[1]);
  return total;
}

function config(ports: { log: number; health: number; self: number }, backend: string, limitMib: number, spikeLimitMib: number): string {
  return `receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${ports.log}
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: ${limitMib}
    spike_limit_mib: ${spikeLimitMib}
  kong_metrics:
    interval: 100ms
    temporality: delta
exporters:
  otlphttp:
    endpoint: ${backend}
    compression: none
    retry_on_failure: { initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 0 }
    sending_queue: { num_consumers: 1, queue_size: 1000000 }
extensions:
  health_check:
    endpoint: 127.0.0.1:${ports.health}
service:
  extensions: [health_check]
  telemetry:
    logs: { level: warn }
    metrics: { address: "127.0.0.1:${ports.self}" }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [memory_limiter, kong_metrics]
      exporters: [otlphttp]
`;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const rate = options.entriesPerSecond ?? 6000;
  const calibrationMs = options.calibrationMs ?? 3000;
  const spikeLimitMib = options.spikeLimitMib ?? options.limitMib / 5;
  const log = options.log ?? (() => {});
  const gen = new KongEntryGenerator(11);
  const bodies = Array.from({ length: 50 }, () => Buffer.from(JSON.stringify(gen.many(ENTRIES_PER_BATCH, 0.5).map((g) => g.entry))));

  const backend = new ThrottledOtlpBackend();
  const backendUrl = await backend.start();
  const ports = { log: await freePort(), health: await freePort(), self: await freePort() };
  const kongtel = await options.start(config(ports, backendUrl, options.limitMib, spikeLimitMib), ports.health, KONGTEL_ENV).catch(async (err: unknown) => {
    await backend.stop();
    throw err;
  });
  const pid = kongtel.proc.pid as number;
  const load = new KongLikeLoad(ports.log, bodies);
  let peakSampled = 0;
  let phase = 'calibration';
  let refusingSamples = 0;
  let forcedGcs = 0;
  const t0 = Date.now();
  const sampler = setInterval(() => {
    try {
      peakSampled = Math.max(peakSampled, statusKiB(pid, 'VmRSS') / 1024);
    } catch {
      // kongtel is gone; its exit is reported where it is awaited
    }
  }, 200);
  const reporter = setInterval(() => {
    void fetch(`http://127.0.0.1:${ports.self}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        const state = selfMetric(text, 'kongtel_processor_memory_limiter_state');
        forcedGcs = selfMetric(text, 'kongtel_processor_memory_limiter_forced_gc_total');
        if (phase === 'overload' && state >= 1) refusingSamples++;
        log(
          `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s ${phase.padEnd(11)} rss ${(statusKiB(pid, 'VmRSS') / 1024).toFixed(0)} MiB ` +
            `state ${state} queue ${selfMetric(text, 'kongtel_exporter_queue_size')} acked ${load.acked} 503s ${load.refused} backend ${backend.entries}`,
        );
      })
      .catch(() => {});
  }, 1000);

  try {
    // Calibration: the same load, a fast backend.
    load.start(rate);
    await sleep(calibrationMs);
    const calibrationRssMib = peakSampled;
    if (backend.entries === 0) throw new Error(`soak: no entry reached the backend during calibration:\n${kongtel.output()}`);
    const otlpBytesPerEntry = backend.bytes / backend.entries;
    backend.throttle(rate / 2);

    phase = 'overload';
    load.countRecoveries = true;
    const overloadStart = { at: Date.now(), entries: backend.entries, acked: load.acked };
    await sleep(options.durationMs);
    const overloadSeconds = (Date.now() - overloadStart.at) / 1000;
    const drainedEntriesPerSecond = (backend.entries - overloadStart.entries) / overloadSeconds;
    const ackedEntriesPerSecond = (load.acked - overloadStart.acked) / overloadSeconds;
    load.countRecoveries = false;

    phase = 'drain';
    await load.finish();
    backend.fast();
    await until('the backend to receive every acknowledged entry', () => backend.entries >= load.acked, 60_000);
    const acceptedAgainAfterMs = await load.deliverOne(30_000);
    await until('the backend to receive every acknowledged entry', () => backend.entries >= load.acked, 60_000);
    const backendEntries = backend.entries;
    await sleep(1500);
    const peakRssMib = statusKiB(pid, 'VmHWM') / 1024;
    return {
      limitMib: options.limitMib,
      softLimitMib: options.limitMib - spikeLimitMib,
      peakRssMib,
      peakSampledRssMib: peakSampled,
      calibrationRssMib,
      otlpBytesPerEntry,
      offeredEntriesPerSecond: rate,
      drainedEntriesPerSecond,
      ackedEntriesPerSecond,
      offeredEntries: load.offered,
      ackedEntries: load.acked,
      refusedRequests: load.refused,
      recoveries: load.recoveries,
      longestStallMs: load.longestStallMs,
      acceptedAgainAfterMs,
      errors: load.errors,
      backendEntries,
      backendEntriesSettled: backend.entries,
      forcedGcs,
      refusingSeconds: refusingSamples,
    };
  } finally {
    clearInterval(sampler);
    clearInterval(reporter);
    await load.finish();
    await kongtel.stop('SIGTERM');
    await backend.stop();
  }
}

// ---------------------------------------------------------------------------------------------------

/** Starts the built CLI (dist/cmd/kongtel.js) and waits for its health check. */
const startBuilt: StartKongtel = async (configYaml, healthPort, env) => {
  const candidates = ['../cmd/kongtel.js', '../dist/cmd/kongtel.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const bin = candidates.find((p) => existsSync(p));
  if (!bin) throw new Error('soak: dist/cmd/kongtel.js not found; run `npm run build` first');
  const file = join(mkdtempSync(join(tmpdir(), 'kongtel-soak-')), 'pipelines.yaml');
  writeFileSync(file, configYaml);
  const proc = spawn(process.execPath, [bin, '--config', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`kongtel exited with code ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${healthPort}/`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 200) throw new Error(`kongtel did not become healthy:\n${out}`);
    await sleep(100);
  }
  return {
    proc,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
};

/** The five-minute soak: peak RSS against the limit, and what was acknowledged against what arrived. */
export async function benchSoak(durationMs = 300_000): Promise<BenchLine[]> {
  // As in CI: the spike limit covers the rush of retried batches each time the limiter accepts again.
  const r = await runSoak({ start: startBuilt, durationMs, limitMib: 200, spikeLimitMib: 60, log: (line) => process.stderr.write(`${line}\n`) });
  return [
    { name: 'memory_limiter limit_mib (soft limit)', value: r.limitMib, unit: `MiB (soft ${r.softLimitMib})` },
    { name: 'peak RSS (VmHWM)', value: r.peakRssMib, unit: 'MiB' },
    { name: 'peak RSS (200 ms samples)', value: r.peakSampledRssMib, unit: 'MiB' },
    { name: 'RSS under the same load with a fast backend', value: r.calibrationRssMib, unit: 'MiB' },
    { name: 'offered load', value: r.offeredEntriesPerSecond, unit: 'entries/s' },
    { name: 'drained by the slowed backend', value: r.drainedEntriesPerSecond, unit: 'entries/s' },
    { name: 'acknowledged by kongtel during the overload', value: r.ackedEntriesPerSecond, unit: 'entries/s' },
    { name: 'OTLP bytes per entry (uncompressed)', value: r.otlpBytesPerEntry, unit: 'bytes' },
    { name: 'acknowledged entries', value: r.ackedEntries, unit: 'entries' },
    { name: 'refused requests (503, retried)', value: r.refusedRequests, unit: 'requests' },
    { name: 'accepted again after refusing', value: r.recoveries, unit: 'times' },
    { name: 'seconds refusing', value: r.refusingSeconds, unit: 's' },
    { name: 'longest time without an accepted batch', value: r.longestStallMs, unit: 'ms' },
    { name: 'backlog gone: next batch accepted after', value: r.acceptedAgainAfterMs ?? Number.NaN, unit: 'ms (NaN: not within 30 s)' },
    { name: 'forced garbage collections', value: r.forcedGcs, unit: 'GCs' },
    { name: 'backend total', value: r.backendEntriesSettled, unit: 'entries' },
    { name: 'lost (acknowledged − backend total)', value: r.ackedEntries - r.backendEntriesSettled, unit: 'entries' },
    { name: 'other answers and connection errors', value: r.errors, unit: 'requests' },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ms = process.argv[2] ? Number(process.argv[2]) : undefined;
  for (const line of await benchSoak(ms)) process.stdout.write(`${line.name.padEnd(52)} ${line.value.toFixed(line.value % 1 === 0 ? 0 : 1).padStart(12)} ${line.unit}\n`);
}
