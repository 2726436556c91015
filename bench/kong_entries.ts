import { readFileSync } from 'node:fs';

/**
 * Realistic Kong log entries for load tests and benchmarks: the verbatim 3.8 docs sample and the 3.10
 * AI Proxy fixture, varied in service, route, status, consumer, latencies, sizes and tokens by a seeded
 * generator, so a run is repeatable and a test can compute the exact totals it expects from the input.
 */

const TESTDATA = new URL('../../test/testdata/kong/', import.meta.url);
const TESTDATA_SRC = new URL('../test/testdata/kong/', import.meta.url);

function readFixture(name: string): Record<string, unknown> {
  for (const base of [TESTDATA_SRC, TESTDATA]) {
    try {
      return JSON.parse(readFileSync(new URL(name, base), 'utf8')) as Record<string, unknown>;
    } catch {
      // try the other location (running from source or from dist/)
    }
  }
  throw new Error(`fixture ${name} not found under test/testdata/kong/`);
}

/** mulberry32: a tiny seeded PRNG, so generated loads are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedEntry {
  readonly entry: Record<string, unknown>;
  readonly service: string;
  readonly route: string;
  readonly status: number;
  readonly requestMs: number;
  readonly requestSize: number;
  readonly ai?: { readonly provider: string; readonly model: string; readonly promptTokens: number; readonly completionTokens: number; readonly cost: number };
}

const SERVICES = ['orders', 'payments', 'search', 'llm-gateway', 'catalog'];
const STATUSES = [200, 200, 200, 200, 201, 204, 404, 429, 500, 502];
const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4'],
  ['cohere', 'command'],
] as const;

export class KongEntryGenerator {
  private readonly plain = readFixture('kong-3.8-plain.json');
  private readonly ai = readFixture('ai-3.10-proxy-openai-chat-transcribed.json');
  private readonly rand: () => number;

  constructor(seed = 42) {
    this.rand = seededRandom(seed);
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  /** One entry; `withAi` picks the AI Proxy shape. */
  next(withAi: boolean): GeneratedEntry {
    const template = withAi ? this.ai : this.plain;
    const entry = structuredClone(template);
    const service = SERVICES[this.int(0, SERVICES.length - 1)];
    const route = `${service}-route-${this.int(1, 4)}`;
    const status = STATUSES[this.int(0, STATUSES.length - 1)];
    const proxy = this.int(1, 900);
    const kong = this.int(0, 20);
    const requestMs = proxy + kong + this.int(0, 5);
    const requestSize = this.int(200, 5000);
    (entry.service as Record<string, unknown>).name = service;
    (entry.route as Record<string, unknown>).name = route;
    (entry.response as Record<string, unknown>).status = status;
    (entry.response as Record<string, unknown>).size = this.int(100, 20000);
    (entry.request as Record<string, unknown>).size = requestSize;
    entry.latencies = { kong, proxy, request: requestMs, receive: 1 };
    if (this.rand() < 0.3) entry.consumer = { id: `c-${this.int(1, 20)}`, username: `user-${this.int(1, 20)}` };
    else delete entry.consumer;
    if (!withAi) return { entry, service, route, status, requestMs, requestSize };

    const [provider, model] = MODELS[this.int(0, MODELS.length - 1)];
    const promptTokens = this.int(5, 2000);
    const completionTokens = this.int(1, 800);
    const cost = (promptTokens * 2.5 + completionTokens * 10) / 1e6;
    const proxyObj = (entry.ai as Record<string, Record<string, Record<string, unknown>>>).proxy;
    proxyObj.meta = { ...proxyObj.meta, provider_name: provider, request_model: model, response_model: model, llm_latency: proxy };
    proxyObj.usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      cost,
      time_per_token: proxy / completionTokens,
    };
    return { entry, service, route, status, requestMs, requestSize, ai: { provider, model, promptTokens, completionTokens, cost } };
  }

  /** `n` entries, every other one (by `aiShare`) with an AI section. */
  many(n: number, aiShare = 0.5): GeneratedEntry[] {
    const out: GeneratedEntry[] = [];
    for (let i = 0; i < n; i++) out.push(this.next(this.rand() < aiShare));
    return out;
  }
}
