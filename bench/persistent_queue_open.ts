import { silentLogger } from '../core/index.js';
import { PersistentQueue } from '../exporters/otlphttp/persistent_queue.js';
import { rssMiB } from './processes.js';

/**
 * Child process of bench/persistent_queue.ts: opens the queue in `argv[2]` (a fresh process, so its
 * memory is the queue's), optionally drains `argv[3]` requests, and prints one JSON line of figures.
 */
const dir = process.argv[2];
const drain = Number(process.argv[3] ?? 0);
const before = rssMiB(process.pid).rss;
const queue = new PersistentQueue(dir, Number.MAX_SAFE_INTEGER, silentLogger());
const t0 = performance.now();
const recovered = await queue.open();
const openMs = performance.now() - t0;
const after = rssMiB(process.pid);
let drainMs = 0;
if (drain > 0) {
  const t1 = performance.now();
  for (let i = 0; i < drain; i++) {
    const req = await queue.take();
    if (!req) break;
    await queue.done(req);
  }
  drainMs = performance.now() - t1;
}
queue.close();
process.stdout.write(`${JSON.stringify({ recovered, openMs, rssBefore: before, rssAfter: after.rss, peak: after.peak, drainMs })}\n`);
