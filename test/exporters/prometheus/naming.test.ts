import { describe, expect, it } from 'vitest';
import {
  prometheusMetricName,
  sanitizeLabelName,
  sanitizeMetricName,
} from '../../../exporters/prometheus/index.js';
import type { OtelMetricKind } from '../../../exporters/prometheus/naming.js';
import { batchOf, gauge, harness, samples, sum } from './builders.js';

const WITH_SUFFIXES = { namespace: '', addSuffixes: true };

// [OTel name, unit, kind, Prometheus family name]
const NAME_TABLE: [string, string, OtelMetricKind, string][] = [
  // kongtel's own instruments (metric-mapping.md)
  ['kong.latency.total', 's', 'histogram', 'kong_latency_total_seconds'],
  ['kong.latency.internal', 's', 'histogram', 'kong_latency_internal_seconds'],
  ['http.server.request.size', 'By', 'histogram', 'http_server_request_size_bytes'],
  ['http.server.request.count', '{request}', 'monotonic_sum', 'http_server_request_count_total'],
  ['gen_ai.client.token.usage', '{token}', 'monotonic_sum', 'gen_ai_client_token_usage_total'],
  ['gen_ai.client.token.usage', '{token}', 'histogram', 'gen_ai_client_token_usage'],
  ['kong.gen_ai.llm.cost', '{cost}', 'monotonic_sum', 'kong_gen_ai_llm_cost_total'],
  ['gen_ai.client.operation.duration', 's', 'histogram', 'gen_ai_client_operation_duration_seconds'],
  ['kong.gen_ai.mcp.request.error.count', '{error}', 'monotonic_sum', 'kong_gen_ai_mcp_request_error_count_total'],
  // unit words
  ['queue.wait', 'ms', 'gauge', 'queue_wait_milliseconds'],
  ['cache.size', 'KiBy', 'gauge', 'cache_size_kibibytes'],
  ['heap.size', 'MiBy', 'sum', 'heap_size_mebibytes'],
  ['uptime', 'min', 'gauge', 'uptime_minutes'],
  ['cert.lifetime', 'h', 'gauge', 'cert_lifetime_hours'],
  ['license.left', 'd', 'gauge', 'license_left_days'],
  ['cpu.frequency', 'Hz', 'gauge', 'cpu_frequency_hertz'],
  ['psu.voltage', 'V', 'gauge', 'psu_voltage_volts'],
  ['psu.power', 'W', 'gauge', 'psu_power_watts'],
  ['disk.used', '%', 'gauge', 'disk_used_percent'],
  ['transfer.speed', 'm/s', 'gauge', 'transfer_speed_meters_per_second'],
  ['network.throughput', 'By/s', 'gauge', 'network_throughput_bytes_per_second'],
  ['request.rate', '{request}/s', 'gauge', 'request_rate_per_second'],
  ['invoice.amount', 'USD', 'monotonic_sum', 'invoice_amount_USD_total'],
  // "1": ratio for gauges only
  ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization_ratio'],
  ['pool.fill', '1', 'sum', 'pool_fill'],
  ['retries', '1', 'monotonic_sum', 'retries_total'],
  ['hit.ratio', '1', 'gauge', 'hit_ratio'],
  // a suffix already there is not repeated; the unit goes before _total
  ['process.cpu.seconds', 's', 'monotonic_sum', 'process_cpu_seconds_total'],
  ['process.cpu.seconds.total', 's', 'monotonic_sum', 'process_cpu_seconds_total'],
  ['requests_total', '', 'monotonic_sum', 'requests_total'],
  ['busy.total', 's', 'monotonic_sum', 'busy_seconds_total'],
  ['body.bytes', 'By', 'histogram', 'body_bytes'],
  ['rx.bytes.per.second', 'By/s', 'gauge', 'rx_bytes_per_second'],
  // characters
  ['my-metric/name', '', 'gauge', 'my_metric_name'],
  ['a..b__c', '', 'gauge', 'a_b_c'],
  ['1st.metric', '', 'gauge', '_1st_metric'],
  ['recorded:rule', '', 'gauge', 'recorded:rule'],
  ['naïve.größe', '', 'gauge', 'na_ve_gr_e'],
];

describe('OTel → Prometheus metric names', () => {
  it.each(NAME_TABLE)('%s (%s, %s) → %s', (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind, WITH_SUFFIXES)).toBe(expected);
  });

  it.each([
    ['kong.latency.total', 's', 'histogram', 'kong_latency_total'],
    ['http.server.request.count', '{request}', 'monotonic_sum', 'http_server_request_count'],
    ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization'],
  ] as [string, string, OtelMetricKind, string][])('add_metric_suffixes: false: %s → %s', (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind, { namespace: '', addSuffixes: false })).toBe(expected);
  });

  it('namespace is a prefix joined with _', () => {
    expect(prometheusMetricName('http.server.request.count', '{request}', 'monotonic_sum', { namespace: 'edge', addSuffixes: true })).toBe(
      'edge_http_server_request_count_total',
    );
  });

  it('sanitizeMetricName alone keeps : and collapses runs', () => {
    expect(sanitizeMetricName('a:b..c')).toBe('a:b_c');
  });
});

describe('attribute → label names', () => {
  it.each([
    ['kong.service.name', 'kong_service_name'],
    ['http.response.status_code', 'http_response_status_code'],
    ['k8s.pod-name', 'k8s_pod_name'],
    ['1abc', '_1abc'],
    ['__reserved', '_reserved'],
    ['with:colon', 'with_colon'],
    ['', '_'],
  ])('%j → %s', (key, expected) => {
    expect(sanitizeLabelName(key)).toBe(expected);
  });

  it('colliding keys are joined with ; in the order of the original keys, values escaped', () => {
    const { exporter } = harness({ without_scope_info: true, without_target_info: true });
    void exporter.consume(
      batchOf(
        gauge('g', '', [
          { attrs: { 'a_b': 'under', 'a.b': 'dot', 'a-b': 'dash', quote: 'say "hi"\\now\nnext', n: 3, ok: true, list: ['x', 'y'] }, value: 1 },
        ]),
      ),
    );
    expect(samples(exporter.scrape())).toEqual([
      'g{a_b="dash;dot;under",list="[\\"x\\",\\"y\\"]",n="3",ok="true",quote="say \\"hi\\"\\\\now\\nnext",job="kongtel",instance="pod-1"} 1',
    ]);
  });

  it('a monotonic sum and a non-monotonic sum of one name family differently', () => {
    const { exporter } = harness({ without_scope_info: true, without_target_info: true });
    void exporter.consume(
      batchOf(sum('active.requests', '{request}', [{ value: 4 }], { monotonic: false }), sum('requests', '{request}', [{ value: 9 }])),
    );
    expect(exporter.scrape()).toBe(
      [
        '# HELP active_requests active.requests',
        '# TYPE active_requests gauge',
        'active_requests{job="kongtel",instance="pod-1"} 4',
        '# HELP requests_total requests',
        '# TYPE requests_total counter',
        'requests_total{job="kongtel",instance="pod-1"} 9',
        '',
      ].join('\n'),
    );
  });
});
