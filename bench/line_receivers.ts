import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  SelfTelemetry,
  silentLogger,
  systemClock,
  type Batch,
  type ComponentContext,
  type Consumer,
  noStorage,
} from '../core/index.js';
import { kongFileLogReceiverFactory } from '../receivers/kong_file_log/index.js';
import { kongTcpLogReceiverFactory } from '../receivers/kong_tcp_log/index.js';
import { KongEntryGenerator } from './kong_entries.js';
import type { BenchLine } from './bench_line.js';

/**
 * tcp-log and file-log ingest. tcp-log: the real receiver against a bare TCP server that only splits
 * lines and `JSON.parse`s them, fed the same pre-serialised newline-delimited entries by a load generator
 * on its own thread (so it does not share the receiver's event loop), same run. file-log: a pre-written
 * file read with `start_at: beginning`. Both receivers deliver into a consumer that only counts.
 */


const CONNECTIONS = 4;
const BLOCK_ENTRIES = 5_000;
const REPEATS = 10; // per connection: 4 × 10 × 5 000 = 200 000 entries per run
const FILE_ENTRIES = 200_000;

interface LoadJob {
  readonly kind: 'kongtel-line-load';
  readonly port: number;
  readonly block: Uint8Array;
  readonly repeats: number;
  readonly connections: number;
}

/** The load generator (worker side): each connection writes the block `repeats` times, respecting drain. */
async function generateLoad(job: LoadJob): Promise<void> {
  const block = Buffer.from(job.block.buffer, job.block.byteOffset, job.block.byteLength);
  await Promise.all(
    Array.from({ length: job.connections }, () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect({ port: job.port, host: '127.0.0.1' }, () => {
          let left = job.repeats;
          const pump = (): void => {
            while (left > 0) {
              left--;
              if (!socket.write(block)) {
                socket.once('drain', pump);
                return;
              }
            }
            socket.end(resolve);
          };
          pump();
        });
        socket.on('error', reject);
      }),
    ),
  );
}

if (!isMainThread && (workerData as LoadJob | undefined)?.kind === 'kongtel-line-load') {
  void generateLoad(workerData as LoadJob).then(() => parentPort?.postMessage('done'));
}

class CountingConsumer implements Consumer {
  entries = 0;
  private target = Infinity;
  private reached: (() => void) | undefined;

  async consume(batch: Batch): Promise<void> {
    if (batch.signal === 'logs') this.entries += batch.entries.length;
    if (this.entries >= this.target) this.reached?.();
  }

  until(target: number): Promise<void> {
    this.target = target;
    if (this.entries >= target) return Promise.resolve();
    // The receivers' timers are unref'd (the collector's servers keep it alive); here nothing else would.
    const keepAlive = setInterval(() => {}, 1000);
    return new Promise<void>((resolve) => (this.reached = resolve)).finally(() => clearInterval(keepAlive));
  }
}

function context(id: string): ComponentContext {
  return {
    id,
    kind: 'receiver',
    logger: silentLogger(),
    telemetry: new SelfTelemetry(),
    clock: systemClock,
    resource: resourceFromAttributes({ 'service.name': 'kongtel-bench' }),
    storage: noStorage,
  };
}

/** The ceiling: split lines in the buffer, keep the remainder, JSON.parse each line, count. */
function bareServer(counter: { entries: number }): net.Server {
  return net.createServer((socket) => {
    let rest: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      const buf = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        JSON.parse(buf.toString('utf8', start, nl));
        counter.entries++;
        start = nl + 1;
      }
      rest = start < buf.length ? buf.subarray(start) : undefined;
    });
    socket.on('error', () => {});
  });
}

function listenLocal(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Runs the load against `port` and resolves with entries/s once `count()` reaches the total. */
async function drive(port: number, block: Buffer, count: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { kind: 'kongtel-line-load', port, block, repeats: REPEATS, connections: CONNECTIONS } satisfies LoadJob,
  });
  const sent = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await Promise.all([sent, count()]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.terminate();
  return (CONNECTIONS * REPEATS * BLOCK_ENTRIES) / seconds;
}

async function benchTcp(block: Buffer): Promise<{ kongtel: number; bare: number }> {
  const total = CONNECTIONS * REPEATS * BLOCK_ENTRIES;

  const counter = { entries: 0 };
  const bare = bareServer(counter);
  const barePort = await listenLocal(bare);
  const bareRate = await drive(barePort, block, async () => {
    while (counter.entries < total) await new Promise((r) => setTimeout(r, 5));
  });
  await new Promise<void>((resolve) => bare.close(() => resolve()));

  const consumer = new CountingConsumer();
  const config = kongTcpLogReceiverFactory.configSchema.parse({ endpoint: '127.0.0.1:0' });
  const receiver = kongTcpLogReceiverFactory.create(config, context('kong_tcp_log'), consumer);
  await receiver.start({ status: () => 'running' });
  const port = (receiver as unknown as { address: { port: number } }).address.port;
  const rate = await drive(port, block, () => consumer.until(total));
  await receiver.shutdown();
  return { kongtel: rate, bare: bareRate };
}

async function benchFileTail(lines: readonly string[]): Promise<{ rate: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-bench-file-'));
  const file = join(dir, 'kong.log');
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    let i = 0;
    const write = (): void => {
      while (i < FILE_ENTRIES) {
        const line = lines[i % lines.length];
        bytes += Buffer.byteLength(line);
        i++;
        if (!out.write(line)) {
          out.once('drain', write);
          return;
        }
      }
      out.end(resolve);
    };
    write();
  });
  try {
    const consumer = new CountingConsumer();
    const config = kongFileLogReceiverFactory.configSchema.parse({ include: [file], start_at: 'beginning', poll_interval: '10ms' });
    const receiver = kongFileLogReceiverFactory.create(config, context('kong_file_log'), consumer);
    const started = process.hrtime.bigint();
    await receiver.start({ status: () => 'running' });
    await consumer.until(FILE_ENTRIES);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await receiver.shutdown();
    return { rate: FILE_ENTRIES / seconds, bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchLineReceivers(): Promise<BenchLine[]> {
  const gen = new KongEntryGenerator(11);
  const lines = gen.many(BLOCK_ENTRIES, 0.5).map((g) => `${JSON.stringify(g.entry)}\n`);
  const block = Buffer.from(lines.join(''));
  const avgEntryBytes = block.length / BLOCK_ENTRIES;

  // A first round warms up the JIT for both servers; the second is measured.
  await benchTcp(block);
  const tcp = await benchTcp(block);
  const file = await benchFileTail(lines);

  return [
    { name: 'entry size (avg, half with AI sections)', value: avgEntryBytes, unit: 'bytes' },
    { name: `tcp-log ingest, ${CONNECTIONS} connections (kong_tcp_log → counting consumer)`, value: tcp.kongtel, unit: 'entries/s' },
    { name: 'bare TCP server (split lines + JSON.parse), same load', value: tcp.bare, unit: 'entries/s' },
    { name: 'tcp-log ingest / bare server (target ≥ 0.6)', value: tcp.kongtel / tcp.bare, unit: 'ratio' },
    { name: `file-log tail, ${FILE_ENTRIES.toLocaleString('en-US')} entries from start_at: beginning`, value: file.rate, unit: 'entries/s' },
    { name: 'file-log tail throughput', value: (file.rate * avgEntryBytes) / (1024 * 1024), unit: 'MiB/s' },
  ];
}
