import { providesStorage, rightForm, usesStorage } from '../storage.js';
import { joinPath, type ConfigIssue } from './errors.js';
import type { Components, Written } from '../pipeline/graph.js';
import type { ServiceConfig } from './service.js';
import { closest } from './zod_issues.js';

/**
 * Every `storage` key names a storage extension that is defined and listed in `service.extensions`, as
 * the Collector needs at start-up (there the component fails to start; here `validate` says it first).
 * Checked for every defined component, used or not, so a typo shows before the component is wired in.
 */
export function checkStorageRefs(components: Components, written: Written, service: ServiceConfig, issues: ConfigIssue[]): void {
  for (const section of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    for (const [cid, c] of components[section]) {
      if (!usesStorage(c.factory)) continue;
      for (const ref of c.factory.storageRefs(c.config)) {
        const at = [section, cid, ...ref.key.split('.')];
        const path = joinPath(joinPath(section, cid), ref.key);
        const ext = components.extensions.get(ref.id);
        if (ext === undefined) {
          // Defined but invalid: its own errors are already reported.
          if (written.extensions.has(ref.id)) continue;
          const storageIds = [...components.extensions].filter(([, e]) => providesStorage(e.factory)).map(([id]) => id);
          const guess = closest(ref.id, storageIds);
          issues.push({
            path,
            message: `"${ref.id}" is not defined under extensions${guess ? ` (did you mean "${guess}"?)` : ''}; storage names a storage extension. If "${ref.id}" is a directory, ${rightForm(at, ref.id)}`,
          });
        } else if (!providesStorage(ext.factory)) {
          issues.push({ path, message: `extensions.${ref.id} is a ${ext.type} extension, which stores nothing; name a file_storage extension` });
        } else if (!service.extensions.includes(ref.id)) {
          issues.push({ path, message: `extensions.${ref.id} is not listed in service.extensions, so it does not run; add it: service: { extensions: [${[...service.extensions, ref.id].join(', ')}] }` });
        }
      }
    }
  }
}
