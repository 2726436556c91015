import { type Attributes, ValueType } from '@opentelemetry/api';
import { isObject, type JsonObject, type KongLogEntry } from '../../../core/index.js';
import { KONG_PLUGIN_FAMILIES as F, type KongPluginFamily } from '../../../core/kong/plugin_families.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { AttributeTrie } from '../attribute_trie.js';
import { object, scalar } from '../entry_shape.js';
import { histogram, type HistogramInstrument, sum, type SumInstrument } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { capped, EMPTY, nonNegative, OTHER, size } from '../values.js';
import { INVALID_STATUS, responseSource, STATUS_LEAF, statusCode } from './http.js';

/**
 * `naming: kong`: the families Kong's Prometheus plugin derives from an entry, recorded the way its
 * `log()` records them (Kong/kong@22246ef2 `kong/plugins/prometheus/exporter.lua`, and `handler.lua` for
 * what it reads), so a percentile or a rate over kongtel's series equals the one over Kong's own:
 * - an entry without a `route` is not counted at all;
 * - a label Kong prints as `""` is left off the attributes, as the Collector's `prometheus` receiver and
 *   Prometheus itself drop empty labels (the prometheus exporter prints Kong's full label set again);
 *   `service` is the service's name,
 *   else its host; `route` its name, else its id; `workspace` only `workspace_name`;
 * - `consumer` is the consumer's username (Kong's `per_consumer`), else its custom_id (EE 3.12);
 *   excluding `kong.auth.consumer.name` leaves it `""`, as `per_consumer: false` does;
 * - `source` is `service` when the upstream answered, `kong` otherwise;
 * - latencies in milliseconds into Kong's buckets, observed when ≥ 0; bandwidth when > 0;
 * - a stream entry gives the stream families, never bandwidth (Kong's handler reads no sizes for them).
 * The AI and MCP families are in kong_plugin_ai.ts. Instruments are named as the Collector's `prometheus`
 * receiver names Kong's scraped families, unit-less as Kong prints no `# UNIT`.
 */

/** kongtel's attribute whose exclusion empties each common Kong label. */
export const LABEL_ATTRIBUTES = {
  service: 'kong.service.name',
  route: 'kong.route.name',
  workspace: 'kong.workspace.name',
  consumer: 'kong.auth.consumer.name',
} as const;

export function familySum(f: KongPluginFamily, double = false): SumInstrument {
  return sum(f.name, '', f.help, double ? ValueType.DOUBLE : ValueType.INT);
}

export function familyHistogram(f: KongPluginFamily): HistogramInstrument {
  return histogram(f.name, '', f.help, f.bounds ?? []);
}

const INSTRUMENTS = {
  httpRequests: familySum(F.httpRequests),
  streamSessions: familySum(F.streamSessions),
  kongLatency: familyHistogram(F.kongLatency),
  upstreamLatency: familyHistogram(F.upstreamLatency),
  requestLatency: familyHistogram(F.requestLatency),
  sessionDuration: familyHistogram(F.sessionDuration),
  bandwidth: familySum(F.bandwidth),
} as const;

export const KONG_PLUGIN: SectionDeclaration = {
  attributes: {},
  instruments: INSTRUMENTS,
  // What the other sections do not read already (the declarations are merged).
  fields: object({
    service: object({ host: scalar }),
    route: object({ id: scalar }),
    latencies: object({ session: scalar }),
    session: object({ status: STATUS_LEAF }),
  }),
};

/** A label value as Kong prints it: the string as logged (cut), a number as its text, else "". */
export function label(v: unknown): string {
  if (typeof v === 'string') return capped(v);
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/**
 * Lua's `a or b` for a label: `a` when it is a value a label can show (a string, "" included as in Lua,
 * or a finite number), else `b`. A table there would print as Lua's `table: 0x…`; kongtel takes it as
 * absent, as it does `1e999` (Infinity, which the write-ahead log stores as absent).
 */
function either(a: unknown, b: unknown): unknown {
  return typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a)) ? a : b;
}

/** Kong's `code` label: the status as logged; one `_OTHER` series for values that are no status code. */
function code(v: unknown): string | undefined {
  const status = statusCode(v);
  if (status === undefined) return undefined;
  return status === INVALID_STATUS ? OTHER : String(status);
}

/** The common labels of the current entry. */
export class KongLabels {
  service = '';
  route = '';
  workspace = '';
  consumer = '';
  code = '';
  source = '';
  direction = '';
}

/** Kong's labels of a series, without those that are `""` (Kong's "nothing"). */
export function labels(pairs: Readonly<Record<string, string>>): Attributes {
  const a: Attributes = {};
  for (const k in pairs) if (pairs[k] !== '') a[k] = pairs[k];
  return a;
}

function routeLabels(l: KongLabels): Attributes {
  return labels({ service: l.service, route: l.route, workspace: l.workspace });
}

export class KongPlugin {
  readonly l = new KongLabels();
  private readonly keep: Readonly<Record<keyof typeof LABEL_ATTRIBUTES, boolean>>;
  private readonly routes: AttributeTrie;
  private readonly statusSet: AttributeSet;
  private readonly streamSet: AttributeSet;
  private readonly bandwidthSet: AttributeSet;
  private readonly requests: SumSlot<KongLabels>;
  private readonly sessions: SumSlot<KongLabels>;
  private readonly ingress: SumSlot<KongLabels>;
  private readonly egress: SumSlot<KongLabels>;
  private readonly kongLatency: HistogramSlot<KongLabels>;
  private readonly upstreamLatency: HistogramSlot<KongLabels>;
  private readonly requestLatency: HistogramSlot<KongLabels>;
  private readonly sessionDuration: HistogramSlot<KongLabels>;

  constructor(
    private readonly rec: Recorder,
    o: SectionOptions,
  ) {
    const I = INSTRUMENTS;
    const l = this.l;
    this.keep = kept(LABEL_ATTRIBUTES, o.excluded);
    const routeSet = rec.set();
    this.routes = rec.root(routeSet);
    this.requestLatency = routeSet.histogram(rec.histogram(I.requestLatency), l, routeLabels);
    this.upstreamLatency = routeSet.histogram(rec.histogram(I.upstreamLatency), l, routeLabels);
    this.kongLatency = routeSet.histogram(rec.histogram(I.kongLatency), l, routeLabels);
    this.sessionDuration = routeSet.histogram(rec.histogram(I.sessionDuration), l, routeLabels);
    this.statusSet = rec.set();
    this.requests = this.statusSet.sum(rec.sum(I.httpRequests), l, (x) =>
      labels({ service: x.service, route: x.route, code: x.code, source: x.source, workspace: x.workspace, consumer: x.consumer }),
    );
    this.streamSet = rec.set();
    this.sessions = this.streamSet.sum(rec.sum(I.streamSessions), l, (x) =>
      labels({ service: x.service, route: x.route, code: x.code, source: x.source, workspace: x.workspace }),
    );
    this.bandwidthSet = rec.set();
    const bandwidth = rec.sum(I.bandwidth);
    const direction = (d: string) => (x: KongLabels): Attributes =>
      labels({ service: x.service, route: x.route, direction: d, workspace: x.workspace, consumer: x.consumer });
    this.ingress = this.bandwidthSet.sum(bandwidth, l, direction('ingress'));
    this.egress = this.bandwidthSet.sum(bandwidth, l, direction('egress'));
  }

  /** Records the entry's request families; false when Kong would not count it (no route). */
  record(e: KongLogEntry, request: JsonObject | undefined, response: JsonObject | undefined): boolean {
    const route = e.route;
    if (!isObject(route)) return false;
    const l = this.l;
    const keep = this.keep;
    const rec = this.rec;
    const service = isObject(e.service) ? e.service : undefined;
    l.service = keep.service && service !== undefined ? label(either(service.name, service.host)) : '';
    l.route = keep.route ? label(either(route.name, route.id)) : '';
    l.workspace = keep.workspace ? label(e.workspace_name) : '';
    const consumer = isObject(e.consumer) ? e.consumer : EMPTY;
    l.consumer = keep.consumer ? label(either(consumer.username, consumer.custom_id)) : '';
    const latencies = isObject(e.latencies) ? e.latencies : EMPTY;
    const upstreamMs = nonNegative(latencies.proxy);
    const kongMs = nonNegative(latencies.kong);
    l.source = responseSource(e.source, e.upstream_status, upstreamMs) === 'upstream' ? 'service' : 'kong';
    const r = this.routes.find3(l.service, l.route, l.workspace);
    const session = isObject(e.session) ? e.session : undefined;
    if (session !== undefined && request === undefined && response === undefined) {
      const status = code(session.status);
      if (status !== undefined) {
        l.code = status;
        rec.add(this.sessions, rec.below(r, this.streamSet).find2(l.code, l.source), 1);
      }
      const sessionMs = nonNegative(latencies.session);
      if (sessionMs !== undefined) rec.record(this.sessionDuration, r, sessionMs);
    } else {
      const ingress = request !== undefined ? size(request.size) : undefined;
      const egress = response !== undefined ? size(response.size) : undefined;
      if ((ingress !== undefined && ingress > 0) || (egress !== undefined && egress > 0)) {
        const b = rec.below(r, this.bandwidthSet).find1(l.consumer);
        if (ingress !== undefined && ingress > 0) rec.add(this.ingress, b, ingress);
        if (egress !== undefined && egress > 0) rec.add(this.egress, b, egress);
      }
      const status = response !== undefined ? code(response.status) : undefined;
      if (status !== undefined) {
        l.code = status;
        rec.add(this.requests, rec.below(r, this.statusSet).find3(l.code, l.source, l.consumer), 1);
      }
      const requestMs = nonNegative(latencies.request);
      if (requestMs !== undefined) rec.record(this.requestLatency, r, requestMs);
      if (upstreamMs !== undefined) rec.record(this.upstreamLatency, r, upstreamMs);
    }
    if (kongMs !== undefined) rec.record(this.kongLatency, r, kongMs);
    return true;
  }
}
