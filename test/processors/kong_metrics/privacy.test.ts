import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObject, type KongLogEntry } from '../../../core/index.js';
import { aiCall, aiEntry } from './entries.js';
import { emitted, KONG_FIXTURES, loadEntries } from './harness.js';

/**
 * No attribute may carry payloads, headers, query strings, client IPs, sanitizer findings, faulty prompts
 * or consumer ids beyond the `kong.auth.consumer.name` rule (kong-log-format.md §7.11).
 */

/** Every string (and number) inside a value, recursively. */
function leaves(v: unknown, out: Set<string>): Set<string> {
  if (typeof v === 'string' || typeof v === 'number') out.add(String(v));
  else if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) leaves(x, out);
  return out;
}

/** The values of an entry that must never become attribute values. */
function secrets(e: KongLogEntry): Set<string> {
  const out = new Set<string>();
  const request = isObject(e.request) ? e.request : {};
  const response = isObject(e.response) ? e.response : {};
  leaves(e.client_ip, out);
  leaves(request.headers, out);
  leaves(response.headers, out);
  leaves(request.querystring, out);
  leaves(request.uri, out);
  leaves(request.url, out);
  leaves(e.upstream_uri, out);
  leaves(e.authenticated_entity, out);
  leaves(e.trace_id, out);
  // The consumer's id is only its name when it has neither username nor custom_id.
  if (isObject(e.consumer) && (typeof e.consumer.username === 'string' || typeof e.consumer.custom_id === 'string')) leaves(e.consumer.id, out);
  const visit = (o: unknown, key = ''): void => {
    if (Array.isArray(o)) for (const x of o) visit(x, key);
    if (!isObject(o)) return;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'payload' || k === 'sanitizer' || k.endsWith('_faulty_prompt') || k.endsWith('_faulty_response') ||
          k.endsWith('_block_consumer_id') || k === 'consumer' || k === 'context_id' || k === 'task_id' || k === 'mcp_session_id' ||
          k === 'chunk_ids' || k.endsWith('_block_reason')) {
        leaves(v, out);
      } else {
        visit(v, k);
      }
    }
  };
  visit(e.ai);
  out.delete(''); // an empty header or reason is not a secret, and "" is a legitimate cache status
  return out;
}

/** A synthetic entry carrying every sensitive field with a distinctive value. */
const loaded = aiEntry(
  aiCall({
    cache: { cache_status: 'miss', fetch_latency: 3 },
    extra: {
      payload: { request: 'SECRET-REQUEST-BODY', response: 'SECRET-RESPONSE-BODY' },
      'aws-guardrails': {
        guardrails_id: 'gr-1',
        input_processing_latency: 20,
        input_faulty_prompt: 'SECRET-FAULTY-PROMPT',
        output_faulty_response: 'SECRET-FAULTY-RESPONSE',
        input_block_reason: 'SECRET-BLOCK-REASON',
        input_block_consumer_id: 'SECRET-BLOCK-CONSUMER',
      },
    },
  }),
  {
    client_ip: '203.0.113.77',
    consumer: { username: 'carol', id: 'SECRET-CONSUMER-UUID', custom_id: 'SECRET-CUSTOM-ID' },
    authenticated_entity: { id: 'SECRET-CREDENTIAL', consumer_id: 'SECRET-CONSUMER-UUID' },
    request: {
      method: 'POST',
      uri: '/v1/chat/completions?api_key=SECRET-QS',
      url: 'https://kong/v1/chat/completions?api_key=SECRET-QS',
      size: 10,
      querystring: { api_key: 'SECRET-QS' },
      headers: { 'x-api-key': 'SECRET-HEADER', cookie: 'SECRET-COOKIE' },
    },
    response: { status: 200, size: 10, headers: { 'set-cookie': 'SECRET-SET-COOKIE' } },
  },
);
const withAiSections: KongLogEntry = {
  ...loaded,
  ai: {
    ...(loaded.ai as Record<string, unknown>),
    payload: { request: 'SECRET-TOP-PAYLOAD' },
    sanitizer: { pii_identified: 1, sanitized_items: [{ entity_type: 'EMAIL', original: 'SECRET@example.com', sanitized: '[REDACTED]' }] },
    mcp: {
      mcp_session_id: 'SECRET-SESSION',
      rpc: [{ method: 'tools/call', tool_name: 't', latency: 2, payload: { request: 'SECRET-MCP-REQ', response: 'SECRET-MCP-RES' } }],
      audit: [{ primitive: 'tool', primitive_name: 't', action: 'deny', consumer: { id: 'SECRET-AUDIT-CONSUMER', name: 'SECRET-AUDIT-NAME' } }],
    },
    a2a: { rpc: [{ method: 'message/send', binding: 'rest', latency: 5, context_id: 'SECRET-CTX', task_id: 'SECRET-TASK', payload: { request: 'SECRET-A2A' } }] },
  },
};

const cases: [string, KongLogEntry[]][] = [
  ...readdirSync(KONG_FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f): [string, KongLogEntry[]] => [f, loadEntries(f)]),
  ['synthetic entry with every sensitive field', [withAiSections]],
];

describe('no attribute carries personal data or payloads', () => {
  it.each(cases)('%s', async (_name, entries) => {
    const forbidden = new Set<string>();
    for (const e of entries) for (const s of secrets(e)) forbidden.add(s);
    expect(forbidden.size).toBeGreaterThan(0); // client_ip at least
    const m = await emitted(entries);
    for (const metric of m.values()) {
      for (const p of metric.dataPoints) {
        for (const [name, value] of Object.entries(p.attributes)) {
          expect(forbidden.has(String(value)), `${metric.descriptor.name} ${name}=${String(value)}`).toBe(false);
        }
      }
    }
    expect(m.size).toBeGreaterThan(0);
  });

  it('the synthetic entry still produced its instruments (so the check above saw them)', async () => {
    const m = await emitted([withAiSections]);
    for (const name of ['kong.gen_ai.aws.guardrails.latency', 'mcp.server.operation.duration', 'kong.gen_ai.mcp.acl.denied', 'kong.gen_ai.a2a.request.count']) {
      expect(m.has(name), name).toBe(true);
    }
    const consumers = new Set([...m.values()].flatMap((x) => x.dataPoints.map((p) => p.attributes['kong.auth.consumer.name'])).filter(Boolean));
    expect([...consumers]).toEqual(['carol']);
  });
});
