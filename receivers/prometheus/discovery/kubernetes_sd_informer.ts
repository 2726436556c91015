import { type Clock, errorMessage, type Logger, type Timer } from '../../../core/index.js';
import { ApiStatusError, type KubernetesApi } from './kubernetes_sd_api.js';
import type { ResourceSelector } from './kubernetes_sd_config.js';
import { objectList, watchEvent } from './kubernetes_sd_objects.js';

/**
 * One kind of object in one namespace (or all), kept current the way client-go's reflector does it:
 * list (paged), then watch from the list's resourceVersion (`?watch=true&resourceVersion=…`, one JSON
 * WatchEvent per line: ADDED / MODIFIED / DELETED / BOOKMARK / ERROR), watch again from the last
 * version seen when the server ends the stream, list again on 410 Gone (the version was compacted away),
 * and after a failure back off (1 s doubling to 30 s) and list again. A failure streak is logged once.
 */

export interface InformerOptions<T> {
  readonly api: KubernetesApi;
  /** e.g. /api/v1/namespaces/kong/pods, or /api/v1/pods for every namespace. */
  readonly path: string;
  readonly selector: ResourceSelector;
  readonly parse: (o: unknown) => T | undefined;
  readonly keyOf: (o: T) => string;
  /** Called after the first list and after every change to the store. */
  readonly onChange: () => void;
  readonly logger: Logger;
  readonly clock: Clock;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const PAGE = 500;
/** client-go asks for a watch of 5 to 10 minutes, spread so many clients do not reconnect at once. */
const WATCH_MIN_S = 300;

class Expired extends Error {}

export class Informer<T> {
  readonly store = new Map<string, T>();
  synced = false;
  private resourceVersion = '';
  private readonly abort = new AbortController();
  private sleeping: { timer: Timer; resolve: () => void } | undefined;
  private failing = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: InformerOptions<T>) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.sleeping?.timer.cancel();
    this.sleeping?.resolve();
    await this.loop;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!this.stopped) {
      try {
        await this.list();
        backoff = BACKOFF_MIN_MS;
        for (;;) {
          if (this.stopped) return;
          const started = this.o.clock.now();
          await this.watch();
          // A server that ends every watch at once must not be asked again in a tight loop.
          if (this.o.clock.now() - started < BACKOFF_MIN_MS) await this.sleep(BACKOFF_MIN_MS);
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof Expired) continue;
        if (!this.failing) {
          this.failing = true;
          this.o.logger.warn({ resource: this.o.path, reason: errorMessage(err) }, 'kubernetes_sd: list/watch failed; keeping the last targets found and retrying with backoff');
        }
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.o.selector.label) q.set('labelSelector', this.o.selector.label);
    if (this.o.selector.field) q.set('fieldSelector', this.o.selector.field);
    return `${this.o.path}?${q.toString()}`;
  }

  private async list(): Promise<void> {
    const items = new Map<string, T>();
    let cont: string | undefined;
    let version = '';
    do {
      const page = objectList.parse(await this.o.api.getJson(this.query({ limit: String(PAGE), ...(cont ? { continue: cont } : {}) }), this.abort.signal));
      for (const raw of page.items ?? []) {
        const obj = this.o.parse(raw);
        if (obj !== undefined) items.set(this.o.keyOf(obj), obj);
      }
      version = page.metadata.resourceVersion;
      cont = page.metadata.continue || undefined;
    } while (cont !== undefined);
    if (this.stopped) return;
    this.store.clear();
    for (const [k, v] of items) this.store.set(k, v);
    this.resourceVersion = version;
    this.synced = true;
    if (this.failing) {
      this.failing = false;
      this.o.logger.info({ resource: this.o.path }, 'kubernetes_sd: listing works again');
    }
    this.o.onChange();
  }

  private async watch(): Promise<void> {
    const timeoutSeconds = WATCH_MIN_S + Math.floor(Math.random() * WATCH_MIN_S);
    const path = this.query({ watch: 'true', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) });
    const status = await this.o.api.watchLines(path, this.abort.signal, (timeoutSeconds + 30) * 1000, (line) => this.apply(line));
    if (status === 410) throw new Expired();
    if (status !== 200) throw new ApiStatusError(status, this.o.path);
  }

  private apply(line: string): void {
    if (this.stopped) return;
    const parsed = watchEvent.safeParse(JSON.parse(line) as unknown);
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === 'ERROR') {
      if (event.object.code === 410) throw new Expired();
      throw new Error(`the watch answered an error: ${event.object.code ?? ''} ${event.object.reason ?? ''}`.trim());
    }
    const version = event.object.metadata?.resourceVersion;
    if (version !== undefined && version !== '') this.resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    const obj = this.o.parse(event.object);
    if (obj === undefined) return;
    if (event.type === 'DELETED') this.store.delete(this.o.keyOf(obj));
    else this.store.set(this.o.keyOf(obj), obj);
    this.o.onChange();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(() => {
        this.sleeping = undefined;
        resolve();
      }, ms);
      this.sleeping = { timer, resolve };
    });
  }
}
