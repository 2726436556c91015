import { joinPath, type ConfigIssue } from '../config/errors.js';
import type { PipelineConfig } from '../config/load.js';
import type { Components } from '../pipeline/graph.js';

/**
 * Durable mode's rule on the pipeline graph, checked by the config loader after the signals: a processor
 * whose `durable.logPositionsKey` is set is only exact if every processor after it passes log positions
 * on and every exporter its emissions reach records them with the data (docs/durability.md).
 */
export function checkDurablePipeline(p: PipelineConfig, components: Components, issues: ConfigIssue[]): void {
  p.processors.forEach((pid, i) => {
    const c = components.processors.get(pid);
    if (c?.factory.kind !== 'processor') return;
    const key = c.factory.durable?.logPositionsKey?.(c.config);
    if (key === undefined) return;
    const path = joinPath(joinPath('processors', pid), key);
    p.processors.slice(i + 1).forEach((later, j) => {
      const f = components.processors.get(later)?.factory;
      if (f?.kind !== 'processor' || f.durable?.passesLogPositions === true) return;
      issues.push({
        path: `service.pipelines.${p.id}.processors[${i + 1 + j}]`,
        message: `"${later}" does not pass on how far the write-ahead log of ${path} is covered, so durable mode cannot be exact behind it; use it in a pipeline without durable mode, or remove ${path}`,
      });
    });
    for (const eid of p.exporters) {
      const e = components.exporters.get(eid);
      if (e?.factory.kind !== 'exporter') continue;
      const can = e.factory.durable?.recordsLogPositions?.(e.config);
      if (can === true) continue;
      const fix =
        can === undefined
          ? `exporter type "${e.type}" never can: move it to a pipeline without durable mode, or remove ${key}`
          : `${can} under exporters.${eid}, or remove ${key}`;
      issues.push({
        path,
        message: `durable mode needs every exporter of pipeline "${p.id}" to record how far the write-ahead log is covered, and exporters.${eid} does not; ${fix}`,
      });
    }
  });
}
