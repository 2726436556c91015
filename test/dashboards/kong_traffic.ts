import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/processes.js';

/**
 * Kong-shaped traffic for the dashboards: every shared fixture (plain, 0.12, Kong-answered 401/503,
 * PDK edge cases, stream session, AI 3.6–3.14 shapes, cache hit, streaming, MCP), each sent as Kong
 * logged it and in variants over several services, routes, consumers, statuses and latencies, so every
 * label a dashboard groups by has more than one value.
 */

type Json = Record<string, unknown>;

/** The repository's copy of the shared Kong log fixtures (README.md there gives each one's source). */
export const FIXTURES = join(ROOT, 'test/testdata/kong');

/** Every entry of every fixture file (the http-log batch file holds three). */
export function fixtureEntries(): Json[] {
  const out: Json[] = [];
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.json')).sort()) {
    const body = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Json | Json[];
    out.push(...(Array.isArray(body) ? body : [body]));
  }
  return out;
}

const SERVICES = ['orders', 'payments', 'llm-service'];
const ROUTES = ['orders-v1', 'orders-v2', 'chat'];
const CONSUMERS = [undefined, 'team-web', 'team-data'];
const STATUSES = [200, 200, 201, 404, 429, 500, 503];

const at = <T>(list: readonly T[], i: number): T => list[i % list.length];

/** Variant `i` of `entry`: another service, route, consumer, status and scaled latencies. */
export function variant(entry: Json, i: number): Json {
  const e = structuredClone(entry);
  if (e.service && typeof e.service === 'object') (e.service as Json).name = at(SERVICES, i);
  if (e.route && typeof e.route === 'object') (e.route as Json).name = at(ROUTES, i + 1);
  const consumer = at(CONSUMERS, i + 2);
  if (consumer) e.consumer = { username: consumer, id: `id-${consumer}` };
  // AI entries keep mostly 200 so token and cost panels stay fed; plain ones take every status.
  const status = e.ai ? (i % 5 === 4 ? 429 : 200) : at(STATUSES, i);
  if (e.response && typeof e.response === 'object') (e.response as Json).status = status;
  const latencies = e.latencies as Record<string, number> | undefined;
  if (latencies) for (const k of Object.keys(latencies)) if (latencies[k] > 0) latencies[k] = Math.round(latencies[k] * (1 + (i % 7)));
  return e;
}

/**
 * MCP shapes no public sample shows (kong-log-format.md: "No public sample exists of … an MCP entry with
 * `error`"): the 3.13 docs entry with its rpc failed (`error` as the field table describes it) and its
 * ACL decision a deny.
 */
export function mcpFailures(entries: readonly Json[]): Json[] {
  return entries
    .filter((e) => (e.ai as Json | undefined)?.mcp)
    .map((e) => {
      const d = structuredClone(e);
      const mcp = (d.ai as Json).mcp as { rpc: Json[]; audit: Json[] };
      for (const r of mcp.rpc) r.error = 'Invalid Request';
      for (const a of mcp.audit) a.action = 'deny';
      return d;
    });
}

/** One http-log POST body per tick: every fixture entry as is and in the tick's variant. */
export function batchFor(tick: number, entries: readonly Json[]): Json[] {
  return [...entries, ...entries.map((e, j) => variant(e, tick + j)), ...mcpFailures(entries)];
}
