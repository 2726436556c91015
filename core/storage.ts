import { z } from 'zod';
import type { Extension, ExtensionFactory, Factory } from './component.js';

/**
 * Storage as the OpenTelemetry Collector names it: a component's `storage` key holds the id of a storage
 * extension (`file_storage`, `file_storage/queue`), never a directory, and the extension says where the
 * files go. In the Collector a component asks the host for the extension (`storage.Extension`,
 * `GetClient`); here it asks its context for the extension's directory and keeps its own files there,
 * under `<directory>/<component id>/…` (docs/durability.md).
 */

/** An extension that gives components a directory to keep their files in. */
export interface StorageExtension extends Extension {
  readonly directory: string;
}

/** The extension factory of a storage extension type; the config loader lets `storage` keys name its ids only. */
export interface StorageExtensionFactory<C = unknown> extends ExtensionFactory<C> {
  readonly providesStorage: true;
}

/** A `storage` key of a component's config, as the config loader checks it: where it is, and the id it names. */
export interface StorageRef {
  /** Under the component's config, e.g. `sending_queue.storage`. */
  readonly key: string;
  readonly id: string;
}

/** A factory whose config may name storage extensions; `storageRefs` lists the ones a config names. */
export interface UsesStorage<C> {
  storageRefs(config: C): readonly StorageRef[];
}

/** `ComponentContext.storage`: the directory of the storage extension `id`. */
export type StorageLookup = (id: string) => string;

export function isStorageExtension(e: Extension | undefined): e is StorageExtension {
  return e !== undefined && typeof (e as Partial<StorageExtension>).directory === 'string';
}

export function providesStorage(f: Factory): f is StorageExtensionFactory {
  return f.kind === 'extension' && (f as Partial<StorageExtensionFactory>).providesStorage === true;
}

export function usesStorage(f: Factory): f is Factory & UsesStorage<unknown> {
  return typeof (f as Partial<UsesStorage<unknown>>).storageRefs === 'function';
}

/**
 * What the running collector answers: the config loader has checked that every id a component names is
 * a storage extension listed in `service.extensions`, so a miss here is a bug (or a test that built its
 * own context) and throws while the graph is built, never later.
 */
export function storageLookup(extension: (id: string) => Extension | undefined): StorageLookup {
  return (id) => {
    const e = extension(id);
    if (!isStorageExtension(e)) throw new Error(`"${id}" is not a running storage extension (define it under extensions and list it in service.extensions)`);
    return e.directory;
  };
}

/** Same shape as the config loader's component id: `type` or `type/name`. */
const COMPONENT_ID = /^[a-z][a-z0-9_]*(?:\/[^\s/]+)?$/;

/**
 * A `storage` key's schema. A directory where an id is expected (kongtel before issue 10 took one) is
 * refused with the YAML to write instead, so that no queue folder named after an id is made by mistake.
 * `at` is where the key sits, e.g. `['exporters', 'otlphttp', 'sending_queue', 'storage']`.
 */
export function storageId(at: readonly string[]) {
  return z
    .string({ error: `must name a storage extension, e.g. file_storage; ${rightForm(at, '/var/lib/kongtel')}` })
    .refine((v) => COMPONENT_ID.test(v), {
      error: (issue) => `names a storage extension (e.g. file_storage), not a directory; ${rightForm(at, typeof issue.input === 'string' ? issue.input : '/var/lib/kongtel')}`,
    });
}

/** The YAML that keeps the same files: the component's files go in `<directory>/<component id>/` either way. */
export function rightForm(at: readonly string[], directory: string): string {
  const dir = /^[\w./~-]+$/.test(directory) ? directory : JSON.stringify(directory);
  const lines = ['extensions:', '  file_storage:', `    directory: ${dir}`, '    create_directory: true'];
  at.forEach((key, depth) => lines.push(`${'  '.repeat(depth)}${key}:${depth === at.length - 1 ? ' file_storage' : ''}`));
  lines.push('service:', '  extensions: [file_storage]');
  return `write the directory under a file_storage extension and name that here, as in the OpenTelemetry Collector:\n${lines.map((l) => `      ${l}`).join('\n')}`;
}

/** For a context built outside the collector (benchmarks, tests) that names no storage. */
export const noStorage: StorageLookup = storageLookup(() => undefined);
