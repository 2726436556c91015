/**
 * A JSON document as a tree that can hold what `JSON.stringify` cannot write: a key repeated in one object
 * (`{"a":1,"a":2}`), and raw text spliced in verbatim (`1e309`, `-0`, a 10 000-deep `[[[…]]]`, a lone
 * surrogate escape). Mutations edit this tree; the receiver gets its text.
 */
export type JsonNode = JsonObjectNode | JsonArrayNode | JsonRawNode;

export interface JsonObjectNode {
  readonly kind: 'object';
  /** In order; a key may repeat (JSON.parse keeps the last). */
  readonly pairs: [string, JsonNode][];
}

export interface JsonArrayNode {
  readonly kind: 'array';
  readonly items: JsonNode[];
}

/** JSON text written as it is: a scalar, or a whole subtree too deep or odd to build as nodes. */
export interface JsonRawNode {
  readonly kind: 'raw';
  readonly text: string;
}

export function raw(text: string): JsonRawNode {
  return { kind: 'raw', text };
}

/** A parsed JSON value as a tree (values from JSON.parse, so no cycles and modest depth). */
export function toNode(value: unknown): JsonNode {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toNode) };
  if (typeof value === 'object' && value !== null) {
    return { kind: 'object', pairs: Object.entries(value).map(([k, v]): [string, JsonNode] => [k, toNode(v)]) };
  }
  // undefined has no JSON form; null stands in, as JSON.stringify writes it inside arrays.
  return raw(JSON.stringify(value) ?? 'null');
}

export function cloneNode(node: JsonNode): JsonNode {
  if (node.kind === 'object') return { kind: 'object', pairs: node.pairs.map(([k, v]): [string, JsonNode] => [k, cloneNode(v)]) };
  if (node.kind === 'array') return { kind: 'array', items: node.items.map(cloneNode) };
  return node;
}

/** The tree's JSON text, compact (no newlines, so a line protocol can carry it). */
export function nodeText(node: JsonNode): string {
  const out: string[] = [];
  write(node, out);
  return out.join('');
}

function write(node: JsonNode, out: string[]): void {
  if (node.kind === 'raw') {
    out.push(node.text);
    return;
  }
  if (node.kind === 'array') {
    out.push('[');
    node.items.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
    return;
  }
  out.push('{');
  node.pairs.forEach(([key, value], i) => {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write(value, out);
  });
  out.push('}');
}
