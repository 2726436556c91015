import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeQueueFiles, queueFileBytes } from '../../../bench/queue_files.js';
import type { EncodedRequest } from '../../../exporters/otlphttp/encode.js';
import { PersistentQueue } from '../../../exporters/otlphttp/persistent_queue.js';
import { queueFileName } from '../../../exporters/otlphttp/queue_file.js';
import { SeqHeap } from '../../../exporters/otlphttp/seq_heap.js';
import { capturingLogger } from './fixtures.js';

/**
 * After a long backend outage the persistent queue holds far more files than one run writes, and a
 * restart must still work: the old start-up spread every seq into one call and overflowed the stack past
 * ~125 000 files, then blamed the directory. Draining 200 000 files one read at a time takes longer than
 * a test may, so the scale and the order are proven apart: start-up at 200 000 files (with the first
 * handed out first, the newest numbered on, and positions read from the files covered.json does not
 * list), and the order over files written in random order, drained whole.
 */

const COUNT = 200_000;
const A = 'kong_metrics in metrics';
const base = mkdtempSync(join(tmpdir(), 'kongtel-many-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function request(text: string, position?: number): EncodedRequest {
  const req = { body: Buffer.from(text), points: 1, encoding: 'proto' as const, compression: 'none' as const };
  return position === undefined ? req : { ...req, covers: [{ source: A, position }] };
}

describe('persistent queue after a long outage', () => {
  it('starts with 200 000 request files: hands out the first, numbers on past the last, reads only the newest headers', { timeout: 60_000 }, async () => {
    const dir = join(base, 'queue');
    makeQueueFiles(dir, join(base, 'templates'), COUNT, { first: request('first', 10), middle: request('middle'), last: request('last', 999) });
    // As the run before left it: covered.json lists positions up to a little before the end.
    writeFileSync(join(dir, 'covered.json'), JSON.stringify({ version: 1, covered: { [A]: 10 }, through_seq: COUNT - 500 }));
    const { logger, lines } = capturingLogger();
    const queue = new PersistentQueue(dir, COUNT + 10, logger);

    expect(await queue.open()).toBe(COUNT);
    expect(queue.size()).toBe(COUNT);
    // The last file's position came from its own header.
    expect(queue.coveredPositions().get(A)).toBe(999);
    // covered.json now lists every file: the next start reads no header.
    expect(JSON.parse(readFileSync(join(dir, 'covered.json'), 'utf8'))).toEqual({ version: 1, covered: { [A]: 999 }, through_seq: COUNT });

    const first = await queue.take();
    expect(first?.seq).toBe(1);
    expect(Buffer.from(first?.body ?? []).toString()).toBe('first');
    if (first) await queue.done(first);
    await queue.offer(request('new'));
    expect(readdirSync(dir)).toContain(queueFileName(COUNT + 1));
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    queue.close();
  });

  it('hands out requests in seq order, each once, whatever order their files were written in', async () => {
    const dir = join(base, 'shuffled');
    const seqs = Array.from({ length: 1000 }, (_, i) => 1 + i * 7);
    // A fixed shuffle (LCG), so creation order — and so directory order — is far from seq order.
    let x = 12345;
    for (let i = seqs.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const j = x % (i + 1);
      [seqs[i], seqs[j]] = [seqs[j], seqs[i]];
    }
    mkdirSync(dir);
    for (const seq of seqs) writeFileSync(join(dir, queueFileName(seq)), queueFileBytes(request(`r${seq}`)));
    const queue = new PersistentQueue(dir, 10_000, capturingLogger().logger);
    expect(await queue.open()).toBe(seqs.length);
    queue.drain();
    const bodies: string[] = [];
    for (let req = await queue.take(); req !== undefined; req = await queue.take()) {
      bodies.push(Buffer.from(req.body).toString());
      await queue.done(req);
    }
    expect(bodies).toEqual([...seqs].sort((a, b) => a - b).map((s) => `r${s}`));
    expect(readdirSync(dir).filter((f) => f.endsWith('.req'))).toEqual([]);
  });

  it('SeqHeap: a million seqs in random order come out sorted; pushes in between keep the order', () => {
    const heap = new SeqHeap();
    let x = 7;
    const all: number[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      all.push(x);
      heap.appendUnordered(x);
    }
    heap.heapify();
    all.sort((a, b) => a - b);
    const out: number[] = [];
    for (let i = 0; i < 500_000; i++) out.push(heap.pop() as number);
    // putBack of something already handed out goes to the front again.
    heap.push(out[out.length - 1]);
    expect(heap.pop()).toBe(out[out.length - 1]);
    for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
    expect(out.length).toBe(all.length);
    expect(out.every((v, i) => v === all[i])).toBe(true);
  });
});
