import { isObject, type JsonObject, type KongLogEntry } from '../../core/index.js';
import { KONG_TWIN_INSTRUMENTS } from '../../core/kong/prometheus_names.js';
import type { SetNode } from './attribute_trie.js';
import type { AnyMetric, SeriesBudget } from './metric_store.js';
import type { PriceTable } from './pricing.js';
import { type OverflowListener, Recorder } from './recorder.js';
import { A2a } from './sections/a2a.js';
import { Cache } from './sections/cache.js';
import { Common } from './sections/common.js';
import { GenAi, isCallObject, NOT_CALLS } from './sections/genai.js';
import { Guardrails } from './sections/guardrails.js';
import { Http } from './sections/http.js';
import { KongPlugin } from './sections/kong_plugin.js';
import { KongPluginAi } from './sections/kong_plugin_ai.js';
import { Mcp } from './sections/mcp.js';
import { Sizes } from './sections/sizes.js';
import { EMPTY } from './values.js';

export interface AggregatorOptions {
  /** `exclude_attributes`. */
  readonly excluded: readonly string[];
  /** `http.request.method` values kept as they are; any other method is `_OTHER`. */
  readonly knownMethods: ReadonlySet<string>;
  readonly prices: PriceTable;
  readonly tokenUsageAs: 'sum' | 'histogram';
  /** Bucket overrides by histogram name. */
  readonly buckets: Readonly<Record<string, readonly number[]>>;
  readonly maxSeriesPerMetric: number;
  readonly maxSeries: number;
  readonly onOverflow: OverflowListener;
  /** `kong`: Kong's Prometheus-plugin families instead of the OTel instruments that have a Kong twin. */
  readonly naming: 'otel' | 'kong';
}


/**
 * Turns Kong log entries into series values (metric-mapping.md), one section of the entry at a time
 * (sections/). Per entry: each section reads its fields once, finds each of its attribute sets once
 * (shared by every instrument of that set) and adds to plain numbers. No SDK instruments: their per-call
 * attribute hashing costs more than this whole path.
 */
export class KongEntryAggregator {
  private readonly rec: Recorder;
  private readonly common: Common;
  private readonly http: Http;
  private readonly sizes: Sizes;
  private readonly genai: GenAi;
  private readonly cache: Cache;
  private readonly guardrails: Guardrails;
  private readonly mcp: Mcp;
  private readonly a2a: A2a;
  private readonly kong: KongPlugin | undefined;
  private readonly kongAi: KongPluginAi | undefined;
  /** Whether Kong's plugin counts the current entry (`naming: kong`; it skips entries without a route). */
  private kongCounts = false;

  constructor(opts: AggregatorOptions) {
    const kong = opts.naming === 'kong';
    const rec = (this.rec = new Recorder({ ...opts, replaced: kong ? KONG_TWIN_INSTRUMENTS : undefined }));
    const o = { ...opts, excluded: new Set(opts.excluded) };
    // Constructed in the order their metrics are emitted.
    if (kong) {
      this.kong = new KongPlugin(rec, o);
      this.kongAi = new KongPluginAi(rec, this.kong.l, o);
    }
    this.common = new Common(rec, o.excluded);
    this.http = new Http(rec, this.common, o);
    this.sizes = new Sizes(rec, this.common);
    this.genai = new GenAi(rec, this.common, this.http.f, o);
    this.cache = new Cache(rec, this.genai.f, o);
    this.guardrails = new Guardrails(rec, this.common.f, o);
    this.mcp = new Mcp(rec, this.common.f, o);
    this.a2a = new A2a(rec, this.common.f, o);
  }

  /** Every metric, in emission order. */
  get metrics(): readonly AnyMetric[] {
    return this.rec.metrics;
  }

  /** Series of every metric together, against `max_series`. */
  get seriesBudget(): SeriesBudget {
    return this.rec.seriesBudget;
  }

  /**
   * Aggregates a batch; `now` (epoch ms) becomes the start time of series it creates. Returns the
   * indexes of entries that could not be read (none expected: every field is type-checked).
   */
  aggregate(entries: readonly KongLogEntry[], now: number): number[] {
    this.rec.now = now;
    let failed: number[] | undefined;
    for (let i = 0; i < entries.length; i++) {
      try {
        this.entry(entries[i]);
      } catch {
        (failed ??= []).push(i);
      }
    }
    return failed ?? [];
  }

  private entry(e: KongLogEntry): void {
    const request = isObject(e.request) ? e.request : undefined;
    const response = isObject(e.response) ? e.response : undefined;
    const latencies = isObject(e.latencies) ? e.latencies : EMPTY;
    this.kongCounts = this.kong?.record(e, request, response) ?? false;
    const r = this.common.read(e);
    this.http.record(e, request, response, latencies, r);
    if (request !== undefined || response !== undefined) {
      const c = this.common.consumer(r);
      this.sizes.record(request, response, c);
      this.http.request(c);
    }
    const ai = e.ai;
    if (isObject(ai)) this.ai(ai, request, r);
  }

  private ai(ai: JsonObject, request: JsonObject | undefined, r: SetNode): void {
    this.genai.read(request);
    if (isCallObject(ai)) {
      // Kong 3.6: `ai` itself is the one call object.
      this.call(ai);
    } else {
      for (const name in ai) {
        if (NOT_CALLS.has(name)) continue;
        const call = ai[name];
        if (isObject(call) && isCallObject(call)) this.call(call);
      }
    }
    if (isObject(ai.mcp)) {
      this.mcp.record(ai.mcp, r);
      if (this.kongCounts) this.kongAi?.mcp(ai.mcp);
    }
    if (isObject(ai.a2a)) this.a2a.record(ai.a2a, r);
  }

  /** One AI plugin object. */
  private call(call: JsonObject): void {
    if (this.kongCounts) this.kongAi?.call(call);
    const g = this.genai.record(call);
    this.cache.record(call, g);
    const guardrails = call['aws-guardrails'];
    if (isObject(guardrails)) this.guardrails.record(guardrails);
  }
}
