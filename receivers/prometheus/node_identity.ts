import type { ParsedPage } from './exposition.js';

/**
 * The Kong node a page comes from: the `node_id` label of `kong_node_info`, else of
 * `kong_nginx_connections_total` (Kong's Prometheus plugin prints both); undefined for other exporters.
 */
export function kongNodeId(page: ParsedPage): string | undefined {
  let fallback: string | undefined;
  for (const f of page.families) {
    if (f.name !== 'kong_node_info' && f.name !== 'kong_nginx_connections_total') continue;
    for (const s of f.samples) {
      for (let k = 0; k < s.labels.length; k += 2) {
        if (s.labels[k] !== 'node_id') continue;
        if (f.name === 'kong_node_info') return s.labels[k + 1];
        fallback ??= s.labels[k + 1];
      }
    }
  }
  return fallback;
}
