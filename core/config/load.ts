import type { Factory } from '../component.js';
import { errorMessage } from '../errors.js';
import { substituteEnv, type Env, type Substitution } from './env.js';
import { explainEnv, scrubEnvValues } from './env_issues.js';
import { ConfigError, joinPath, type ConfigIssue } from './errors.js';
import { checkDurablePipeline } from '../durable/check.js';
import { checkExtensions, checkPipeline, unusedComponents, type Components, type Written } from '../pipeline/graph.js';
import { parseAt } from './schema_parse.js';
import { checkStorageRefs } from './storage_refs.js';
import { pipelineSchema, serviceSchema, type ServiceConfig } from './service.js';
import { parseYamlTree, readConfigText } from './yaml.js';
import { closest } from './zod_issues.js';

/**
 * Config loading as the Collector does it: parse the YAML tree, substitute `${env:}`, validate every
 * component against its factory's schema collecting all errors (unknown keys are errors), then check
 * the pipeline graph. Every message starts with its key path, and none shows a value from the
 * environment. Whatever goes wrong while loading, a `ConfigError` is the only thing thrown.
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
  /** Every non-empty value taken from the environment, so later messages (start-up errors) can hide them. */
  readonly secrets: Substitution['secrets'];
}

export function loadConfigFile(file: string, factories: readonly Factory[], env: Env = process.env): CollectorConfig {
  return parseConfig(readConfigText(file), file, factories, env);
}

export function parseConfig(text: string, file: string, factories: readonly Factory[], env: Env = process.env): CollectorConfig {
  let substitution: Substitution | undefined;
  try {
    const yaml = parseYamlTree(text, file);
    substitution = substituteEnv(yaml.tree, env);
    return checkConfig(file, factories, substitution, yaml.warnings);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // A bug, or a document the checks were not written for: still a config error, never a stack trace.
    const what = err instanceof RangeError && /call stack/i.test(err.message) ? 'the document is nested too deeply' : `${err instanceof Error ? err.name : 'error'}: ${errorMessage(err)}; this is a bug in kongtel, please report it`;
    const message = `the config cannot be loaded (${what})`;
    throw new ConfigError(file, [{ path: '', message: substitution ? scrubEnvValues(message, substitution) : message }]);
  }
}

function checkConfig(file: string, factories: readonly Factory[], substitution: Substitution, yamlWarnings: readonly string[]): CollectorConfig {
  const tree = substitution.value;
  const issues: ConfigIssue[] = [...substitution.issues];
  const warnings = [
    ...yamlWarnings,
    ...substitution.unset.map((u) => `${u.path}: environment variable ${u.variable} is not set; using ""`),
  ];
  const fail = () => new ConfigError(file, issues.map((i) => explainEnv(i, substitution)));

  if (!isMap(tree)) {
    issues.push({ path: '', message: 'the config must be a YAML map with receivers, processors, exporters, extensions and service' });
    throw fail();
  }
  for (const key of Object.keys(tree)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      const guess = closest(key, TOP_LEVEL_KEYS);
      issues.push({ path: key, message: guess ? `unknown key (did you mean "${guess}"?)` : `unknown key (expected one of: ${TOP_LEVEL_KEYS.join(', ')})` });
    }
  }

  const components = {} as Components;
  // Ids written in the file, valid or not: a pipeline naming an id whose config has errors gets no
  // second "is not defined" error on top of the real one.
  const written = {} as Written;
  for (const section of SECTIONS) {
    components[section] = parseSection(section, tree[section], factories, substitution, issues);
    written[section] = new Set(isMap(tree[section]) ? Object.keys(tree[section]) : []);
  }

  const serviceTree = tree.service;
  let service: ServiceConfig | undefined;
  if (serviceTree === undefined || serviceTree === null) {
    issues.push({ path: 'service', message: 'required: a service section with at least one pipeline' });
  } else {
    const parsed = parseAt(serviceSchema, serviceTree, 'service', substitution);
    if (parsed.ok) service = parsed.data;
    else issues.push(...parsed.issues);
  }

  const pipelines: PipelineConfig[] = [];
  if (service) {
    checkExtensions(service, written, issues);
    checkStorageRefs(components, written, service, issues);
    const ids = Object.keys(service.pipelines);
    if (ids.length === 0) issues.push({ path: 'service.pipelines', message: 'at least one pipeline is required (e.g. "metrics")' });
    for (const id of ids) {
      const path = joinPath('service.pipelines', id);
      const parsed = parseAt(pipelineSchema, service.pipelines[id], path, substitution);
      if (!parsed.ok) {
        issues.push(...parsed.issues);
        continue;
      }
      const p = parsed.data;
      const pipeline: PipelineConfig = { id, receivers: p.receivers, processors: p.processors, exporters: p.exporters };
      // The graph checks call each factory's own hooks (its durable capability): a throw there is a
      // config error of this pipeline.
      try {
        if (checkPipeline(pipeline, components, written, issues)) {
          pipelines.push(pipeline);
          checkDurablePipeline(pipeline, components, issues);
        }
      } catch (err) {
        issues.push({ path, message: `could not be checked (${errorMessage(err)}); this is a bug in kongtel, please report it` });
      }
    }
    warnings.push(...unusedComponents(components, service, pipelines));
  }

  if (issues.length > 0) throw fail();
  return { file, components, service: service as ServiceConfig, pipelines, tree, fromEnv: substitution.fromEnv, warnings: warnings.map((w) => scrubEnvValues(w, substitution)), secrets: substitution.secrets };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSection(section: Section, value: unknown, factories: readonly Factory[], substitution: Substitution, issues: ConfigIssue[]): Map<string, ComponentConfig> {
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
    const parsed = parseAt(factory.configSchema, raw ?? {}, path, substitution);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    out.set(id, { id, type, factory, config: parsed.data });
  }
  return out;
}
