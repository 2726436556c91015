import http from 'node:http';
import https from 'node:https';

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
