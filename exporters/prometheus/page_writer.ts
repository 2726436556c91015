import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, type Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import { CONTENT_TYPE } from './renderer.js';

const gzipWhole = promisify(gzip);

/** The page's chunks, ready to be pulled one at a time (see renderer.ts). */
export type PageChunks = Iterator<string, void, undefined>;

/**
 * Writes a `/metrics` page. A page that fits in one chunk goes out whole, with Content-Length, as
 * before; a larger one goes out as it is rendered (chunked transfer encoding, which Prometheus and
 * every HTTP/1.1 scraper read), gzipped as a stream when the scraper accepts gzip. Between two chunks
 * the event loop gets a turn (or waits for the socket to drain), so a scrape of any size never holds
 * it for longer than one chunk takes to render, and memory holds a few chunks, never the page.
 * HEAD answers the headers without rendering anything (so without Content-Length, which RFC 9110
 * allows for HEAD).
 */
export async function sendPage(req: IncomingMessage, res: ServerResponse, chunks: PageChunks | undefined): Promise<void> {
  // Render the first two chunks before any header: a failure here can still be answered 500.
  const first = chunks?.next();
  const second = first === undefined || first.done ? undefined : chunks?.next();
  const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.statusCode = 200;
  res.setHeader('Content-Type', CONTENT_TYPE);
  res.setHeader('Vary', 'Accept-Encoding');
  if (acceptsGzip) res.setHeader('Content-Encoding', 'gzip');
  if (chunks === undefined || first === undefined) {
    res.end();
    return;
  }
  if (first.done) {
    await sendWhole(res, '', acceptsGzip);
    return;
  }
  if (second === undefined || second.done) {
    await sendWhole(res, first.value, acceptsGzip);
    return;
  }
  if (!acceptsGzip) {
    await writeChunks(first.value, second.value, chunks, res);
    return;
  }
  const zipped = createGzip();
  // pipeline destroys the gzip stream when the scraper hangs up, which stops the writer below.
  pipeline(zipped, res, () => {});
  await writeChunks(first.value, second.value, chunks, zipped);
}

async function sendWhole(res: ServerResponse, text: string, zip: boolean): Promise<void> {
  let body = Buffer.from(text, 'utf8');
  if (zip) {
    const zipped = await gzipWhole(body).catch(() => undefined);
    // Should gzip fail (out of memory), the page still goes out, plain.
    if (zipped === undefined) res.removeHeader('Content-Encoding');
    else body = zipped;
  }
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/**
 * Writes every chunk with back-pressure; stops early when `out` is destroyed (the scraper hung up).
 * A turn of the event loop after every chunk, drained or not: when a fast reader empties the socket
 * at once, node reports the write done and emits 'drain' from process.nextTick, and a loop driven by
 * 'drain' alone would render the whole page without letting a single request in.
 */
async function writeChunks(first: string, second: string, rest: PageChunks, out: Writable): Promise<void> {
  let next: IteratorResult<string, void> = { done: false, value: first };
  let following: string | undefined = second;
  while (!next.done) {
    if (!out.write(next.value)) await drainedOrClosed(out);
    await nextTurn();
    if (out.destroyed) return;
    if (following === undefined) next = rest.next();
    else {
      next = { done: false, value: following };
      following = undefined;
    }
  }
  out.end();
}

function drainedOrClosed(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
