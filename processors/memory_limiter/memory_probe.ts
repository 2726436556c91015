import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Resident set size of the process, in bytes. */
export type RssProbe = () => number;
/** A full, blocking garbage collection. */
export type ForceGc = () => void;

/**
 * RSS rather than V8's heap: the container's OOM killer counts every resident page — heap, Buffers
 * (request bodies, the exporter's queued requests), code, thread stacks — and `rss()` reads one number
 * from the OS without walking the heap, so it is cheap enough to call every second.
 */
export const processRss: RssProbe = () => process.memoryUsage.rss();

/**
 * V8's `gc()`, which Node only exposes when started with `--expose-gc`. Setting the flag at run time
 * makes it a global of contexts created afterwards, so one fresh context hands the function over (the
 * usual trick); the flag is set back so no later context gets it. Undefined when V8 refuses.
 */
export function exposeGc(): ForceGc | undefined {
  const existing: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as ForceGc;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    setFlagsFromString('--no-expose-gc');
    return typeof gc === 'function' ? (gc as ForceGc) : undefined;
  } catch {
    return undefined;
  }
}
