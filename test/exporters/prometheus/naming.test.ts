import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock, SelfMetric, SelfTelemetry } from '../../../core/index.js';
import {
  prometheusConfigSchema,
  prometheusExporterFactory,
  prometheusMetricName,
  sanitizeLabelName,
  sanitizeMetricName,
} from '../../../exporters/prometheus/index.js';
import type { OtelMetricKind } from '../../../exporters/prometheus/naming.js';
import { testContext } from '../../helpers/context.js';
import { batchOf, gauge, harness, samples, sum, T0 } from './builders.js';

/**
 * Names as Prometheus' OTLP translator builds them (github.com/prometheus/otlptranslator 51da7739, the
 * default UnderscoreEscapingWithSuffixes and, for add_metric_suffixes: false, UnderscoreEscapingWithoutSuffixes).
 * Cases written from its README and the rules its tests state (metric_namer_test.go, label_namer_test.go).
 */

const WITH_SUFFIXES = { namespace: '', addSuffixes: true };

// [OTel name, unit, kind, Prometheus family name, or undefined: dropped]
const NAME_TABLE: [string, string, OtelMetricKind, string | undefined][] = [
  // kongtel's own instruments (metric-mapping.md)
  ['kong.latency.total', 's', 'histogram', 'kong_latency_total_seconds'],
  ['kong.latency.internal', 's', 'histogram', 'kong_latency_internal_seconds'],
  ['http.server.request.size', 'By', 'histogram', 'http_server_request_size_bytes'],
  ['http.server.request.count', '{request}', 'monotonic_sum', 'http_server_request_count_total'],
  ['gen_ai.client.token.usage', '{token}', 'monotonic_sum', 'gen_ai_client_token_usage_total'],
  ['gen_ai.client.token.usage', '{token}', 'histogram', 'gen_ai_client_token_usage'],
  ['kong.gen_ai.llm.cost', '{cost}', 'monotonic_sum', 'kong_gen_ai_llm_cost_total'],
  ['gen_ai.client.operation.duration', 's', 'histogram', 'gen_ai_client_operation_duration_seconds'],
  // the translator's README
  ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
  ['requests.count', '1', 'monotonic_sum', 'requests_count_total'],
  ['memory.usage', 'By', 'gauge', 'memory_usage_bytes'],
  ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
  // unit words, the translator's tables
  ['queue.wait', 'ms', 'gauge', 'queue_wait_milliseconds'],
  ['cache.size', 'KiBy', 'gauge', 'cache_size_kibibytes'],
  ['heap.size', 'MiBy', 'sum', 'heap_size_mebibytes'],
  ['capacity', 'TiBy', 'gauge', 'capacity_tibibytes'],
  ['uptime', 'min', 'gauge', 'uptime_minutes'],
  ['cert.lifetime', 'h', 'gauge', 'cert_lifetime_hours'],
  ['license.left', 'd', 'gauge', 'license_left_days'],
  ['latency', 'us', 'gauge', 'latency_microseconds'],
  ['temperature', 'Cel', 'gauge', 'temperature_celsius'],
  ['cpu.frequency', 'Hz', 'gauge', 'cpu_frequency_hertz'],
  ['psu.voltage', 'V', 'gauge', 'psu_voltage_volts'],
  ['disk.used', '%', 'gauge', 'disk_used_percent'],
  ['transfer.speed', 'm/s', 'gauge', 'transfer_speed_meters_per_second'],
  ['network.throughput', 'By/s', 'gauge', 'network_throughput_bytes_per_second'],
  ['requests', '1/s', 'gauge', 'requests_per_second'],
  ['requests', '1/m', 'gauge', 'requests_per_minute'],
  ['renewals', '1/y', 'gauge', 'renewals_per_year'],
  ['uploads', 'By/min', 'gauge', 'uploads_bytes_per_min'],
  ['custom', '1/custom_unit', 'gauge', 'custom_per_custom_unit'],
  ['custom_metric', 'custom_unit', 'gauge', 'custom_metric_custom_unit'],
  ['custom_metric', 'unit@with#special/chars', 'gauge', 'custom_metric_unit_with_special_per_chars'],
  ['invoice.amount', 'USD', 'monotonic_sum', 'invoice_amount_USD_total'],
  ['metric', ' By / s ', 'gauge', 'metric_bytes_per_second'],
  ['metric', 'By/', 'gauge', 'metric_bytes'],
  ['metric', '/', 'gauge', 'metric'],
  // a part holding braces adds nothing at all
  ['request.rate', '{request}/s', 'gauge', 'request_rate_per_second'],
  ['custom_metric', 'By/{custom}', 'gauge', 'custom_metric_bytes'],
  ['payload', 'By{compressed}', 'gauge', 'payload'],
  // "1": ratio for gauges only, and only for exactly "1"
  ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization_ratio'],
  ['pool.fill', '1', 'sum', 'pool_fill'],
  ['retries', '1', 'monotonic_sum', 'retries_total'],
  ['hit.ratio', '1', 'gauge', 'hit_ratio'],
  ['ratio.of.hits', '1', 'gauge', 'of_hits_ratio'],
  ['hits', ' 1', 'gauge', 'hits'],
  // a unit word is added unless one token equals it; total/ratio tokens move to the end
  ['process.cpu.seconds', 's', 'monotonic_sum', 'process_cpu_seconds_total'],
  ['process.cpu.seconds.total', 's', 'monotonic_sum', 'process_cpu_seconds_total'],
  ['requests_total', '', 'monotonic_sum', 'requests_total'],
  ['busy.total', 's', 'monotonic_sum', 'busy_seconds_total'],
  ['total.requests', '', 'monotonic_sum', 'requests_total'],
  ['total', '', 'monotonic_sum', 'total'],
  ['body.bytes', 'By', 'histogram', 'body_bytes'],
  ['rx.bytes.per.second', 'By/s', 'gauge', 'rx_bytes_per_second_per_second'],
  // characters: every character outside [a-zA-Z0-9:] separates tokens, _ included
  ['my-metric/name', '', 'gauge', 'my_metric_name'],
  ['a..b__c', '', 'gauge', 'a_b_c'],
  ['_leading.and.trailing_', '', 'gauge', 'leading_and_trailing'],
  ['metric__with__multiple__underscores', 'unit__multiple__underscores', 'gauge', 'metric_with_multiple_underscores_unit_multiple_underscores'],
  ['1st.metric', '', 'gauge', '_1st_metric'],
  ['recorded:rule', '', 'gauge', 'recorded:rule'],
  ['naïve.größe', '', 'gauge', 'na_ve_gr_e'],
  // nothing left: dropped (it would otherwise merge with every other such metric)
  ['', '', 'gauge', undefined],
  ['___', '', 'gauge', undefined],
  ['@#$%', '', 'gauge', undefined],
  ['ようこそ', '', 'histogram', undefined],
  ['...', 's', 'gauge', 'seconds'],
  ['...', '', 'monotonic_sum', 'total'],
];

describe('OTel → Prometheus metric names (otlptranslator, with suffixes)', () => {
  it.each(NAME_TABLE)('%j (%j, %s) → %s', (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind, WITH_SUFFIXES)).toBe(expected);
  });

  it.each([
    ['app', 'requests', '1/s', 'monotonic_sum', 'app_requests_per_second_total'],
    ['app', '123_requests', '', 'monotonic_sum', 'app_123_requests_total'],
    ['edge', 'http.server.request.count', '{request}', 'monotonic_sum', 'edge_http_server_request_count_total'],
    ['a__b', 'x', '', 'gauge', 'a__b_x'],
  ] as [string, string, string, OtelMetricKind, string][])('namespace %s: %s → %s', (namespace, name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind, { namespace, addSuffixes: true })).toBe(expected);
  });
});

describe('OTel → Prometheus metric names (otlptranslator, add_metric_suffixes: false)', () => {
  it.each([
    ['kong.latency.total', 's', 'histogram', 'kong_latency_total'],
    ['http.server.request.count', '{request}', 'monotonic_sum', 'http_server_request_count'],
    ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization'],
    ['simple_metric', '', 'gauge', 'simple_metric'],
    ['metric@with#special$chars', '', 'gauge', 'metric_with_special_chars'],
    ['metric@@##$$name', '', 'gauge', 'metric_name'],
    ['123metric', '', 'gauge', '_123metric'],
    // _ is kept as written here, runs and edges included
    ['a__b', '', 'gauge', 'a__b'],
    ['.a.', '', 'gauge', 'a'],
    // a name needing no change is kept, even only underscores; one that becomes only underscores is not
    ['___', '', 'gauge', '___'],
    ['@_#_$_%', '', 'gauge', undefined],
    ['@#$%', '', 'gauge', undefined],
    ['', '', 'gauge', undefined],
  ] as [string, string, OtelMetricKind, string | undefined][])('%j → %s', (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind, { namespace: '', addSuffixes: false })).toBe(expected);
  });

  it('namespace: joined with _, no _ prefix for a leading digit of the name', () => {
    expect(prometheusMetricName('simple_metric', '', 'gauge', { namespace: 'test_namespace', addSuffixes: false })).toBe('test_namespace_simple_metric');
    expect(prometheusMetricName('1x', '', 'gauge', { namespace: 'ns', addSuffixes: false })).toBe('ns_1x');
  });

  it('sanitizeMetricName alone keeps : and _, and joins what is between invalid runs', () => {
    expect(sanitizeMetricName('a:b..c__d')).toBe('a:b_c__d');
  });
});

describe('attribute → label names (otlptranslator LabelNamer)', () => {
  it.each([
    ['kong.service.name', 'kong_service_name'],
    ['http.response.status_code', 'http_response_status_code'],
    ['k8s.pod-name', 'k8s_pod_name'],
    ['label:with:colons', 'label_with_colons'],
    ['LabelWithCapitalLetters', 'LabelWithCapitalLetters'],
    ['label!with&special$chars)', 'label_with_special_chars_'],
    ['label_with_foreign_characters_字符', 'label_with_foreign_characters_'],
    ['.foo', '_foo'],
    ['123label', 'key_123label'],
    ['1abc', 'key_1abc'],
    ['_label_starting_with_underscore', '_label_starting_with_underscore'],
    ['__label_starting_with_2underscores', '_label_starting_with_2underscores'],
    ['label__with__double__underscores', 'label_with_double_underscores'],
    ['label.name__with&&special##chars', 'label_name_with_special_chars'],
    ['__reserved__label__name__', '__reserved_label_name__'],
    ['trailing_underscores___', 'trailing_underscores_'],
    // nothing but underscores once sanitised: no label name
    ['', undefined],
    ['_', undefined],
    ['__', undefined],
    ['____', undefined],
    ['...', undefined],
    ['ようこそ', undefined],
  ])('%j → %s', (key, expected) => {
    expect(sanitizeLabelName(key)).toBe(expected);
  });
});

describe('names with no Prometheus form, end to end', () => {
  it('the metrics are dropped and counted (not merged into one family `_`); the rest of the batch is kept', async () => {
    const { exporter, telemetry } = harness({ without_scope_info: true, without_target_info: true });
    await exporter.consume(batchOf(gauge('...', '', [{ value: 1 }]), gauge('!!!', '', [{ value: 2 }, { attrs: { a: 'b' }, value: 3 }]), gauge('ok', '', [{ value: 4 }])));
    expect(samples(exporter.scrape())).toEqual(['ok{job="kongtel",instance="pod-1"} 4']);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'prometheus', reason: 'invalid_name' })).toBe(3);
    expect(telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'prometheus' })).toBe(1);
  });

  it('attributes whose key has no label name are left off the series, counted, and logged once per key', async () => {
    const logs: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
    const telemetry = new SelfTelemetry();
    const config = prometheusConfigSchema.parse({ endpoint: '127.0.0.1:0', without_scope_info: true, without_target_info: true });
    const exporter = prometheusExporterFactory.create(config, { ...testContext('prometheus', 'exporter', { clock: new ManualClock(T0), telemetry }), logger });
    await exporter.consume(batchOf(sum('hits', '', [{ attrs: { 'ようこそ': 'x', '': 'y', '1st': 'z' }, value: 1 }, { attrs: { 'ようこそ': 'w', ok: 'v' }, value: 2 }])));
    await exporter.consume(batchOf(sum('hits', '', [{ attrs: { 'ようこそ': 'x', '': 'y', '1st': 'z' }, value: 5 }])));
    if (!('scrape' in exporter) || typeof exporter.scrape !== 'function') throw new Error('not the Prometheus exporter');
    expect(samples(exporter.scrape() as string)).toEqual([
      'hits_total{key_1st="z",job="kongtel",instance="pod-1"} 5',
      'hits_total{ok="v",job="kongtel",instance="pod-1"} 2',
    ]);
    // Counted when a series is made: two series, three keys left off.
    expect(telemetry.value(SelfMetric.exporterDroppedAttributes, { exporter: 'prometheus' })).toBe(3);
    const warnings = logs.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toEqual([
      'attribute "" left off the series: its key has no Prometheus label name (nothing but characters other than a-z, A-Z, 0-9); rename it (logged once)',
      'attribute "ようこそ" left off the series: its key has no Prometheus label name (nothing but characters other than a-z, A-Z, 0-9); rename it (logged once)',
    ]);
  });

  it('a metric dropped for its name is logged once', async () => {
    const logs: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
    const config = prometheusConfigSchema.parse({ endpoint: '127.0.0.1:0' });
    const exporter = prometheusExporterFactory.create(config, { ...testContext('prometheus', 'exporter', { clock: new ManualClock(T0) }), logger });
    await exporter.consume(batchOf(gauge('ようこそ', '', [{ value: 1 }])));
    await exporter.consume(batchOf(gauge('ようこそ', '', [{ value: 2 }])));
    expect(logs.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      'metric "ようこそ" dropped: its name has no Prometheus form (empty or nothing but _ once invalid characters are replaced); rename it (logged once)',
    ]);
  });
});
