/**
 * The two Prometheus HTTP API calls a Grafana dashboard makes: a range query per panel target
 * (`/api/v1/query_range`, as Grafana's time-series panels send it) and the label values behind
 * `label_values()` (`/api/v1/label/<name>/values` with `match[]`).
 */

export interface Window {
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
}

interface ApiAnswer<T> {
  status: string;
  error?: string;
  data: T;
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as ApiAnswer<T>;
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/** How many series of the range query have at least one finite value (what a panel draws). */
export async function seriesWithData(base: string, expr: string, w: Window): Promise<number> {
  const q = new URLSearchParams({ query: expr, start: String(w.start), end: String(w.end), step: `${w.stepSeconds}s` });
  const data = await get<{ result: { values: [number, string][] }[] }>(`${base}/api/v1/query_range?${q}`);
  return data.result.filter((s) => s.values.some(([, v]) => Number.isFinite(Number(v)))).length;
}

/** The values of `label` among series matching `match` (all series when undefined) within the window. */
export async function labelValues(base: string, label: string, match: string | undefined, w: Window): Promise<string[]> {
  const q = new URLSearchParams({ start: String(w.start), end: String(w.end) });
  if (match) q.append('match[]', match);
  return get<string[]>(`${base}/api/v1/label/${encodeURIComponent(label)}/values?${q}`);
}
