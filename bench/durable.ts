import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KongEntryGenerator } from './kong_entries.js';
import { closedLoop, type LoadResult } from './load.js';
import type { BenchLine } from './bench_line.js';
import { freePort } from '../test/support/ports.js';
import { DIST, waitHttp } from './processes.js';

/**
 * Durable mode's cost (issue: ≤ 25 % fewer entries/s): the real `kongtel` process, http-log →
 * kong_metrics → otlphttp with a persistent queue, once without and once with `kong_metrics.storage`,
 * same bodies (batches of 100 entries, half with AI sections), same closed-loop load, same disk.
 * The backend is a sink that answers 200, so only ingest is measured.
 */

const CONNECTIONS = 16;
const WARMUP_MS = 2_000;
const MEASURE_MS = 8_000;
const ROUNDS = 2;

function sink(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' });
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

function config(logPort: number, healthPort: number, sinkPort: number, dir: string, durable: boolean): string {
  return `receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${logPort}
processors:
  kong_metrics:
    interval: 10s
${durable ? `    storage: file_storage/wal\n` : ''}exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${sinkPort}
    sending_queue:
      storage: file_storage/queue
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
  file_storage/wal:
    directory: ${join(dir, 'wal')}
    create_directory: true
  file_storage/queue:
    directory: ${join(dir, 'queue')}
    create_directory: true
service:
  extensions: [health_check, file_storage/wal, file_storage/queue]
  telemetry:
    logs: { level: warn }
    metrics: { address: "" }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [otlphttp]
`;
}

async function run(bodies: readonly Buffer[], sinkPort: number, durable: boolean): Promise<LoadResult> {
  const [logPort, healthPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-bench-durable-'));
  const file = join(dir, 'pipelines.yaml');
  writeFileSync(file, config(logPort, healthPort, sinkPort, dir, durable));
  const kongtel: ChildProcess = spawn(process.execPath, [join(DIST, 'cmd/kongtel.js'), '--config', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await waitHttp(`http://127.0.0.1:${healthPort}/`);
    await closedLoop(logPort, '/', bodies, 100, CONNECTIONS, WARMUP_MS);
    return await closedLoop(logPort, '/', bodies, 100, CONNECTIONS, MEASURE_MS);
  } finally {
    kongtel.kill('SIGTERM');
    await new Promise((r) => kongtel.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDurable(): Promise<BenchLine[]> {
  const gen = new KongEntryGenerator(11);
  const bodies: Buffer[] = [];
  for (let i = 0; i < 200; i++) bodies.push(Buffer.from(JSON.stringify(gen.many(100, 0.5).map((g) => g.entry))));
  const backend = await sink();
  // Alternating rounds, best of each: the machine's other load hits both alike.
  let plain = 0;
  let durable = 0;
  let non2xx = 0;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const p = await run(bodies, backend.port, false);
      const d = await run(bodies, backend.port, true);
      plain = Math.max(plain, p.entriesPerSecond);
      durable = Math.max(durable, d.entriesPerSecond);
      non2xx += p.non2xx + d.non2xx;
    }
  } finally {
    backend.server.close();
  }
  return [
    { name: 'http-log → kong_metrics → otlphttp (persistent queue)', value: plain, unit: 'entries/s' },
    { name: 'same, durable mode (kong_metrics.storage)', value: durable, unit: 'entries/s' },
    { name: 'durable mode cost (target ≤ 25)', value: (1 - durable / plain) * 100, unit: '% fewer entries/s' },
    { name: 'non-2xx answers under load (both runs)', value: non2xx, unit: 'requests' },
  ];
}
