import { isObject, type JsonObject, type KongLogEntry } from '../../../core/index.js';
import { operationName } from '../sections/genai.js';
import { responseSource, statusCode } from '../sections/http.js';
import { capped, nonNegative } from '../values.js';

/**
 * How the write-ahead log stores an entry: only the fields the aggregator reads (aggregator.ts), as
 * positional arrays, so a record is a seventh of the entry's JSON and quick to write; `decodeEntries`
 * rebuilds objects that aggregate exactly like the entries did (test/durability checks this on every
 * Kong fixture). No payloads, headers, query strings, client addresses or error messages reach the disk.
 *
 * Leaves are stored raw: every reader treats null as absent, as it does undefined. Four values are
 * stored already worked out, to drop the fields behind them: the workspace (its id only when it has no
 * name), the response source (`upstream_status` is read for nothing else), the GenAI operation (the
 * request URI, with its query string, is read for nothing else) and the status code (an invalid one
 * stays invalid, whatever it was). A field the aggregator starts reading
 * must be added here too — the fixture test fails until it is.
 *
 * Layout (version 1, the segment magic's last byte):
 *   entry  = [service.name, route.name, workspace, consumer, request, response, latencies, source, ai]
 *   consumer = [username, custom_id, id] · request = [method, size, operation] · response = [status, size]
 *   latencies = [request, kong, proxy]
 *   ai = [flat, calls, mcp, a2a] · call = [name, meta, usage, cache, rag, guardrails]
 *   mcp = [rpcs, audits] · a2a = [rpcs]
 */

type Slot = unknown;
type Tuple = Slot[];

/** Members of `ai` that are never AI-call objects (as in aggregator.ts). */
const NOT_CALLS: ReadonlySet<string> = new Set(['payload', 'mcp', 'a2a', 'compressor', 'sanitizer', 'audit']);

const META = ['provider_name', 'request_model', 'response_model', 'llm_latency', 'request_mode'] as const;
const USAGE = ['prompt_tokens', 'input_tokens', 'prompt_token', 'completion_tokens', 'output_tokens', 'completion_token', 'total_tokens', 'time_to_first_token', 'time_per_token', 'cost'] as const;
const CACHE = ['fetch_latency', 'embeddings_latency', 'cache_status', 'vector_db', 'embeddings_provider', 'embeddings_model'] as const;
const RAG = ['fetch_latency', 'embeddings_latency'] as const;
const GUARDRAILS = ['input_processing_latency', 'output_processing_latency', 'guardrails_id', 'guardrails_version', 'aws_region'] as const;
const MCP_RPC = ['latency', 'response_body_size', 'error', 'method', 'tool_name'] as const;
const MCP_AUDIT = ['action', 'primitive', 'primitive_name'] as const;
const A2A_RPC = ['latency', 'response_body_size', 'ttfb_latency', 'error', 'task_state', 'method', 'binding'] as const;

/** A URI that `operationName` reads as the same operation. */
const OPERATION_URI: Readonly<Record<string, string>> = { embeddings: '/embeddings', text_completion: '/completions', chat: '/chat' };

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * A stored leaf: what the aggregator can read from it and nothing more. Strings are cut where the
 * aggregator cuts them; objects and arrays (never read as a leaf) become null, so a hostile entry (a
 * name nested 10 000 deep) cannot make the log's JSON.stringify run out of stack and refuse the batch.
 */
function leaf(v: unknown): Slot {
  if (typeof v === 'string') return capped(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

function tuple(o: unknown, keys: readonly string[]): Tuple | null {
  if (!isObject(o)) return null;
  const t = new Array<Slot>(keys.length);
  for (let i = 0; i < keys.length; i++) t[i] = keys[i] === 'error' ? o[keys[i]] : leaf(o[keys[i]]);
  return t;
}

function object(t: unknown, keys: readonly string[]): JsonObject | undefined {
  if (!Array.isArray(t)) return undefined;
  const o: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) if (t[i] !== null && t[i] !== undefined) o[keys[i]] = t[i];
  return o;
}

/** An RPC `error` keeps only what becomes its attribute: a JSON-RPC error object's numeric code, never its message. */
function rpcError(v: unknown): unknown {
  if (Array.isArray(v)) return [];
  if (isObject(v)) return typeof v.code === 'number' ? { code: v.code } : {};
  return typeof v === 'string' ? capped(v) : v;
}

function items(list: unknown, keys: readonly string[]): Tuple[] | null {
  if (!Array.isArray(list)) return null;
  return (list as unknown[]).map((item) => {
    const t = tuple(item, keys);
    if (t !== null) {
      const e = keys.indexOf('error');
      if (e >= 0) t[e] = rpcError(t[e]);
    }
    return t as Tuple;
  });
}

function unitems(list: unknown, keys: readonly string[]): unknown[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as unknown[]).map((t) => object(t, keys) ?? null);
}

function call(name: string | null, c: JsonObject): Tuple {
  return [name, tuple(c.meta, META), tuple(c.usage, USAGE), tuple(c.cache, CACHE), tuple(c['rag-inject'], RAG), tuple(c['aws-guardrails'], GUARDRAILS)];
}

function uncall(t: Tuple): JsonObject {
  const o: Record<string, unknown> = {};
  const parts: [string, readonly string[]][] = [['meta', META], ['usage', USAGE], ['cache', CACHE], ['rag-inject', RAG], ['aws-guardrails', GUARDRAILS]];
  parts.forEach(([key, keys], i) => {
    const v = object(t[i + 1], keys);
    if (v !== undefined) o[key] = v;
  });
  return o;
}

function ai(a: JsonObject): Tuple {
  // Kong 3.6 logs one call flat in `ai`; later versions key each plugin's call by name.
  const flat = isObject(a.meta) || isObject(a.usage);
  const calls: Tuple[] = [];
  if (flat) calls.push(call(null, a));
  else {
    for (const name in a) {
      if (NOT_CALLS.has(name)) continue;
      const c = a[name];
      if (isObject(c) && (isObject(c.meta) || isObject(c.usage))) calls.push(call(name, c));
    }
  }
  const mcp = isObject(a.mcp) ? [items(a.mcp.rpc, MCP_RPC), items(a.mcp.audit, MCP_AUDIT)] : null;
  const a2a = isObject(a.a2a) ? [items(a.a2a.rpc, A2A_RPC)] : null;
  return [flat, calls, mcp, a2a];
}

function unai(t: Tuple): JsonObject {
  const [flat, calls, mcp, a2a] = t;
  let o: Record<string, unknown> = {};
  for (const c of (calls as Tuple[] | null) ?? []) {
    if (flat === true) o = { ...uncall(c) };
    else o[String(c[0])] = uncall(c);
  }
  if (Array.isArray(mcp)) {
    const m: Record<string, unknown> = {};
    const rpc = unitems(mcp[0], MCP_RPC);
    const audit = unitems(mcp[1], MCP_AUDIT);
    if (rpc !== undefined) m.rpc = rpc;
    if (audit !== undefined) m.audit = audit;
    o.mcp = m;
  }
  if (Array.isArray(a2a)) {
    const rpc = unitems(a2a[0], A2A_RPC);
    o.a2a = rpc === undefined ? {} : { rpc };
  }
  return o;
}

function encode(e: KongLogEntry): Tuple {
  const request = isObject(e.request) ? e.request : undefined;
  const response = isObject(e.response) ? e.response : undefined;
  const latencies = isObject(e.latencies) ? e.latencies : undefined;
  const aiObject = isObject(e.ai) ? e.ai : undefined;
  const consumer = isObject(e.consumer) ? e.consumer : undefined;
  const isHttp = request !== undefined || response !== undefined;
  return [
    isObject(e.service) ? leaf(e.service.name) : null,
    isObject(e.route) ? leaf(e.route.name) : null,
    leaf(text(e.workspace_name) ?? e.workspace),
    consumer === undefined ? null : [leaf(consumer.username), leaf(consumer.custom_id), leaf(consumer.id)],
    request === undefined ? null : [leaf(request.method), leaf(request.size), aiObject === undefined ? null : operationName(request.uri)],
    response === undefined ? null : [statusCode(response.status) ?? null, leaf(response.size)],
    latencies === undefined ? null : [leaf(latencies.request), leaf(latencies.kong), leaf(latencies.proxy)],
    isHttp ? responseSource(e.source, e.upstream_status, nonNegative(latencies?.proxy)) : null,
    aiObject === undefined ? null : ai(aiObject),
  ];
}

function decode(t: Tuple): KongLogEntry {
  const e: Record<string, unknown> = {};
  if (t[0] !== null) e.service = { name: t[0] };
  if (t[1] !== null) e.route = { name: t[1] };
  if (t[2] !== null) e.workspace_name = t[2];
  const consumer = object(t[3], ['username', 'custom_id', 'id']);
  if (consumer !== undefined) e.consumer = consumer;
  if (Array.isArray(t[4])) {
    const [method, size, operation] = t[4] as Tuple;
    e.request = { method, size, uri: typeof operation === 'string' ? OPERATION_URI[operation] : undefined };
  }
  if (Array.isArray(t[5])) e.response = { status: t[5][0], size: t[5][1] };
  if (Array.isArray(t[6])) e.latencies = { request: t[6][0], kong: t[6][1], proxy: t[6][2] };
  if (t[7] !== null) e.source = t[7];
  if (Array.isArray(t[8])) e.ai = unai(t[8] as Tuple);
  return e;
}

/** The log record of a batch of entries. */
export function encodeEntries(entries: readonly KongLogEntry[]): string {
  const out = new Array<Tuple>(entries.length);
  for (let i = 0; i < entries.length; i++) out[i] = encode(entries[i]);
  return JSON.stringify(out);
}

/** The entries of a log record, in a shape the aggregator reads as it read the originals; undefined if it is not one. */
export function decodeEntries(text: string): KongLogEntry[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => Array.isArray(t) && t.length === 9)) return undefined;
  return (parsed as Tuple[]).map(decode);
}
