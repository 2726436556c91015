import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { Watchdog } from '../../bench/fuzz/watchdog.js';
import { queueFileBytes } from '../../bench/queue_files.js';
import type { LogPosition } from '../../core/index.js';
import type { EncodedRequest } from '../../exporters/otlphttp/encode.js';
import { PersistentQueue } from '../../exporters/otlphttp/persistent_queue.js';
import { queueFileName } from '../../exporters/otlphttp/queue_file.js';
import { until, within as waitWithin } from '../support/wait.js';
import { append, ids, line, startReceiver } from '../receivers/kong_file_log/harness.js';
import { capturingLogger } from '../support/logs.js';

/**
 * State a crash, a broken disk or a careless operator leaves where kongtel keeps its own files — random
 * garbage, truncated files, files far larger than they may be (sparse), FIFOs, directories and symbolic
 * links named like state files — in the persistent queue's directory and the file-log checkpoint's. Each
 * start-up either succeeds with every valid item intact (each valid request delivered once, in order; the
 * saved offsets applied) or fails with an error that names the file and the fix. It never hangs (every
 * start-up runs under a deadline) and never crashes (a watchdog catches what escapes).
 */

const RUNS = Math.max(25, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 250));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const DEADLINE_MS = 10_000;
const A = 'kong_metrics in metrics';
const GIB = 1024 ** 3;

const base = mkdtempSync(join(tmpdir(), 'kongtel-fuzz-disk-'));
const watchdog = new Watchdog();
afterAll(() => {
  watchdog.stop();
  rmSync(base, { recursive: true, force: true });
  expect(watchdog.unhandled).toEqual([]);
});

let runNo = 0;
function freshDir(name: string): string {
  const d = join(base, `${name}-${runNo++}`);
  mkdirSync(d);
  return d;
}

const within = <T>(p: Promise<T>, what: string): Promise<T> => waitWithin(p, DEADLINE_MS, what, `hung for ${DEADLINE_MS} ms`);

/** What an entry of the directory is; `valid` ones must come out intact. */
type Entry =
  | { readonly kind: 'valid'; readonly position?: number }
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array }
  | { readonly kind: 'truncated'; readonly keep: number }
  | { readonly kind: 'lying header'; readonly bodyLength: number }
  | { readonly kind: 'huge' | 'fifo' | 'directory' | 'symlink' | 'tmp' };

const entryArb: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('valid' as const), position: fc.option(fc.nat({ max: 1e9 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 200 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncated' as const), keep: fc.nat({ max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lying header' as const), bodyLength: fc.constantFrom(0xffffffff, 0x7fffffff, 1_000_000) }) },
  { weight: 1, arbitrary: fc.constantFrom('huge' as const, 'fifo' as const, 'directory' as const, 'symlink' as const, 'tmp' as const).map((kind) => ({ kind })) },
);

type Covered = 'absent' | 'valid' | 'garbage' | 'huge' | 'fifo' | 'directory' | 'symlink';
const coveredArb = fc.constantFrom<Covered>('absent', 'valid', 'garbage', 'huge', 'fifo', 'directory', 'symlink');

function request(seq: number, position: number | undefined): EncodedRequest {
  const req = { body: Buffer.from(`request ${seq}`), points: 1, encoding: 'proto' as const, compression: 'none' as const };
  return position === undefined ? req : { ...req, covers: [{ source: A, position }] };
}

/** Writes the entries as seqs 1..n (plus a `.tmp` where asked); returns the valid requests by seq. */
function writeQueue(dir: string, entries: readonly Entry[]): Map<number, LogPosition[] | undefined> {
  const valid = new Map<number, LogPosition[] | undefined>();
  entries.forEach((e, i) => {
    const seq = i + 1;
    const path = join(dir, queueFileName(seq));
    const whole = queueFileBytes(request(seq, 'position' in e ? e.position : undefined));
    switch (e.kind) {
      case 'valid':
        writeFileSync(path, whole);
        valid.set(seq, e.position === undefined ? undefined : [{ source: A, position: e.position }]);
        break;
      case 'garbage':
        writeFileSync(path, e.bytes);
        break;
      case 'truncated':
        writeFileSync(path, whole.subarray(0, Math.min(e.keep, whole.length - 1)));
        break;
      case 'lying header': {
        const h = Buffer.from(whole.subarray(0, 16));
        h.writeUInt32BE(e.bodyLength, 12);
        writeFileSync(path, Buffer.concat([h, Buffer.from('tiny')]));
        break;
      }
      case 'huge': // sparse: claims 3 GiB, takes no space
        writeFileSync(path, whole.subarray(0, 16));
        truncateSync(path, 3 * GIB);
        break;
      case 'fifo':
        execFileSync('mkfifo', [path]);
        break;
      case 'directory':
        mkdirSync(path);
        break;
      case 'symlink':
        writeFileSync(join(dir, `../outside-${seq}`), whole);
        symlinkSync(join(dir, `../outside-${seq}`), path);
        break;
      case 'tmp':
        writeFileSync(`${path}.tmp`, whole.subarray(0, 10));
        break;
    }
  });
  return valid;
}

function writeCovered(dir: string, covered: Covered): number | undefined {
  const path = join(dir, 'covered.json');
  switch (covered) {
    case 'valid':
      writeFileSync(path, JSON.stringify({ version: 1, covered: { [A]: 7 } }));
      return 7;
    case 'garbage':
      writeFileSync(path, '{"version":1,"cov');
      return undefined;
    case 'huge':
      truncateSync((writeFileSync(path, '{'), path), 2 * GIB);
      return undefined;
    case 'fifo':
      execFileSync('mkfifo', [path]);
      return undefined;
    case 'directory':
      mkdirSync(path);
      return undefined;
    case 'symlink':
      writeFileSync(join(dir, '../covered-elsewhere.json'), JSON.stringify({ version: 1, covered: {} }));
      symlinkSync(join(dir, '../covered-elsewhere.json'), path);
      return undefined;
    case 'absent':
      return undefined;
  }
}

describe('disk state: persistent queue directory', () => {
  it(`starts with every valid request delivered once, in order, or fails naming the file (${RUNS} directories)`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { maxLength: 12 }), coveredArb, async (entries, covered) => {
        const storage = freshDir('queue');
        const dir = join(storage, 'q');
        mkdirSync(dir);
        const valid = writeQueue(dir, entries);
        const coveredPosition = writeCovered(dir, covered);
        const { logger } = capturingLogger();
        const queue = new PersistentQueue(dir, 1000, logger);
        const opened = await within(queue.open(), 'queue start-up').then(
          () => undefined,
          (err: unknown) => err as Error,
        );
        if (covered === 'fifo' || covered === 'directory' || covered === 'symlink') {
          // covered.json is there but is no file: a person must look (its positions decide a replay).
          expect(opened?.name).toBe('QueueStorageError');
          expect(opened?.message).toMatch(/^cannot read .*covered\.json: ".*covered\.json" is a (FIFO|directory|symbolic link), not a regular file: remove it, or move it out of the directory \(ENOTREG\)$/);
          return;
        }
        expect(opened).toBeUndefined();
        const highest = Math.max(-1, coveredPosition ?? -1, ...[...valid.values()].flatMap((c) => (c ?? []).map((p) => p.position)));
        expect(queue.coveredPositions().get(A) ?? -1).toBe(highest);
        queue.drain();
        const delivered: number[] = [];
        for (let req = await within(queue.take(), 'take'); req !== undefined; req = await within(queue.take(), 'take')) {
          expect(Buffer.from(req.body).toString()).toBe(`request ${req.seq}`);
          expect(req.covers).toEqual(valid.get(req.seq));
          delivered.push(req.seq);
          await queue.done(req);
        }
        expect(delivered).toEqual([...valid.keys()]);
        // Never ours to delete: what is not a regular file stays; nothing valid is left behind.
        const left = readdirSync(dir);
        for (const seq of valid.keys()) expect(left).not.toContain(queueFileName(seq));
        expect(left.filter((n) => n.endsWith('.tmp'))).toEqual([]);
        if (covered === 'garbage' || covered === 'huge') expect(left.some((n) => n.startsWith('covered.json.corrupt-'))).toBe(true);
        rmSync(storage, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});

type Checkpoint = 'absent' | 'valid' | 'garbage' | 'truncated' | 'huge' | 'fifo' | 'directory' | 'wrong shape';
const checkpointArb = fc.constantFrom<Checkpoint>('absent', 'valid', 'garbage', 'truncated', 'huge', 'fifo', 'directory', 'wrong shape');

describe('disk state: kong_file_log checkpoint', () => {
  it(`applies a valid checkpoint exactly, moves a damaged one aside, refuses one that is no file (${RUNS} directories)`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArb, fc.integer({ min: 0, max: 20 }), fc.boolean(), async (state, savedLines, strayFifo) => {
        const dir = freshDir('checkpoint');
        const storage = join(dir, 'storage');
        mkdirSync(storage);
        const log = join(dir, 'kong.log');
        append(log, ids('a', 0, 20));
        const file = join(storage, 'kong_file_log.json');
        const text = readFileSync(log);
        const offset = Buffer.byteLength(ids('a', 0, savedLines).map((id) => line(id)).join(''));
        const st = statSync(log, { bigint: true });
        const valid = JSON.stringify({
          version: 1,
          files: [{ path: log, dev: String(st.dev), ino: String(st.ino), fingerprint: text.subarray(0, 1024).toString('base64'), offset, lines: savedLines, discarding: false }],
        });
        if (state === 'valid') writeFileSync(file, valid);
        if (state === 'garbage') writeFileSync(file, '\u0000\u00ff{[');
        if (state === 'truncated') writeFileSync(file, valid.slice(0, valid.length - 5));
        if (state === 'wrong shape') writeFileSync(file, JSON.stringify({ version: 1, files: [{ path: log }] }));
        if (state === 'huge') truncateSync((writeFileSync(file, '{'), file), GIB);
        if (state === 'fifo') execFileSync('mkfifo', [file]);
        if (state === 'directory') mkdirSync(file);
        // Strays beside it are none of the receiver's business.
        if (strayFifo) execFileSync('mkfifo', [join(storage, 'stray.json.tmp.fifo')]);

        const started = await within(startReceiver({ include: [log], storage: 'file_storage', start_at: 'beginning' }, undefined, { file_storage: storage }), 'receiver start-up').then(
          (h) => h,
          (err: unknown) => err as Error,
        );
        if (state === 'fifo' || state === 'directory') {
          expect(started).toBeInstanceOf(Error);
          expect((started as Error).message).toMatch(/^receivers\.kong_file_log\.storage: cannot read the checkpoint ".*kong_file_log\.json": .* not a regular file: remove it, or move it out of the directory \(ENOTREG\)\. /);
          rmSync(dir, { recursive: true, force: true });
          return;
        }
        if (started instanceof Error) throw started;
        const expected = state === 'valid' ? ids('a', savedLines, 20) : ids('a', 0, 20);
        try {
          await until(`${expected.length} entries`, () => started.accepted() >= expected.length);
          await new Promise((r) => setTimeout(r, 40));
          expect(started.next.ids()).toEqual(expected);
        } finally {
          await started.receiver.shutdown();
        }
        const damaged = state === 'garbage' || state === 'truncated' || state === 'huge' || state === 'wrong shape';
        expect(readdirSync(storage).some((n) => n.startsWith('kong_file_log.json.corrupt-'))).toBe(damaged);
        expect(started.logs.some((l) => l.level === 50 && String(l.msg).includes('checkpoint is damaged'))).toBe(damaged);
        rmSync(dir, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
