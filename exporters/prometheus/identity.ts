import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { attributeText } from './labels.js';

/**
 * What one stream is: resource attributes + scope (name, version, schema URL) + metric name + unit +
 * type + point attributes. Every part is length-prefixed, so no value can forge a separator, and the
 * description and temporality are not part of it (as in the Collector's stream identity).
 */

/** Keys sorted; each key and typed value length-prefixed (`"1"` and `1` are different attributes). */
export function attributesKey(attrs: Attributes): string {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let s = '';
  for (const k of keys) {
    const v = attrs[k];
    if (v === undefined || v === null) continue;
    const text = attributeText(v);
    s += `${k.length}:${k}${typeof v === 'string' ? 's' : typeof v === 'object' ? 'a' : typeof v === 'number' ? 'n' : 'b'}${text.length}:${text}`;
  }
  return s;
}

let flattened = 0;

/**
 * The same string, flat. A string built by `+=` is a rope of all its pieces (a V8 ConsString), and kept
 * as a map key or as label text it holds every piece: about three times its own length, which made a
 * held series cost 3 KB instead of 1 KB. Converting it to a number flattens it in place (what the
 * `flatstr` package does); the number is folded into a module variable so the call cannot be optimised away.
 * For what is kept (keys, label text), not for keys only looked up.
 */
export function flat(s: string): string {
  flattened ^= Number(s) | 0;
  return s;
}

/** A lone surrogate: a UTF-16 code unit that is not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text as it will read on the wire: UTF-8 cannot carry a lone surrogate, so it goes out as U+FFFD,
 * and two label sets that differ only there would be two identical series on the page (a duplicate
 * Prometheus refuses). Applied to label text before it names a series, so they are one series.
 * (`String.prototype.toWellFormed` does this from ES2024; the project's lib is ES2023.)
 */
export function wellFormed(s: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\uFFFD') : s;
}

function part(s: string): string {
  return `${s.length}:${s}`;
}

/** The part of a stream's identity shared by every point of one metric in one scope of one resource. */
export function metricKey(
  resourceKey: string,
  scope: InstrumentationScope,
  name: string,
  unit: string,
  kind: string,
): string {
  return (
    part(resourceKey) + part(scope.name) + part(scope.version ?? '') + part(scope.schemaUrl ?? '') + part(name) + part(unit) + kind
  );
}
