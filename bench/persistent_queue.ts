import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EncodedRequest } from '../exporters/otlphttp/encode.js';
import type { BenchLine } from './bench_line.js';
import { makeQueueFiles } from './queue_files.js';
import { DIST } from './processes.js';

/**
 * The persistent queue after a long outage (issue 9): 1 000 000 request files, opened by a fresh process.
 * Figures: start-up time and memory with covered.json up to date (the normal restart: it lists all but the
 * newest files), the one-time cost when it has no through_seq (a queue written by an older kongtel: every
 * header is read, measured on 100 000 files), and how fast requests are then handed out and deleted.
 */

const FILES = Number(process.env.KONGTEL_BENCH_QUEUE_FILES ?? 1_000_000);
const LEGACY_FILES = 100_000;
const DRAIN = 20_000;

interface OpenFigures {
  readonly recovered: number;
  readonly openMs: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly peak: number;
  readonly drainMs: number;
}

function request(text: string): EncodedRequest {
  return { body: Buffer.from(text.repeat(64)), points: 1, encoding: 'proto', compression: 'gzip' };
}

function openInChild(dir: string, drain = 0): OpenFigures {
  const out = execFileSync(process.execPath, [join(DIST, 'bench/persistent_queue_open.js'), dir, String(drain)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as OpenFigures;
}

function queueOf(base: string, name: string, count: number, throughSeq: number | undefined): { dir: string; makeMs: number } {
  const dir = join(base, name);
  const t0 = performance.now();
  makeQueueFiles(dir, join(base, `${name}-templates`), count, { first: request('first'), middle: request('middle'), last: request('last') });
  const makeMs = performance.now() - t0;
  if (throughSeq !== undefined) writeFileSync(join(dir, 'covered.json'), JSON.stringify({ version: 1, covered: {}, through_seq: throughSeq }));
  return { dir, makeMs };
}

export async function benchPersistentQueue(): Promise<readonly BenchLine[]> {
  const base = mkdtempSync(join(tmpdir(), 'kongtel-bench-queue-'));
  try {
    const big = queueOf(base, 'outage', FILES, FILES - 1000);
    const usual = openInChild(big.dir, DRAIN);
    const legacy = queueOf(base, 'legacy', LEGACY_FILES, undefined);
    const old = openInChild(legacy.dir);
    return [
      { name: `request files made (hard links), ${FILES}`, value: big.makeMs / 1000, unit: 's' },
      { name: `queue start-up, ${usual.recovered} files (covered.json up to date)`, value: usual.openMs, unit: 'ms' },
      { name: 'RSS before start-up (bare process)', value: usual.rssBefore, unit: 'MiB' },
      { name: 'RSS after start-up', value: usual.rssAfter, unit: 'MiB' },
      { name: 'peak RSS during start-up', value: usual.peak, unit: 'MiB' },
      { name: `hand out + delete after start-up (${DRAIN} requests, one consumer)`, value: DRAIN / (usual.drainMs / 1000), unit: 'requests/s' },
      { name: `queue start-up, ${old.recovered} files, covered.json without through_seq (once)`, value: old.openMs, unit: 'ms' },
      { name: '  per file (every header read)', value: (old.openMs * 1000) / old.recovered, unit: 'µs' },
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
