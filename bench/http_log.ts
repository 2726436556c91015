import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KongEntryGenerator } from './kong_entries.js';
import { openLoop, percentile } from './load.js';
import { wrkPost } from './wrk.js';
import type { BenchLine } from './bench_line.js';
import { freePort } from '../test/support/ports.js';
import { DIST, rssMiB, waitHttp } from './processes.js';

/**
 * http-log ingest: the real `kongtel` process (kong_http_log → kong_metrics → prometheus) against a
 * bare JSON.parse server, same bodies (batches of 100 entries, half with AI sections), same load
 * generator (wrk), same run. Then p99 latency at half of kongtel's sustained rate (an open-loop Node
 * generator: a fixed request rate, each request timed), and kongtel's RSS.
 */

const CONNECTIONS = 16;
const WARMUP_S = 2;
const MEASURE_S = 8;

export async function benchHttpLog(): Promise<BenchLine[]> {
  const gen = new KongEntryGenerator(7);
  const bodies: Buffer[] = [];
  for (let i = 0; i < 200; i++) bodies.push(Buffer.from(JSON.stringify(gen.many(100, 0.5).map((g) => g.entry))));
  const avgEntryBytes = bodies.reduce((n, b) => n + b.length, 0) / (bodies.length * 100);

  // The ceiling: a bare server that only parses.
  const barePort = await freePort();
  const bare = spawn(process.execPath, [join(DIST, 'bench/bare_server.js'), String(barePort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitHttp(`http://127.0.0.1:${barePort}/`);
  await wrkPost(barePort, bodies, CONNECTIONS, WARMUP_S);
  const bareResult = await wrkPost(barePort, bodies, CONNECTIONS, MEASURE_S);
  bare.kill('SIGTERM');
  const bareEntriesPerSecond = bareResult.requestsPerSecond * 100;

  // kongtel, the real CLI.
  const [logPort, promPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-bench-'));
  const config = join(dir, 'pipelines.yaml');
  writeFileSync(
    config,
    `receivers:\n  kong_http_log:\n    endpoint: 127.0.0.1:${logPort}\nprocessors:\n  kong_metrics:\n    interval: 10s\nexporters:\n  prometheus:\n    endpoint: 127.0.0.1:${promPort}\nextensions:\n  health_check:\n    endpoint: 127.0.0.1:${healthPort}\nservice:\n  extensions: [health_check]\n  telemetry:\n    logs: { level: warn }\n    metrics: { address: "" }\n  pipelines:\n    metrics:\n      receivers: [kong_http_log]\n      processors: [kong_metrics]\n      exporters: [prometheus]\n`,
  );
  const kongtel = spawn(process.execPath, [join(DIST, 'cmd/kongtel.js'), '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitHttp(`http://127.0.0.1:${healthPort}/`);
  await wrkPost(logPort, bodies, CONNECTIONS, WARMUP_S);
  const kongtelResult = await wrkPost(logPort, bodies, CONNECTIONS, MEASURE_S);
  const kongtelEntriesPerSecond = kongtelResult.requestsPerSecond * 100;
  const afterThroughput = rssMiB(kongtel.pid as number);
  const halfRate = kongtelEntriesPerSecond / 2 / 100;
  const latency = await openLoop(logPort, '/', bodies, 100, halfRate, 5_000);
  const afterLatency = rssMiB(kongtel.pid as number);
  kongtel.kill('SIGTERM');
  await new Promise((r) => kongtel.once('exit', r));

  return [
    { name: 'http-log entry size (avg)', value: avgEntryBytes, unit: 'bytes' },
    { name: 'bare JSON.parse server (wrk, 16 connections)', value: bareEntriesPerSecond, unit: 'entries/s' },
    { name: 'kongtel http-log → kong_metrics → prometheus', value: kongtelEntriesPerSecond, unit: 'entries/s' },
    { name: 'ratio kongtel / bare (target ≥ 0.6)', value: kongtelEntriesPerSecond / bareEntriesPerSecond, unit: '×' },
    { name: 'kongtel non-2xx answers under load', value: kongtelResult.non2xx, unit: 'requests' },
    { name: `p50 latency at half rate (${Math.round(halfRate * 100)} entries/s)`, value: percentile(latency.latenciesMs, 50), unit: 'ms' },
    { name: `p99 latency at half rate (${Math.round(halfRate * 100)} entries/s)`, value: percentile(latency.latenciesMs, 99), unit: 'ms' },
    { name: 'kongtel RSS after the run', value: afterLatency.rss, unit: 'MiB' },
    { name: 'kongtel peak RSS', value: Math.max(afterThroughput.peak, afterLatency.peak), unit: 'MiB' },
  ];
}
