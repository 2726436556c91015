import fc from 'fast-check';
import { hostileValue, type HostileLimits, DEFAULT_LIMITS } from './hostile_values.js';
import { cloneNode, type JsonNode, type JsonObjectNode } from './json_node.js';

/**
 * Edits at any depth of a real Kong entry. A path is a list of numbers, each picking a child (modulo the
 * number of children) of the node reached so far, so any field of any entry shape can be hit without the
 * generator knowing the shape.
 */
export type EditKind = 'replace' | 'delete' | 'repeat_key_before' | 'repeat_key_after' | 'add_key' | 'set_field';

export interface Edit {
  readonly steps: readonly number[];
  readonly kind: EditKind;
  readonly value: JsonNode;
  /** The key `add_key` adds. */
  readonly key: string;
  /** `set_field`: a field Kong entries carry (created where missing), so hostile values reach the readers of real fields. */
  readonly field: readonly string[];
}

/**
 * The measurement and name fields kong_metrics reads (kong-log-format.md): a random path rarely lands on
 * them, and they are where a hostile value can do harm (a sum that overflows, a name that becomes a label).
 */
export const ENTRY_FIELDS: readonly (readonly string[])[] = [
  ['latencies', 'request'],
  ['latencies', 'kong'],
  ['latencies', 'proxy'],
  ['request', 'size'],
  ['request', 'method'],
  ['request', 'uri'],
  ['response', 'size'],
  ['response', 'status'],
  ['upstream_status'],
  ['source'],
  ['service', 'name'],
  ['route', 'name'],
  ['workspace_name'],
  ['consumer', 'username'],
  ['ai', 'proxy', 'usage', 'prompt_tokens'],
  ['ai', 'proxy', 'usage', 'completion_tokens'],
  ['ai', 'proxy', 'usage', 'total_tokens'],
  ['ai', 'proxy', 'usage', 'cost'],
  ['ai', 'proxy', 'usage', 'time_per_token'],
  ['ai', 'proxy', 'meta', 'llm_latency'],
  ['ai', 'proxy', 'meta', 'provider_name'],
  ['ai', 'proxy', 'meta', 'response_model'],
  ['ai', 'proxy', 'cache', 'fetch_latency'],
  ['ai', 'proxy', 'cache', 'cache_status'],
  ['ai', 'usage', 'prompt_tokens'],
  ['ai', 'mcp', 'rpc'],
  ['ai', 'a2a', 'rpc'],
];

/** Keys that upset naive code (prototype names) or that a Kong entry reader looks for. */
const INTERESTING_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'request',
  'response',
  'latencies',
  'session',
  'ai',
  'meta',
  'usage',
  'service',
  'route',
  'name',
  'consumer',
  'workspace_name',
  'upstream_status',
  'source',
] as const;

export function editArb(limits: HostileLimits = DEFAULT_LIMITS): fc.Arbitrary<Edit> {
  return fc.record({
    steps: fc.array(fc.nat(), { maxLength: 6 }),
    kind: fc.constantFrom<EditKind>('replace', 'replace', 'delete', 'repeat_key_before', 'repeat_key_after', 'add_key', 'set_field', 'set_field'),
    value: hostileValue(limits),
    key: fc.oneof(fc.constantFrom(...INTERESTING_KEYS), fc.string({ maxLength: 12 })),
    field: fc.constantFrom(...ENTRY_FIELDS),
  });
}

/** Sets `field` (the last pair of each key, as JSON.parse reads it), creating objects on the way. */
function setField(root: JsonNode, field: readonly string[], value: JsonNode): JsonNode {
  if (root.kind !== 'object') return root;
  let node: JsonObjectNode = root;
  field.forEach((key, i) => {
    let at = -1;
    for (let j = node.pairs.length - 1; j >= 0 && at < 0; j--) if (node.pairs[j][0] === key) at = j;
    if (i === field.length - 1) {
      if (at < 0) node.pairs.push([key, value]);
      else node.pairs[at] = [key, value];
      return;
    }
    let next = at < 0 ? undefined : node.pairs[at][1];
    if (next?.kind !== 'object') {
      next = { kind: 'object', pairs: [] };
      if (at < 0) node.pairs.push([key, next]);
      else node.pairs[at] = [key, next];
    }
    node = next;
  });
  return root;
}

function childCount(node: JsonNode): number {
  if (node.kind === 'object') return node.pairs.length;
  if (node.kind === 'array') return node.items.length;
  return 0;
}

function childAt(node: JsonNode, i: number): JsonNode {
  if (node.kind === 'object') return node.pairs[i][1];
  if (node.kind === 'array') return node.items[i];
  throw new Error('a raw node has no children');
}

/** Applies one edit in place; returns the (possibly new) root. */
export function applyEdit(root: JsonNode, edit: Edit): JsonNode {
  // A copy: generated values may be shared between runs, and later edits change what they land in.
  const value = cloneNode(edit.value);
  if (edit.kind === 'set_field') return setField(root, edit.field, value);
  let parent: JsonNode | undefined;
  let index = 0;
  let node = root;
  for (const step of edit.steps) {
    const n = childCount(node);
    if (n === 0) break;
    parent = node;
    index = step % n;
    node = childAt(node, index);
  }
  if (edit.kind === 'add_key' && node.kind === 'object') {
    node.pairs.push([edit.key, value]);
    return root;
  }
  if (parent === undefined) return edit.kind === 'delete' ? root : value;
  if (parent.kind === 'object') {
    const key = parent.pairs[index][0];
    switch (edit.kind) {
      case 'delete':
        parent.pairs.splice(index, 1);
        break;
      case 'repeat_key_before':
        // The real value comes last, so JSON.parse keeps it.
        parent.pairs.splice(index, 0, [key, value]);
        break;
      case 'repeat_key_after':
        parent.pairs.splice(index + 1, 0, [key, value]);
        break;
      default:
        parent.pairs[index] = [key, value];
    }
  } else if (parent.kind === 'array') {
    if (edit.kind === 'delete') parent.items.splice(index, 1);
    else if (edit.kind === 'replace' || edit.kind === 'add_key') parent.items[index] = value;
    else parent.items.splice(edit.kind === 'repeat_key_before' ? index : index + 1, 0, value);
  }
  return root;
}

/** A pool entry with 0–4 edits: a fresh tree each time, the pool stays untouched. */
export function mutatedEntryArb(pool: readonly JsonNode[], limits: HostileLimits = DEFAULT_LIMITS): fc.Arbitrary<JsonNode> {
  return fc
    .tuple(fc.nat({ max: pool.length - 1 }), fc.array(editArb(limits), { maxLength: 4 }))
    .map(([i, edits]) => edits.reduce(applyEdit, cloneNode(pool[i])));
}

/** A pool entry as it is. */
export function validEntryArb(pool: readonly JsonNode[]): fc.Arbitrary<JsonNode> {
  return fc.nat({ max: pool.length - 1 }).map((i) => cloneNode(pool[i]));
}

/**
 * One element of a batch: an untouched entry (most of them: the batch must still count them), an edited
 * entry, or something that is no entry at all.
 */
export function batchItemArb(pool: readonly JsonNode[], limits: HostileLimits = DEFAULT_LIMITS): fc.Arbitrary<JsonNode> {
  return fc.oneof(
    { arbitrary: validEntryArb(pool), weight: 4 },
    { arbitrary: mutatedEntryArb(pool, limits), weight: 4 },
    { arbitrary: hostileValue(limits), weight: 1 },
  );
}
