import type { ProcessorFactory } from '../component.js';
import type { ConfigIssue } from '../config/errors.js';
import type { ComponentConfig, PipelineConfig, Section } from '../config/load.js';
import type { ServiceConfig } from '../config/service.js';
import { closest } from '../config/zod_issues.js';
import type { Signal } from '../data.js';

/**
 * The pipeline graph as the config describes it, checked by the config loader after every component's
 * own config: the ids each pipeline and service.extensions name, duplicates, the signal each step
 * receives, and what is defined but not used. Every message starts with its key path. (Instances are
 * built from it in build.ts.)
 */

export type Components = Record<Section, Map<string, ComponentConfig>>;
export type Written = Record<Section, Set<string>>;

export function checkExtensions(
  service: ServiceConfig,
  written: Written,
  issues: ConfigIssue[],
): void {
  service.extensions.forEach((id, i) => {
    if (!written.extensions.has(id)) issues.push(notDefined(`service.extensions[${i}]`, id, written.extensions));
  });
}

export function notDefined(path: string, id: string, written: ReadonlySet<string>): ConfigIssue {
  const guess = closest(id, [...written]);
  return { path, message: `"${id}" is not defined${guess ? ` (did you mean "${guess}"?)` : ''}` };
}

/** References, duplicates, and the signal each step receives: returns false when the pipeline is unusable. */
export function checkPipeline(
  p: PipelineConfig,
  components: Components,
  written: Written,
  issues: ConfigIssue[],
): boolean {
  const base = `service.pipelines.${p.id}`;
  const before = issues.length;
  const m = /^([a-z]+)(?:\/[^\s/]+)?$/.exec(p.id);
  if (!m || m[1] !== 'metrics') {
    issues.push({
      path: base,
      message: `unsupported pipeline "${p.id}": kongtel pipelines carry metrics; name them "metrics" or "metrics/<name>" (Kong log receivers feed a metrics pipeline through kong_metrics)`,
    });
  }
  for (const [list, section] of [
    ['receivers', 'receivers'],
    ['processors', 'processors'],
    ['exporters', 'exporters'],
  ] as const) {
    const seen = new Set<string>();
    p[list].forEach((id, i) => {
      if (!written[section].has(id)) issues.push(notDefined(`${base}.${list}[${i}]`, id, written[section]));
      if (seen.has(id)) issues.push({ path: `${base}.${list}[${i}]`, message: `"${id}" is listed twice in this pipeline` });
      seen.add(id);
    });
  }
  if (issues.length > before) return false;
  // A component whose own config is invalid was already reported; its signals are unknown.
  if (![...p.receivers.map((id) => components.receivers.has(id)), ...p.processors.map((id) => components.processors.has(id)), ...p.exporters.map((id) => components.exporters.has(id))].every(Boolean)) {
    return false;
  }

  // Follow the signals through the chain: a Kong log receiver needs kong_metrics before anything else.
  const incoming = new Set<Signal>();
  const logReceivers: string[] = [];
  for (const id of p.receivers) {
    const f = components.receivers.get(id)?.factory;
    if (f?.kind === 'receiver') {
      incoming.add(f.signal);
      if (f.signal === 'logs') logReceivers.push(id);
    }
  }
  let signals = incoming;
  for (let i = 0; i < p.processors.length; i++) {
    const f = components.processors.get(p.processors[i])?.factory as ProcessorFactory;
    const refused = [...signals].filter((s) => !f.accepts.includes(s));
    if (refused.includes('logs')) {
      issues.push({
        path: `${base}.processors[${i}]`,
        message:
          i === 0
            ? `receiver${logReceivers.length > 1 ? 's' : ''} ${logReceivers.map((r) => `"${r}"`).join(', ')} produce${logReceivers.length > 1 ? '' : 's'} Kong log entries, so the pipeline's first processor must be kong_metrics (found "${p.processors[i]}")`
            : `"${p.processors[i]}" takes metrics, but Kong log entries reach it: put kong_metrics before it`,
      });
      return false;
    }
    if (refused.length > 0) {
      issues.push({ path: `${base}.processors[${i}]`, message: `"${p.processors[i]}" does not take ${refused.join(', ')}` });
      return false;
    }
    signals = new Set([...signals].map((s) => f.produces(s)));
  }
  if (signals.has('logs')) {
    issues.push({
      path: `${base}.processors`,
      message: `receiver${logReceivers.length > 1 ? 's' : ''} ${logReceivers.map((r) => `"${r}"`).join(', ')} produce${logReceivers.length > 1 ? '' : 's'} Kong log entries, so the pipeline's first processor must be kong_metrics${p.processors.length === 0 ? ' (the pipeline has no processors)' : ''}`,
    });
    return false;
  }
  p.exporters.forEach((id, i) => {
    const f = components.exporters.get(id)?.factory;
    if (f?.kind === 'exporter') {
      const refused = [...signals].filter((s) => !f.accepts.includes(s));
      if (refused.length > 0) issues.push({ path: `${base}.exporters[${i}]`, message: `"${id}" does not take ${refused.join(', ')}` });
    }
  });
  return issues.length === before;
}

export function unusedComponents(components: Components, service: ServiceConfig, pipelines: readonly PipelineConfig[]): string[] {
  const used = new Set<string>();
  for (const p of pipelines) for (const id of [...p.receivers, ...p.processors, ...p.exporters]) used.add(id);
  const out: string[] = [];
  for (const section of ['receivers', 'processors', 'exporters'] as const) {
    for (const id of components[section].keys()) {
      if (!used.has(id)) out.push(`${section}.${id}: defined but not used in any pipeline; it will not run`);
    }
  }
  for (const id of components.extensions.keys()) {
    if (!service.extensions.includes(id)) out.push(`extensions.${id}: defined but not listed in service.extensions; it will not run`);
  }
  return out;
}
