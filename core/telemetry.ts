/**
 * The collector's own counters and gauges (accepted, refused, dropped, sent, failed, queue size…), kept
 * apart from the user's metrics so a broken pipeline can still report on itself. Names follow the
 * OTel Collector's `otelcol_*` self-metrics with a `kongtel_` prefix; rendered in Prometheus text.
 */

export type Labels = Readonly<Record<string, string>>;

export interface CounterHandle {
  add(n?: number): void;
}

export interface GaugeHandle {
  set(v: number): void;
}

interface Series {
  labels: Labels;
  value: number;
  read?: () => number;
}

interface Family {
  type: 'counter' | 'gauge';
  help: string;
  series: Map<string, Series>;
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  let s = '';
  for (const k of keys) s += `${k}=${labels[k]}\u0000`;
  return s;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class SelfTelemetry {
  private readonly families = new Map<string, Family>();

  /** A monotonic counter; `name` should end in `_total`. Handles are cheap to keep and to call. */
  counter(name: string, help: string, labels: Labels = {}): CounterHandle {
    const s = this.series(name, 'counter', help, labels);
    return {
      add: (n = 1) => {
        s.value += n;
      },
    };
  }

  gauge(name: string, help: string, labels: Labels = {}): GaugeHandle {
    const s = this.series(name, 'gauge', help, labels);
    return {
      set: (v) => {
        s.value = v;
      },
    };
  }

  /** A gauge whose value is read when rendered (queue sizes, memory). */
  observableGauge(name: string, help: string, labels: Labels, read: () => number): void {
    this.series(name, 'gauge', help, labels).read = read;
  }

  /** Current value of one series (0 when it was never touched). */
  value(name: string, labels: Labels = {}): number {
    const s = this.families.get(name)?.series.get(labelKey(labels));
    if (!s) return 0;
    return s.read ? s.read() : s.value;
  }

  /** Sum over every series of a family whose labels include `match`. */
  sum(name: string, match: Labels = {}): number {
    const f = this.families.get(name);
    if (!f) return 0;
    let total = 0;
    for (const s of f.series.values()) {
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.read ? s.read() : s.value;
    }
    return total;
  }

  /**
   * One string, unlike the exporter's streamed `/metrics`: this page's series are bounded by the
   * configuration, not by what clients send (component ids × fixed reasons, the status codes kongtel
   * itself answers, configured scrape targets, kong_metrics' own instrument names), a few hundred lines.
   * A label value taken from client input must never be added here; count such things under a reason.
   */
  renderPrometheus(): string {
    const out: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.series.values()) {
        const labels = Object.entries(s.labels)
          .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
          .join(',');
        const v = s.read ? s.read() : s.value;
        out.push(`${name}${labels ? `{${labels}}` : ''} ${v}`);
      }
    }
    return out.join('\n') + '\n';
  }

  private series(name: string, type: Family['type'], help: string, labels: Labels): Series {
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, series: new Map() };
      this.families.set(name, f);
    }
    const key = labelKey(labels);
    let s = f.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, value: 0 };
      f.series.set(key, s);
    }
    return s;
  }
}

/**
 * The self-metric names every component uses, in one place so they cannot drift. Labels: `receiver`,
 * `processor` + `pipeline`, `exporter` = the component id; `reason` where a count has several causes
 * (the receivers' and listeners' values are in core/reasons.ts).
 */
export const SelfMetric = {
  receiverAcceptedLogRecords: 'kongtel_receiver_accepted_log_records_total',
  receiverRefusedLogRecords: 'kongtel_receiver_refused_log_records_total',
  receiverRejectedLogRecords: 'kongtel_receiver_rejected_log_records_total',
  receiverAcceptedMetricPoints: 'kongtel_receiver_accepted_metric_points_total',
  receiverRefusedMetricPoints: 'kongtel_receiver_refused_metric_points_total',
  receiverRequests: 'kongtel_receiver_requests_total',
  /** Checkpoint (read offsets) writes that failed; file-log receiver. */
  receiverCheckpointWriteFailures: 'kongtel_receiver_checkpoint_write_failures_total',
  processorIncomingItems: 'kongtel_processor_incoming_items_total',
  processorOutgoingItems: 'kongtel_processor_outgoing_items_total',
  processorDroppedMetricPoints: 'kongtel_processor_dropped_metric_points_total',
  processorRefusedMetricPoints: 'kongtel_processor_refused_metric_points_total',
  exporterSentMetricPoints: 'kongtel_exporter_sent_metric_points_total',
  exporterSendFailedMetricPoints: 'kongtel_exporter_send_failed_metric_points_total',
  exporterDroppedMetricPoints: 'kongtel_exporter_dropped_metric_points_total',
  exporterEnqueueFailedMetricPoints: 'kongtel_exporter_enqueue_failed_metric_points_total',
  exporterRetries: 'kongtel_exporter_retries_total',
  exporterQueueSize: 'kongtel_exporter_queue_size',
  exporterQueueCapacity: 'kongtel_exporter_queue_capacity',
  // Issue 9, name translation (prometheus exporter): attributes whose key has no Prometheus label name.
  exporterDroppedAttributes: 'kongtel_exporter_dropped_attributes_total',
  // kong_metrics' series budget: series held across all its metrics, and max_series.
  processorKongMetricsSeries: 'kongtel_processor_kong_metrics_series',
  processorKongMetricsSeriesLimit: 'kongtel_processor_kong_metrics_series_limit',
  /** prometheus exporter: streams held (each resource's target_info counting one), and the max_streams budget. */
  exporterPrometheusStreams: 'kongtel_exporter_prometheus_streams',
  exporterPrometheusStreamsLimit: 'kongtel_exporter_prometheus_streams_limit',
  /** prometheus exporter: series on /metrics now (target_info included), to size a scraper's sample_limit. */
  exporterPrometheusSeries: 'kongtel_exporter_prometheus_series',
  // Every listener (label `listener` = its config key path, e.g. `receivers.kong_http_log`): see core/net.
  listenerOpenConnections: 'kongtel_listener_open_connections',
  listenerRefusedConnections: 'kongtel_listener_refused_connections_total',
  listenerClosedConnections: 'kongtel_listener_closed_connections_total',
  // Issue 12, prometheus receiver: a target whose Kong node_id changed between scrapes (labels receiver, job, instance).
  receiverScrapeIdentityChanges: 'kongtel_receiver_scrape_identity_changes_total',
} as const;
