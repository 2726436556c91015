import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { Factory, ProcessorFactory } from '../component.js';
import type { Signal } from '../data.js';
import { substituteEnv, type Env } from './env.js';
import { ConfigError, joinPath, type ConfigIssue } from './errors.js';
import { pipelineSchema, serviceSchema, type ServiceConfig } from './service.js';
import { closest, zodIssuesToConfigIssues } from './zod-issues.js';

/**
 * Config loading as the Collector does it: parse the YAML tree, substitute `${env:}`, validate every
 * component against its factory's schema collecting all errors (unknown keys are errors), then check
 * the pipeline graph. Every message starts with its key path.
 */

export type Section = 'receivers' | 'processors' | 'exporters' | 'extensions';
const SECTIONS: readonly Section[] = ['receivers', 'processors', 'exporters', 'extensions'];
const TOP_LEVEL_KEYS = [...SECTIONS, 'service'];
const KIND_OF_SECTION = { receivers: 'receiver', processors: 'processor', exporters: 'exporter', extensions: 'extension' } as const;
const COMPONENT_ID = /^([a-z][a-z0-9_]*)(?:\/([^\s/]+))?$/;

export interface ComponentConfig {
  /** `type` or `type/name`, as written. */
  readonly id: string;
  readonly type: string;
  readonly factory: Factory;
  /** The config after schema parsing: defaults filled, durations in ms, sizes in bytes. */
  readonly config: unknown;
}

export interface PipelineConfig {
  /** `metrics` or `metrics/name`. */
  readonly id: string;
  readonly receivers: readonly string[];
  readonly processors: readonly string[];
  readonly exporters: readonly string[];
}

export interface CollectorConfig {
  readonly file: string;
  readonly components: Readonly<Record<Section, ReadonlyMap<string, ComponentConfig>>>;
  readonly service: ServiceConfig;
  readonly pipelines: readonly PipelineConfig[];
  /** The config tree after substitution, before schema defaults (what print-config shows). */
  readonly tree: unknown;
  /** Key paths whose value came from `${env:…}`: print-config redacts them. */
  readonly fromEnv: ReadonlySet<string>;
  /** Things worth a warning but not an error (unused components, unset variables). */
  readonly warnings: readonly string[];
}

export function loadConfigFile(file: string, factories: readonly Factory[], env: Env = process.env): CollectorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(err)})` }]);
  }
  return parseConfig(text, file, factories, env);
}

export function parseConfig(text: string, file: string, factories: readonly Factory[], env: Env = process.env): CollectorConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        // yaml points a duplicate key at the end of the first one; its second position is the repeat.
        const pos = (e.code === 'DUPLICATE_KEY' ? e.linePos?.[1] : e.linePos?.[0]) ?? lineCounter.linePos(e.pos[0]);
        const what = e.code === 'DUPLICATE_KEY' ? 'a key is repeated in the same map' : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return { path: '', message: `YAML syntax error at line ${pos.line}, column ${pos.col}: ${what}` };
      }),
    );
  }
  const substitution = substituteEnv(doc.toJS(), env);
  const tree = substitution.value;
  const issues: ConfigIssue[] = [];
  const warnings = substitution.unset.map((u) => `${u.path}: environment variable ${u.variable} is not set; using ""`);

  if (!isMap(tree)) {
    throw new ConfigError(file, [{ path: '', message: 'the config must be a YAML map with receivers, processors, exporters, extensions and service' }]);
  }
  for (const key of Object.keys(tree)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      const guess = closest(key, TOP_LEVEL_KEYS);
      issues.push({ path: key, message: guess ? `unknown key (did you mean "${guess}"?)` : `unknown key (expected one of: ${TOP_LEVEL_KEYS.join(', ')})` });
    }
  }

  const components = {} as Record<Section, Map<string, ComponentConfig>>;
  // Ids written in the file, valid or not: a pipeline naming an id whose config has errors gets no
  // second "is not defined" error on top of the real one.
  const written = {} as Record<Section, Set<string>>;
  for (const section of SECTIONS) {
    components[section] = parseSection(section, tree[section], factories, substitution.typedFromEnv, issues);
    written[section] = new Set(isMap(tree[section]) ? Object.keys(tree[section]) : []);
  }

  const serviceTree = tree.service;
  let service: ServiceConfig | undefined;
  if (serviceTree === undefined || serviceTree === null) {
    issues.push({ path: 'service', message: 'required: a service section with at least one pipeline' });
  } else {
    const parsed = serviceSchema.safeParse(serviceTree, { reportInput: true });
    if (parsed.success) service = parsed.data;
    else issues.push(...zodIssuesToConfigIssues('service', serviceSchema, parsed.error));
  }

  const pipelines: PipelineConfig[] = [];
  if (service) {
    checkExtensions(service, written, issues);
    const ids = Object.keys(service.pipelines);
    if (ids.length === 0) issues.push({ path: 'service.pipelines', message: 'at least one pipeline is required (e.g. "metrics")' });
    for (const id of ids) {
      const parsed = pipelineSchema.safeParse(service.pipelines[id], { reportInput: true });
      if (!parsed.success) {
        issues.push(...zodIssuesToConfigIssues(`service.pipelines.${id}`, pipelineSchema, parsed.error));
        continue;
      }
      const p = parsed.data;
      const pipeline: PipelineConfig = { id, receivers: p.receivers, processors: p.processors, exporters: p.exporters };
      if (checkPipeline(pipeline, components, written, issues)) {
        pipelines.push(pipeline);
        checkLogPositions(pipeline, components, issues);
      }
    }
    warnings.push(...unusedComponents(components, service, pipelines));
  }

  if (issues.length > 0) throw new ConfigError(file, issues.map((i) => explainUnset(i, substitution.unset)));
  return { file, components, service: service as ServiceConfig, pipelines, tree, fromEnv: substitution.fromEnv, warnings };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSection(
  section: Section,
  value: unknown,
  factories: readonly Factory[],
  typedFromEnv: ReadonlyMap<string, string>,
  issues: ConfigIssue[],
): Map<string, ComponentConfig> {
  const out = new Map<string, ComponentConfig>();
  if (value === undefined || value === null) return out;
  if (!isMap(value)) {
    issues.push({ path: section, message: `must be a map of component ids to their config` });
    return out;
  }
  const kind = KIND_OF_SECTION[section];
  const ofKind = factories.filter((f) => f.kind === kind);
  for (const [id, raw] of Object.entries(value)) {
    const path = joinPath(section, id);
    const m = COMPONENT_ID.exec(id);
    if (!m) {
      issues.push({ path, message: `invalid component id: write "type" or "type/name" (lower-case type, e.g. "kong_http_log/edge")` });
      continue;
    }
    const type = m[1];
    const factory = ofKind.find((f) => f.type === type);
    if (!factory) {
      const guess = closest(type, ofKind.map((f) => f.type));
      issues.push({
        path,
        message: `unknown ${kind} type "${type}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${ofKind.map((f) => f.type).join(', ')}`,
      });
      continue;
    }
    const parsed = parseComponent(factory, raw ?? {}, path, typedFromEnv);
    if (!parsed.success) {
      issues.push(...zodIssuesToConfigIssues(path, factory.configSchema, parsed.error));
      continue;
    }
    out.set(id, { id, type, factory, config: parsed.data });
  }
  return out;
}

function checkExtensions(
  service: ServiceConfig,
  written: Record<Section, Set<string>>,
  issues: ConfigIssue[],
): void {
  service.extensions.forEach((id, i) => {
    if (!written.extensions.has(id)) issues.push(notDefined(`service.extensions[${i}]`, id, written.extensions));
  });
}

/**
 * `${env:ID}` with ID=123 reads as the number 123, which a string field refuses. As the Collector does,
 * the field's type decides: where a string was expected, the variable's text is used instead.
 */
function parseComponent(factory: Factory, raw: unknown, path: string, typedFromEnv: ReadonlyMap<string, string>) {
  let input = raw;
  for (let round = 0; ; round++) {
    const parsed = factory.configSchema.safeParse(input, { reportInput: true });
    if (parsed.success || round > 8 || typedFromEnv.size === 0) return parsed;
    const fixes = parsed.error.issues.filter(
      (i) => i.code === 'invalid_type' && i.expected === 'string' && typedFromEnv.has(i.path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), path)),
    );
    if (fixes.length === 0) return parsed;
    input = structuredClone(input);
    for (const i of fixes) {
      const full = i.path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), path);
      setAt(input, i.path, typedFromEnv.get(full) as string);
    }
  }
}

function setAt(tree: unknown, path: readonly PropertyKey[], value: string): void {
  let node = tree as Record<PropertyKey, unknown>;
  for (let i = 0; i < path.length - 1; i++) node = node[path[i]] as Record<PropertyKey, unknown>;
  node[path[path.length - 1]] = value;
}

/** An invalid value that came from an unset variable says so: the fix is in the environment, not the file. */
function explainUnset(issue: ConfigIssue, unset: readonly { path: string; variable: string }[]): ConfigIssue {
  const u = unset.find((x) => x.path === issue.path);
  return u ? { path: issue.path, message: `${issue.message} (its value comes from \${env:${u.variable}}, which is not set)` } : issue;
}

function notDefined(path: string, id: string, written: ReadonlySet<string>): ConfigIssue {
  const guess = closest(id, [...written]);
  return { path, message: `"${id}" is not defined${guess ? ` (did you mean "${guess}"?)` : ''}` };
}

/** References, duplicates, and the signal each step receives: returns false when the pipeline is unusable. */
function checkPipeline(
  p: PipelineConfig,
  components: Record<Section, Map<string, ComponentConfig>>,
  written: Record<Section, Set<string>>,
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

/**
 * Durable mode (a processor's `logPositionsKey`) is only exact if every exporter its emissions reach
 * stores how far the write-ahead log is covered together with the data (docs/durability.md).
 */
function checkLogPositions(p: PipelineConfig, components: Record<Section, Map<string, ComponentConfig>>, issues: ConfigIssue[]): void {
  p.processors.forEach((pid, i) => {
    const c = components.processors.get(pid);
    if (c?.factory.kind !== 'processor') return;
    const key = c.factory.logPositionsKey?.(c.config);
    if (key === undefined) return;
    const path = joinPath(joinPath('processors', pid), key);
    p.processors.slice(i + 1).forEach((later, j) => {
      const f = components.processors.get(later)?.factory;
      if (f?.kind !== 'processor' || f.passesLogPositions === true) return;
      issues.push({
        path: `service.pipelines.${p.id}.processors[${i + 1 + j}]`,
        message: `"${later}" does not pass on how far the write-ahead log of ${path} is covered, so durable mode cannot be exact behind it; use it in a pipeline without durable mode, or remove ${path}`,
      });
    });
    for (const eid of p.exporters) {
      const e = components.exporters.get(eid);
      if (e?.factory.kind !== 'exporter') continue;
      const can = e.factory.recordsLogPositions?.(e.config);
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

function unusedComponents(components: Record<Section, Map<string, ComponentConfig>>, service: ServiceConfig, pipelines: readonly PipelineConfig[]): string[] {
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
