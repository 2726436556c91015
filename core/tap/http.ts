import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TapFilter, TapHub } from './hub.js';

export const TAP_PATH = '/debug/tap';
export const DEFAULT_TAP_RATE = 10;
export const MAX_TAP_RATE = 1000;
/** A line now and then keeps proxies and idle timers from closing a quiet stream, and shows it is alive. */
export const TAP_HEARTBEAT_MS = 10_000;

/** `?component=a&component=b` (or `a,b`), `?rate=N`; a bad value is a 400 the client can read. */
export function parseTapQuery(url: string): TapFilter | string {
  const q = new URL(url, 'http://tap').searchParams;
  const components = q.getAll('component').flatMap((c) => c.split(',')).filter((c) => c !== '');
  const rateText = q.get('rate');
  const rate = rateText === null ? DEFAULT_TAP_RATE : Number(rateText);
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_TAP_RATE) return `rate: expected a whole number of events per second from 1 to ${MAX_TAP_RATE}, got "${rateText}"`;
  return { components, rate };
}

/**
 * `GET /debug/tap`: sampled component outputs as NDJSON, one event a line, until the client hangs up.
 * A reader slower than the events skips them (counted in the next event's `skipped`) instead of the
 * process buffering for it.
 */
export function serveTap(req: IncomingMessage, res: ServerResponse, hub: TapHub, knownComponents: readonly string[]): void {
  const filter = parseTapQuery(req.url ?? TAP_PATH);
  if (typeof filter === 'string') {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`${filter}\n`);
    return;
  }
  const unknown = filter.components.filter((c) => !knownComponents.includes(c));
  if (unknown.length > 0) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`component: no receiver or processor ${unknown.map((c) => `"${c}"`).join(', ')}; running: ${knownComponents.join(', ')}\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.write(`${JSON.stringify({ type: 'started', components: filter.components.length > 0 ? filter.components : knownComponents, rate: filter.rate })}\n`);
  const subscription = hub.subscribe(filter, { send: (event) => res.write(`${JSON.stringify(event)}\n`) });
  res.on('drain', () => subscription.resume());
  const heartbeat = setInterval(() => res.write(`${JSON.stringify({ type: 'heartbeat', time: new Date().toISOString() })}\n`), TAP_HEARTBEAT_MS);
  heartbeat.unref();
  res.once('close', () => {
    clearInterval(heartbeat);
    subscription.close();
  });
}
