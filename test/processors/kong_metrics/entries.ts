import type { KongLogEntry } from '../../../core/index.js';

/** Small hand-made entries for rule tests: a proxied 3.8-style request, and AI calls on top of it. */

type Json = Record<string, unknown>;

export function plainEntry(over: Json = {}): KongLogEntry {
  return {
    request: { method: 'GET', uri: '/orders', size: 120 },
    response: { status: 200, size: 900 },
    latencies: { request: 40, kong: 2, proxy: 35, receive: 3 },
    service: { name: 'orders' },
    route: { name: 'orders-route' },
    workspace_name: 'default',
    source: 'upstream',
    upstream_status: '200',
    ...over,
  };
}

export function aiCall(over: { meta?: Json; usage?: Json; cache?: Json; extra?: Json } = {}): Json {
  return {
    meta: { provider_name: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o-2024-08-06', llm_latency: 900, ...over.meta },
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, time_per_token: 18, cost: 0.002, ...over.usage },
    ...(over.cache !== undefined ? { cache: over.cache } : {}),
    ...over.extra,
  };
}

/** A proxied request that made one AI Proxy call (`ai.proxy`, Kong 3.10+ shape). */
export function aiEntry(call: Json = aiCall(), over: Json = {}): KongLogEntry {
  return plainEntry({
    request: { method: 'POST', uri: '/v1/chat/completions', size: 400 },
    upstream_status: 200,
    ai: { proxy: call },
    ...over,
  });
}

/** Returns a copy of `entry` with the dotted `path` set to `value` (`undefined` deletes it). */
export function withField(entry: KongLogEntry, path: string, value: unknown): KongLogEntry {
  const copy = structuredClone(entry) as Json;
  const parts = path.split('.');
  let o: Json = copy;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Json;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}
