import { type ObjectShape, mergeShapes } from '../entry_shape.js';
import { histogramNames, type Instrument } from '../instrument.js';
import type { SectionDeclaration } from '../section.js';
import { A2A } from './a2a.js';
import { CACHE } from './cache.js';
import { COMMON } from './common.js';
import { GENAI } from './genai.js';
import { GUARDRAILS } from './guardrails.js';
import { HTTP } from './http.js';
import { KONG_PLUGIN } from './kong_plugin.js';
import { KONG_PLUGIN_AI } from './kong_plugin_ai.js';
import { MCP } from './mcp.js';
import { SIZES } from './sizes.js';

/** Every section of a Kong log entry kong_metrics reads, and what their declarations add up to. */
const SECTIONS: readonly SectionDeclaration[] = [COMMON, HTTP, SIZES, GENAI, CACHE, GUARDRAILS, MCP, A2A, KONG_PLUGIN, KONG_PLUGIN_AI];

/** Every attribute kong_metrics sets: what `exclude_attributes` may name. */
export const ATTRIBUTE_NAMES: readonly string[] = [...new Set(SECTIONS.flatMap((s) => Object.values(s.attributes)))];

/** Attributes that cannot be excluded. */
export const REQUIRED_ATTRIBUTES: readonly string[] = SECTIONS.flatMap((s) => s.required ?? []);

export const INSTRUMENTS: readonly Instrument[] = SECTIONS.flatMap((s) => Object.values(s.instruments));

/** What a `buckets` override may name. */
export const HISTOGRAM_NAMES: readonly string[] = histogramNames(INSTRUMENTS);

/** Every field any section reads: what the write-ahead log keeps of an entry. */
export const ENTRY_FIELDS: ObjectShape = mergeShapes(SECTIONS.map((s) => s.fields));
