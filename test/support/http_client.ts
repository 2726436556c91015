import http from 'node:http';
import https from 'node:https';
import type { GatedConsumer } from './consumers.js';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export interface SendOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly agent?: http.Agent | false;
  readonly tls?: https.RequestOptions;
}

/**
 * One request to a receiver over loopback; resolves with the answer even if the server closes right
 * after it. `defaults` are the receiver's usual content type and path. A header given as undefined is
 * left out (e.g. no Content-Length for a chunked upload).
 */
export function sendTo(port: number, defaults: { contentType: string; path: string }, o: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = o.body ?? '';
    const headers: http.OutgoingHttpHeaders = { 'content-type': defaults.contentType, 'content-length': Buffer.byteLength(body), ...o.headers };
    for (const name of Object.keys(headers)) if (headers[name] === undefined) delete headers[name];
    const options: https.RequestOptions = { host: '127.0.0.1', port, method: o.method ?? 'POST', path: o.path ?? defaults.path, headers, agent: o.agent, ...o.tls };
    const req = (o.tls === undefined ? http : https).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A client that leaves while the pipeline works: POSTs `body`, hangs up once `next` holds the batch, then
 * lets `next` go (20 ms for each side to notice).
 */
export async function leaveWhileHeld(port: number, next: GatedConsumer, o: { path?: string; contentType: string; body: string | Buffer }): Promise<void> {
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    ...(o.path === undefined ? {} : { path: o.path }),
    headers: { 'content-type': o.contentType },
  });
  req.on('error', () => undefined);
  req.end(o.body);
  await next.nextArrival();
  req.destroy();
  await new Promise((resolve) => setTimeout(resolve, 20));
  next.release();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
