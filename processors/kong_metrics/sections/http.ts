import type { Attributes } from '@opentelemetry/api';
import type { JsonObject, KongLogEntry } from '../../../core/index.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { SetNode } from '../attribute_trie.js';
import { object, reduced, scalar } from '../entry_shape.js';
import { Bounds, histogram, sum } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { capped, known, nonNegative, OTHER, put } from '../values.js';
import { type Common, type CommonFields, consumerAttributes, routeAttributes } from './common.js';

/** The request, the response and Kong's latencies: the request count and the three latency histograms. */

const ATTRIBUTES = {
  requestMethod: 'http.request.method',
  statusCode: 'kong.response.status_code',
  responseSource: 'kong.response.source',
  /** Of the GenAI durations: the status when it is an error (genai.ts). */
  errorType: 'error.type',
} as const;

const INSTRUMENTS = {
  requestCount: sum('http.server.request.count', '{request}', 'HTTP requests handled by Kong.'),
  latencyTotal: histogram('kong.latency.total', 's', 'Time from the first client byte read to the last byte sent.', Bounds.latency),
  latencyInternal: histogram('kong.latency.internal', 's', 'Time Kong spent on the request itself (plugins, routing).', Bounds.latency),
  latencyUpstream: histogram('kong.latency.upstream', 's', 'Upstream time to first response byte; absent when Kong answered itself.', Bounds.latency),
} as const;

/**
 * The semantic conventions' default known methods: those of RFC 9110 §9 and PATCH (RFC 5789), matched
 * case-sensitively (open-telemetry/semantic-conventions@8fdee32, docs/registry/attributes/http.md, note 2).
 * `http_known_methods` replaces the list — a full override, not an addition, as that note requires of an
 * instrumentation that could turn valid methods into `_OTHER` (WebDAV's PROPFIND, for one).
 * `http.request.method_original` is not set: the note asks it of tracing instrumentations only, and on a
 * metric it would bring back the very cardinality `_OTHER` removes.
 */
export const DEFAULT_HTTP_METHODS: readonly string[] = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

/** What `statusCode` returns for a status that is logged but is no HTTP status code. */
export const INVALID_STATUS = 0;

/**
 * `response.status`: an HTTP status code is a three-digit integer, 100–599 (RFC 9110 §15); undefined when
 * absent, INVALID_STATUS for anything else logged there (strings, 0, 600, 1e9, 200.5, objects). An invalid
 * one is no `kong.response.status_code` value, and its `error.type` is `_OTHER`: the semantic conventions
 * count "any other code the client failed to interpret" as an error (docs/http/http-spans.md, Status).
 */
export function statusCode(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599 ? v : INVALID_STATUS;
}

/** A logged status as the log stores it: an invalid one stays invalid, whatever it was. */
export const STATUS_LEAF = reduced('status', (v) => statusCode(v) ?? null);

export const HTTP: SectionDeclaration = {
  attributes: ATTRIBUTES,
  instruments: INSTRUMENTS,
  fields: object({
    request: object({ method: scalar }),
    response: object({ status: STATUS_LEAF }),
    latencies: object({ request: scalar, kong: scalar, proxy: scalar }),
    source: reduced('source', storedSource),
    upstream_status: reduced('upstream-status', storedUpstreamStatus),
  }),
};

/**
 * Who answered: `source` (Kong 3.6+); else `upstream` when `upstream_status` is non-empty (a string such
 * as "200" or "502, 200", or a number for buffered proxying) and `kong` when it is ""; before Kong 3.3 the
 * entry has no `upstream_status` at all, and whether `latencies.proxy` was measured is the only clue.
 */
export function responseSource(source: unknown, upstreamStatus: unknown, upstreamMs: number | undefined): string {
  if (source === 'upstream' || source === 'kong') return source;
  // Kong logs no other value (kong-log-format.md §2); any other string is a client's, and one series each.
  if (typeof source === 'string' && source !== '') return OTHER;
  if (typeof upstreamStatus === 'string') return upstreamStatus.trim() !== '' ? 'upstream' : 'kong';
  if (typeof upstreamStatus === 'number') return 'upstream';
  return upstreamMs !== undefined ? 'upstream' : 'kong';
}

/** `source` as `responseSource` reads it: Kong's two values, `_OTHER` for any other string, else absent. */
function storedSource(v: unknown): string | null {
  if (v === 'upstream' || v === 'kong') return v;
  return typeof v === 'string' && v !== '' ? OTHER : null;
}

/** `upstream_status` as `responseSource` reads it (blank or not, or a number), and only when `source` does not decide. */
function storedUpstreamStatus(v: unknown, entry: JsonObject): string | number | null {
  if (storedSource(entry.source) !== null) return null;
  if (typeof v === 'string') return capped(v.trim());
  return typeof v === 'number' ? 0 : null;
}

/** `error.type` strings of the usual status codes, made once rather than per entry. */
const STATUS_TEXT: readonly string[] = Array.from({ length: 600 }, (_, i) => String(i));

export class HttpFields {
  method: string | undefined = undefined;
  status: number | undefined = undefined;
  source: string | undefined = undefined;
  /** `error.type` of GenAI durations: the status as a string when it is ≥ 400, `_OTHER` when it is none. */
  httpError: string | undefined = undefined;
  /** `latencies.request`, also the GenAI operation duration. */
  totalMs: number | undefined = undefined;
  constructor(readonly common: CommonFields) {}
}

function requestAttributes(f: HttpFields): Attributes {
  const a = consumerAttributes(f.common);
  put(a, ATTRIBUTES.responseSource, f.source);
  put(a, ATTRIBUTES.requestMethod, f.method);
  put(a, ATTRIBUTES.statusCode, f.status);
  return a;
}

export class Http {
  readonly f: HttpFields;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;
  private readonly knownMethods: ReadonlySet<string>;
  private readonly requestSet: AttributeSet;
  private readonly count: SumSlot<HttpFields>;
  private readonly total: HistogramSlot<CommonFields>;
  private readonly internal: HistogramSlot<CommonFields>;
  private readonly upstream: HistogramSlot<CommonFields>;

  constructor(
    private readonly rec: Recorder,
    common: Common,
    o: SectionOptions,
  ) {
    this.f = new HttpFields(common.f);
    this.keep = kept(ATTRIBUTES, o.excluded);
    this.knownMethods = o.knownMethods;
    const I = INSTRUMENTS;
    const route = common.routeSet;
    this.requestSet = rec.set();
    this.count = this.requestSet.sum(rec.sum(I.requestCount), this.f, requestAttributes);
    this.total = route.histogram(rec.histogram(I.latencyTotal), common.f, routeAttributes);
    this.internal = route.histogram(rec.histogram(I.latencyInternal), common.f, routeAttributes);
    this.upstream = route.histogram(rec.histogram(I.latencyUpstream), common.f, routeAttributes);
  }

  /** Reads the request, response and latency fields of `e`; its latencies, into its route set `r`. */
  record(e: KongLogEntry, request: JsonObject | undefined, response: JsonObject | undefined, latencies: JsonObject, r: SetNode): void {
    const f = this.f;
    const keep = this.keep;
    const rec = this.rec;
    const totalMs = (f.totalMs = nonNegative(latencies.request));
    const internalMs = nonNegative(latencies.kong);
    const upstreamMs = nonNegative(latencies.proxy);
    const status = response !== undefined ? statusCode(response.status) : undefined;
    f.method = keep.requestMethod && request !== undefined ? known(request.method, this.knownMethods) : undefined;
    f.status = keep.statusCode && status !== INVALID_STATUS ? status : undefined;
    const isHttp = request !== undefined || response !== undefined;
    f.source = keep.responseSource && isHttp ? responseSource(e.source, e.upstream_status, upstreamMs) : undefined;
    f.httpError =
      keep.errorType && status !== undefined && (status >= 400 || status === INVALID_STATUS)
        ? status === INVALID_STATUS ? OTHER : STATUS_TEXT[status]
        : undefined;
    if (totalMs !== undefined) rec.record(this.total, r, totalMs / 1000);
    if (internalMs !== undefined) rec.record(this.internal, r, internalMs / 1000);
    if (upstreamMs !== undefined) rec.record(this.upstream, r, upstreamMs / 1000);
  }

  /** One HTTP request, below consumer set `c`. */
  request(c: SetNode): void {
    const f = this.f;
    this.rec.add(this.count, this.rec.below(c, this.requestSet).find3(f.source, f.method, f.status), 1);
  }
}
