import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLOSED_REASONS,
  LISTENER_REFUSED_REASONS,
  REFUSED_REASONS,
  REJECTED_POINT_REASONS,
  REJECTED_REASONS,
  SCRAPE_FAILURE_REASONS,
} from '../../core/reasons.js';
import { SelfMetric } from '../../core/telemetry.js';
import { ENQUEUE_FAILED_REASONS, SEND_FAILED_REASONS } from '../../exporters/otlphttp/outcomes.js';
import type { DropReason as PrometheusDropReason } from '../../exporters/prometheus/store.js';
import { DROP_REASONS as BATCH_DROP_REASONS } from '../../processors/batch/telemetry.js';
import type { ResetReason } from '../../processors/cumulativetodelta/point_kind.js';
import type { EvictionReason } from '../../processors/cumulativetodelta/stream_table.js';
import { RESETS, STREAMS_EVICTED, type DropReason as DeltaDropReason } from '../../processors/cumulativetodelta/telemetry.js';
import { ROOT } from '../support/processes.js';

/**
 * docs/troubleshooting.md promises every `reason` label value a user can see, with what it means and
 * what to change. Where a component declares its reasons only as a type, the test lists them in an
 * object typed by it, so `npm run typecheck` fails when a reason is added without a row here.
 */
const keys = <R extends string>(all: Record<R, true>): readonly R[] => Object.keys(all) as R[];
const DELTA_DROPS = keys<DeltaDropReason>({ initial: true, out_of_order: true });
const KONG_METRICS_DROPS = ['unmapped', 'shutdown_emission_failed'] as const;
const RESET_REASONS = keys<ResetReason>({ decrease: true, start_time: true, bucket_layout: true });
const EVICTION_REASONS = keys<EvictionReason>({ max_streams: true, stale: true });
const PROMETHEUS_DROPS = keys<PrometheusDropReason>({
  exponential_histogram: true,
  type_conflict: true,
  out_of_order: true,
  invalid_point: true,
  invalid_name: true,
  max_streams: true,
});

/** The page's `### ` sections whose heading names `counter`, as text. */
function sectionsFor(doc: string, counter: string): string[] {
  return doc
    .split(/^### /m)
    .slice(1)
    .filter((s) => s.split('\n', 1)[0].includes(counter));
}

/** The reasons given a table row (first cell) in those sections. */
function explained(doc: string, counter: string): Set<string> {
  const out = new Set<string>();
  for (const section of sectionsFor(doc, counter)) {
    for (const m of section.matchAll(/^\| ([^|]+) \|/gm)) for (const code of m[1].matchAll(/`([^`]+)`/g)) out.add(code[1]);
  }
  return out;
}

const doc = readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8');

const cases: [counter: string, reasons: readonly string[]][] = [
  [SelfMetric.receiverRejectedLogRecords, REJECTED_REASONS],
  [SelfMetric.receiverRefusedLogRecords, REFUSED_REASONS],
  [SelfMetric.receiverRefusedMetricPoints, [...REFUSED_REASONS, ...REJECTED_POINT_REASONS]],
  ['kongtel_receiver_scrape_failures_total', SCRAPE_FAILURE_REASONS],
  [SelfMetric.listenerClosedConnections, CLOSED_REASONS],
  [SelfMetric.listenerRefusedConnections, LISTENER_REFUSED_REASONS],
  [SelfMetric.processorDroppedMetricPoints, [...DELTA_DROPS, ...BATCH_DROP_REASONS, ...KONG_METRICS_DROPS]],
  [RESETS, RESET_REASONS],
  [STREAMS_EVICTED, EVICTION_REASONS],
  [SelfMetric.exporterSendFailedMetricPoints, [...SEND_FAILED_REASONS, 'http_<status>', ...PROMETHEUS_DROPS]],
  [SelfMetric.exporterEnqueueFailedMetricPoints, ENQUEUE_FAILED_REASONS],
];

describe('docs/troubleshooting.md explains every refusal reason', () => {
  it.each(cases)('%s', (counter, reasons) => {
    expect(sectionsFor(doc, counter), `a section headed with ${counter}`).not.toHaveLength(0);
    const rows = explained(doc, counter);
    expect(reasons.filter((r) => !rows.has(r))).toEqual([]);
  });

  it('is linked from the README', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('docs/troubleshooting.md');
  });
});
