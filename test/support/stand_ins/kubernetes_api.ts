import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A Kubernetes API server's list and watch calls for pods, services, endpoints (core/v1) and
 * endpointslices (discovery.k8s.io/v1), over
 * HTTPS on loopback, answering as the API reference documents them: a `<Kind>List` with
 * `metadata.resourceVersion` (paged with `limit`/`continue`), a chunked stream of one WatchEvent per
 * line for `?watch=true&resourceVersion=…`, an ERROR event with a 410 Status for a version older than
 * the last compaction, 401 Status without the bearer token. Label selectors `k=v`, `k!=v` and `k` and
 * equality field selectors are applied. No API server runs on this machine; the objects a test serves
 * are fixtures written after the API reference's examples (test/testdata/kubernetes/).
 */

export type Resource = 'pods' | 'services' | 'endpoints' | 'endpointslices';

export interface KubeObject {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Readonly<Record<string, string>>; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

export interface SeenRequest {
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly watch: boolean;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
}

interface OpenWatch {
  readonly resource: Resource;
  readonly namespace: string | undefined;
  readonly query: URLSearchParams;
  readonly res: ServerResponse;
}

const KINDS: Readonly<Record<Resource, string>> = { pods: 'Pod', services: 'Service', endpoints: 'Endpoints', endpointslices: 'EndpointSlice' };

export class KubernetesApiStandIn {
  readonly requests: SeenRequest[] = [];
  private readonly objects = new Map<Resource, Map<string, KubeObject>>([['pods', new Map()], ['services', new Map()], ['endpoints', new Map()], ['endpointslices', new Map()]]);
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Duplex>();
  private readonly faults: number[] = [];
  private version = 100;
  private compactedAt = 0;
  private server: https.Server | undefined;

  constructor(
    private readonly tls: { key: Buffer; cert: Buffer },
    private readonly token: string,
  ) {}

  get origin(): string {
    return `https://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  /** Watches open now. */
  get openWatches(): number {
    return this.watches.size;
  }

  async start(): Promise<this> {
    const server = https.createServer(this.tls, (req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    return this;
  }

  async close(): Promise<void> {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }

  /** Create or replace an object; open watches that select it get ADDED or MODIFIED. */
  put(resource: Resource, object: KubeObject): void {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    const store = this.objects.get(resource) as Map<string, KubeObject>;
    const type = store.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = this.stamp(resource, object);
    store.set(key, stored);
    this.send(resource, type, stored);
  }

  remove(resource: Resource, namespace: string, name: string): void {
    const store = this.objects.get(resource) as Map<string, KubeObject>;
    const object = store.get(`${namespace}/${name}`);
    if (object === undefined) return;
    store.delete(`${namespace}/${name}`);
    this.send(resource, 'DELETED', this.stamp(resource, object));
  }

  /** Compact history: every open watch gets ERROR 410 Gone and ends; watching from an older version gets the same. */
  expireWatches(): void {
    this.compactedAt = this.version;
    for (const w of this.watches) this.gone(w.res);
    this.watches.clear();
  }

  /** End every open watch normally, as the server does at a watch's timeoutSeconds. */
  endWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** Write `text` as it is into every open watch: a broken proxy, a truncated event. */
  writeRaw(text: string): void {
    for (const w of this.watches) w.res.write(text);
  }

  /** Answer the next `n` calls with `status` (a Status body). */
  failNext(n: number, status: number): void {
    for (let i = 0; i < n; i++) this.faults.push(status);
  }

  private stamp(resource: Resource, object: KubeObject): KubeObject {
    this.version += 1;
    return { apiVersion: resource === 'endpointslices' ? 'discovery.k8s.io/v1' : 'v1', kind: KINDS[resource], ...object, metadata: { ...object.metadata, resourceVersion: String(this.version) } };
  }

  private send(resource: Resource, type: string, object: KubeObject): void {
    for (const w of this.watches) {
      if (w.resource === resource && (w.namespace === undefined || w.namespace === object.metadata.namespace) && selects(w.query, object)) {
        w.res.write(`${JSON.stringify({ type, object })}\n`);
      }
    }
  }

  private status(res: ServerResponse, code: number, reason: string): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: reason, reason, code }));
  }

  private gone(res: ServerResponse): void {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 };
    res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://stand-in');
    const m = /^\/(?:api\/v1|apis\/discovery\.k8s\.io\/v1)\/(?:namespaces\/([^/]+)\/)?(pods|services|endpoints|endpointslices)$/.exec(url.pathname);
    const watch = url.searchParams.get('watch') === 'true';
    this.requests.push({ resource: m?.[2] ?? url.pathname, namespace: m?.[1], watch, query: url.searchParams, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, 'Unauthorized');
    const fault = this.faults.shift();
    if (fault !== undefined) return this.status(res, fault, 'InternalError');
    if (m === null || req.method !== 'GET') return this.status(res, 404, 'NotFound');
    const resource = m[2] as Resource;
    const namespace = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    const selected = [...(this.objects.get(resource) as Map<string, KubeObject>).values()].filter(
      (o) => (namespace === undefined || o.metadata.namespace === namespace) && selects(url.searchParams, o),
    );
    if (!watch) return this.list(res, resource, selected, url.searchParams);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (Number(url.searchParams.get('resourceVersion') ?? '0') < this.compactedAt) return this.gone(res);
    const w: OpenWatch = { resource, namespace, query: url.searchParams, res };
    this.watches.add(w);
    res.once('close', () => this.watches.delete(w));
  }

  private list(res: ServerResponse, resource: Resource, items: KubeObject[], q: URLSearchParams): void {
    const limit = Number(q.get('limit') ?? '0') || items.length;
    const from = Number(q.get('continue') ?? '0');
    const page = items.slice(from, from + limit);
    const next = from + limit < items.length ? String(from + limit) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({ kind: `${KINDS[resource]}List`, apiVersion: 'v1', metadata: { resourceVersion: String(this.version), ...(next ? { continue: next } : {}) }, items: page }),
    );
  }
}

function selects(q: URLSearchParams, o: KubeObject): boolean {
  const labels = o.metadata.labels ?? {};
  for (const term of (q.get('labelSelector') ?? '').split(',').filter((t) => t !== '')) {
    const ne = /^([^!=]+)!=(.*)$/.exec(term);
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    if (ne) {
      if (labels[ne[1] as string] === ne[2]) return false;
    } else if (eq) {
      if (labels[eq[1] as string] !== eq[2]) return false;
    } else if (!(term in labels)) return false;
  }
  for (const term of (q.get('fieldSelector') ?? '').split(',').filter((t) => t !== '')) {
    const [path, want] = term.split('=') as [string, string | undefined];
    let v: unknown = o;
    for (const part of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
    if (String(v) !== want) return false;
  }
  return true;
}
