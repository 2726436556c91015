import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { toHistogram } from '../../../receivers/prometheus/histogram_buckets.js';
import { PageSequence, allMetrics, histogramValue, metric, numberValue, point, stubTarget, T0, times } from './helpers.js';

describe('conversion: Prometheus types → OTel data model', () => {
  const page = [
    '# HELP reqs_total Requests.',
    '# TYPE reqs_total counter',
    'reqs_total{code="200"} 7',
    'reqs_total{code="500"} 2',
    '# TYPE temp gauge',
    '# UNIT temp Cel',
    'temp 21.5',
    'loose{a="b"} 3',
    '# TYPE lat histogram',
    'lat_bucket{svc="a",le="10"} 2',
    'lat_bucket{svc="a",le="50"} 5',
    'lat_bucket{svc="a",le="+Inf"} 6',
    'lat_sum{svc="a"} 140',
    'lat_count{svc="a"} 6',
    '# TYPE rpc summary',
    'rpc{quantile="0.5"} 4',
    'rpc{quantile="0.99"} 9',
    'rpc_sum 120',
    'rpc_count 30',
  ].join('\n');

  it('counter → monotonic cumulative Sum, name kept (with _total), help as description', () => {
    const r = new PageSequence().convert(page, T0);
    const m = metric(r.resourceMetrics, 'reqs_total');
    expect(m).toMatchObject({
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      descriptor: { name: 'reqs_total', description: 'Requests.', unit: '' },
    });
    expect(numberValue(r.resourceMetrics, 'reqs_total', { code: '200' })).toBe(7);
    expect(numberValue(r.resourceMetrics, 'reqs_total', { code: '500' })).toBe(2);
  });

  it('gauge and untyped → Gauge; # UNIT becomes the unit', () => {
    const r = new PageSequence().convert(page, T0);
    expect(metric(r.resourceMetrics, 'temp')).toMatchObject({ dataPointType: DataPointType.GAUGE, descriptor: { unit: 'Cel' } });
    expect(metric(r.resourceMetrics, 'loose').dataPointType).toBe(DataPointType.GAUGE);
    expect(numberValue(r.resourceMetrics, 'temp')).toBe(21.5);
    expect(numberValue(r.resourceMetrics, 'loose', { a: 'b' })).toBe(3);
  });

  it('histogram → explicit buckets: cumulative le counts made per bucket, +Inf the rest, _sum, _count; no le attribute', () => {
    const r = new PageSequence().convert(page, T0);
    expect(metric(r.resourceMetrics, 'lat').aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(histogramValue(r.resourceMetrics, 'lat')).toEqual({ buckets: { boundaries: [10, 50], counts: [2, 3, 1] }, count: 6, sum: 140 });
    expect(point(r.resourceMetrics, 'lat').attributes).toEqual({ svc: 'a' });
  });

  it('summary → Gauge of quantiles (quantile attribute) plus monotonic Sums <name>_sum and <name>_count', () => {
    const r = new PageSequence().convert(page, T0);
    expect(metric(r.resourceMetrics, 'rpc').dataPointType).toBe(DataPointType.GAUGE);
    expect(numberValue(r.resourceMetrics, 'rpc', { quantile: '0.99' })).toBe(9);
    expect(metric(r.resourceMetrics, 'rpc_sum')).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true });
    expect(numberValue(r.resourceMetrics, 'rpc_sum')).toBe(120);
    expect(numberValue(r.resourceMetrics, 'rpc_count')).toBe(30);
    expect(point(r.resourceMetrics, 'rpc_count').attributes).toEqual({});
  });

  it('counts points, keeps page order, and stamps one resource with scope kongtel/receiver/prometheus', () => {
    const r = new PageSequence().convert(page, T0);
    expect(r.points).toBe(2 + 1 + 1 + 1 + 2 + 1 + 1);
    expect(r.errorCount).toBe(0);
    expect(allMetrics(r.resourceMetrics).map((m) => m.descriptor.name)).toEqual(['reqs_total', 'temp', 'loose', 'lat', 'rpc', 'rpc_sum', 'rpc_count']);
    expect(r.resourceMetrics).toHaveLength(1);
    expect(r.resourceMetrics[0].scopeMetrics[0].scope).toEqual({ name: 'kongtel/receiver/prometheus', version: '0.1.0' });
    expect(r.resourceMetrics[0].resource.attributes).toEqual({
      'service.name': 'kong',
      'service.instance.id': 'kong:8100',
      'server.address': 'kong',
      'server.port': 8100,
      'url.scheme': 'http',
    });
  });

  it('a sample timestamp is the point end time; otherwise the scrape time', () => {
    const r = new PageSequence().convert('a 1 1699999999500\nb 2\n', T0);
    expect(times(r.resourceMetrics, 'a')[1]).toBe(1_699_999_999_500);
    expect(times(r.resourceMetrics, 'b')).toEqual([T0, T0]);
  });

  it('a repeated series is skipped and reported with its line', () => {
    const r = new PageSequence().convert('# TYPE c counter\nc{a="1"} 1\nc{a="1"} 2\ng 1\ng 2\n', T0);
    expect(numberValue(r.resourceMetrics, 'c')).toBe(1);
    expect(numberValue(r.resourceMetrics, 'g')).toBe(1);
    expect(r.errors.map((e) => e.line)).toEqual([3, 5]);
  });
});

describe('histogram buckets', () => {
  const CASES: [string, Parameters<typeof toHistogram>[0], ReturnType<typeof toHistogram>][] = [
    ['sorted with +Inf', { bounds: [1, 2, Infinity], cumulative: [1, 3, 4], sum: 5, count: 4 }, { buckets: { boundaries: [1, 2], counts: [1, 2, 1] }, count: 4, sum: 5 }],
    ['unsorted buckets are sorted by le', { bounds: [Infinity, 2, 1], cumulative: [4, 3, 1], sum: 5, count: 4 }, { buckets: { boundaries: [1, 2], counts: [1, 2, 1] }, count: 4, sum: 5 }],
    ['no +Inf bucket: _count is the total', { bounds: [1, 2], cumulative: [1, 3], sum: 5, count: 4 }, { buckets: { boundaries: [1, 2], counts: [1, 2, 1] }, count: 4, sum: 5 }],
    ['only +Inf and no _sum (Kong docs): one bucket, no sum', { bounds: [Infinity], cumulative: [2], sum: undefined, count: undefined }, { buckets: { boundaries: [], counts: [2] }, count: 2 }],
    ['only _sum and _count', { bounds: [], cumulative: [], sum: 9, count: 3 }, { buckets: { boundaries: [], counts: [3] }, count: 3, sum: 9 }],
    ['counts going down with le are refused', { bounds: [1, 2, Infinity], cumulative: [3, 1, 4], sum: 1, count: 4 }, 'bucket le="2" counts less than the bucket before it (bucket counts are cumulative)'],
    ['two buckets with one le are refused', { bounds: [1, 1, Infinity], cumulative: [1, 1, 4], sum: 1, count: 4 }, 'two buckets with le="1"'],
    ['nothing at all is refused', { bounds: [], cumulative: [], sum: 1, count: undefined }, 'no buckets and no _count'],
    // One OTel point must hold together, which Prometheus (one series per line) never checks.
    ['_count above the +Inf bucket is refused', { bounds: [1, Infinity], cumulative: [1, 2], sum: 1, count: 3 }, '_count differs from the +Inf bucket (both are the number of observations)'],
    ['_count below the +Inf bucket is refused', { bounds: [Infinity], cumulative: [2], sum: 1, count: 1 }, '_count differs from the +Inf bucket (both are the number of observations)'],
    ['a negative _count is refused', { bounds: [], cumulative: [], sum: 1, count: -1 }, '_count is not a whole number of observations, 0 or more'],
    ['a negative +Inf bucket and _count are refused', { bounds: [Infinity], cumulative: [-1], sum: 1, count: -1 }, 'the +Inf bucket is not a whole number of observations, 0 or more'],
    ['a negative first bucket is refused', { bounds: [1, Infinity], cumulative: [-2, 0], sum: 0, count: 0 }, 'bucket le="1" is not a whole number of observations, 0 or more'],
    ['a NaN _count is refused', { bounds: [1], cumulative: [1], sum: 1, count: NaN }, '_count is not a whole number of observations, 0 or more'],
    ['2.5 observations are refused (OTLP counts are uint64)', { bounds: [1, Infinity], cumulative: [2.5, 3], sum: 1, count: 3 }, 'bucket le="1" is not a whole number of observations, 0 or more'],
    ['an infinite count is refused', { bounds: [Infinity], cumulative: [Infinity], sum: 1, count: Infinity }, 'the +Inf bucket is not a whole number of observations, 0 or more'],
  ];
  for (const [name, input, expected] of CASES) {
    it(name, () => expect(toHistogram(input)).toEqual(expected));
  }

  it('a malformed histogram series is skipped and reported; its siblings are kept', () => {
    const r = new PageSequence().convert(
      '# TYPE h histogram\nh_bucket{s="bad",le="1"} 5\nh_bucket{s="bad",le="+Inf"} 2\nh_bucket{s="ok",le="+Inf"} 2\nh_bucket{s="x"} 1\n',
      T0,
    );
    expect(histogramValue(r.resourceMetrics, 'h', { s: 'ok' }).count).toBe(2);
    expect(r.points).toBe(1);
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'h: the +Inf bucket (or _count) is less than a bucket below it; the series is skipped'],
      [5, 'h: line 5: a bucket needs an le label holding a number or +Inf; the series is skipped'],
    ]);
  });
});

describe('conversion: what Prometheus stores but one OTel point cannot hold', () => {
  it('a histogram whose _count disagrees with its +Inf bucket, or is negative, is skipped and reported; its siblings are kept', () => {
    const r = new PageSequence().convert(
      [
        '# TYPE h histogram',
        'h_bucket{s="more",le="1"} 1',
        'h_bucket{s="more",le="+Inf"} 2',
        'h_sum{s="more"} 1',
        'h_count{s="more"} 3',
        'h_bucket{s="neg",le="+Inf"} -1',
        'h_count{s="neg"} -1',
        'h_bucket{s="ok",le="+Inf"} 4',
        'h_count{s="ok"} 4',
      ].join('\n'),
      T0,
    );
    expect(histogramValue(r.resourceMetrics, 'h', { s: 'ok' }).count).toBe(4);
    expect(r.points).toBe(1);
    expect(r.errors).toEqual([
      { line: 2, message: 'h: _count differs from the +Inf bucket (both are the number of observations); the series is skipped' },
      { line: 6, message: 'h: the +Inf bucket is not a whole number of observations, 0 or more; the series is skipped' },
    ]);
  });

  it('an le in a notation Prometheus does not read (0x10) makes the series unusable', () => {
    const r = new PageSequence().convert('# TYPE h histogram\nh_bucket{le="0x10"} 1\nh_bucket{le="+Inf"} 1\nh_count 1\n', T0);
    expect(r.points).toBe(0);
    expect(r.errors.map((e) => e.message)).toEqual(['h: line 2: a bucket needs an le label holding a number or +Inf; the series is skipped']);
  });

  it('a second _count or _sum of one histogram series is reported and ignored', () => {
    const r = new PageSequence().convert('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 2\nh_count 5\nh_sum 1\nh_sum 9\n', T0);
    expect(histogramValue(r.resourceMetrics, 'h')).toEqual({ buckets: { boundaries: [], counts: [2] }, count: 2, sum: 1 });
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([
      [4, 'h: a second h_count for one series: ignored'],
      [6, 'h: a second h_sum for one series: ignored'],
    ]);
  });

  it('a summary sample whose quantile is not a number from 0 to 1 is reported and ignored; _sum and _count are kept', () => {
    const r = new PageSequence().convert(
      '# TYPE s summary\ns{quantile="0.5"} 3\ns{quantile="abc"} 1\ns{quantile="1.5"} 2\ns{quantile="0x1"} 2\ns{quantile="NaN"} 2\ns 7\ns_sum 10\ns_count 4\n',
      T0,
    );
    expect(metric(r.resourceMetrics, 's').dataPoints.map((p) => [p.attributes.quantile, p.value])).toEqual([['0.5', 3]]);
    expect(numberValue(r.resourceMetrics, 's_sum')).toBe(10);
    expect(numberValue(r.resourceMetrics, 's_count')).toBe(4);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(r.errors[0].message).toBe('s: a summary sample needs a quantile label holding a number from 0 to 1: ignored');
  });
});

describe('conversion: sample timestamps of histograms and summaries', () => {
  it('summary: each of the quantiles, _sum and _count keeps the time of its own line', () => {
    const r = new PageSequence().convert('# TYPE s summary\ns{quantile="0.5"} 1 1000\ns_sum 3 2000\ns_count 2 3000\n', T0);
    expect(times(r.resourceMetrics, 's', { quantile: '0.5' })).toEqual([1000, 1000]);
    expect(times(r.resourceMetrics, 's_sum')[1]).toBe(2000);
    expect(times(r.resourceMetrics, 's_count')[1]).toBe(3000);
  });

  it('histogram: the point takes the time of its _count line, as the Collector does (_count is the line a histogram must have)', () => {
    const r = new PageSequence().convert('# TYPE h histogram\nh_bucket{le="+Inf"} 1 1000\nh_sum 1 2000\nh_count 1 3000\n', T0);
    expect(times(r.resourceMetrics, 'h')[1]).toBe(3000);
  });

  it('histogram without _count: the time of its first line', () => {
    const r = new PageSequence().convert('# TYPE h histogram\nh_bucket{le="+Inf"} 1 1000\nh_sum 1 2000\n', T0);
    expect(times(r.resourceMetrics, 'h')[1]).toBe(1000);
  });
});

describe('labels: static labels, honor_labels', () => {
  const text = 'm{job="scraped-job",instance="scraped:1",zone="page",k="v"} 1\n';

  it('honor_labels false: scraped job/instance/static-label names become exported_*, the target values win', () => {
    const seq = new PageSequence(stubTarget({ staticLabels: { zone: 'eu', team: 'edge' } }));
    const r = seq.convert(text, T0);
    expect(point(r.resourceMetrics, 'm').attributes).toEqual({
      exported_job: 'scraped-job',
      exported_instance: 'scraped:1',
      exported_zone: 'page',
      k: 'v',
      zone: 'eu',
      team: 'edge',
    });
    expect(r.resourceMetrics[0].resource.attributes['service.name']).toBe('kong');
  });

  it('honor_labels false: an exported_ name already on the page is not overwritten', () => {
    const r = new PageSequence().convert('m{job="a",exported_job="b"} 1\n', T0);
    expect(point(r.resourceMetrics, 'm').attributes).toEqual({ exported_exported_job: 'a', exported_job: 'b' });
  });

  it('honor_labels true: scraped values win; scraped job/instance name their own resource', () => {
    const seq = new PageSequence(stubTarget({ honorLabels: true, staticLabels: { zone: 'eu', team: 'edge' } }));
    const r = seq.convert(text + 'm{k="own"} 2\n', T0);
    expect(r.resourceMetrics).toHaveLength(2);
    const [own, federated] = r.resourceMetrics;
    expect(own.resource.attributes['service.name']).toBe('kong');
    expect(federated.resource.attributes).toEqual({
      'service.name': 'scraped-job',
      'service.instance.id': 'scraped:1',
      'server.address': 'scraped',
      'server.port': 1,
      'url.scheme': 'http',
    });
    expect(point([federated], 'm').attributes).toEqual({ zone: 'page', k: 'v', team: 'edge' });
    expect(point([own], 'm').attributes).toEqual({ k: 'own', zone: 'eu', team: 'edge' });
  });

  it('empty label values are kept (Kong prints consumer="" and the Kong mapping reads it)', () => {
    const r = new PageSequence().convert('m{consumer="",cache_status=""} 1\n', T0);
    expect(point(r.resourceMetrics, 'm').attributes).toEqual({ consumer: '', cache_status: '' });
  });
});

describe('start times', () => {
  const T1 = T0 + 10_000;
  const T2 = T0 + 20_000;
  const T3 = T0 + 30_000;
  const counter = (v: number, extra = ''): string => `# TYPE c_total counter\nc_total{a="x"} ${v}\n${extra}`;

  it('first scrape: start = end = the scrape time; kept while the value does not go down', () => {
    const seq = new PageSequence();
    expect(times(seq.convert(counter(5), T0).resourceMetrics, 'c_total')).toEqual([T0, T0]);
    expect(times(seq.convert(counter(5), T1).resourceMetrics, 'c_total')).toEqual([T0, T1]);
    expect(times(seq.convert(counter(9), T2).resourceMetrics, 'c_total')).toEqual([T0, T2]);
  });

  it('a lower value is a reset: the start becomes the previous scrape time, then stays', () => {
    const seq = new PageSequence();
    seq.convert(counter(50), T0);
    seq.convert(counter(70), T1);
    const reset = seq.convert(counter(3), T2).resourceMetrics;
    expect(times(reset, 'c_total')).toEqual([T1, T2]);
    expect(numberValue(reset, 'c_total')).toBe(3);
    expect(times(seq.convert(counter(4), T3).resourceMetrics, 'c_total')).toEqual([T1, T3]);
  });

  it('a reset at the second scrape starts 1 ms after the first: still before the new counts, and a visible change', () => {
    const seq = new PageSequence();
    seq.convert(counter(50), T0);
    expect(times(seq.convert(counter(2), T1).resourceMetrics, 'c_total')).toEqual([T0 + 1, T1]);
  });

  it('a histogram whose count goes down is reset the same way', () => {
    const h = (n: number): string => `# TYPE h histogram\nh_bucket{le="+Inf"} ${n}\nh_sum ${n * 2}\nh_count ${n}\n`;
    const seq = new PageSequence();
    seq.convert(h(10), T0);
    expect(times(seq.convert(h(12), T1).resourceMetrics, 'h')).toEqual([T0, T1]);
    expect(times(seq.convert(h(1), T2).resourceMetrics, 'h')).toEqual([T1, T2]);
  });

  it('a series first seen in a later scrape starts at the previous scrape (it was not there then)', () => {
    const seq = new PageSequence();
    seq.convert(counter(5), T0);
    const r = seq.convert(counter(6, 'c_total{a="new"} 2\n'), T1).resourceMetrics;
    expect(times(r, 'c_total', { a: 'new' })).toEqual([T0, T1]);
    expect(times(r, 'c_total', { a: 'x' })).toEqual([T0, T1]);
  });

  it('a series missing from a scrape is forgotten; a failed scrape (no page) forgets nothing', () => {
    const seq = new PageSequence();
    seq.convert(counter(5, 'c_total{a="gone"} 1\n'), T0);
    expect(seq.tracked).toBe(2);
    seq.convert(counter(6), T1);
    expect(seq.tracked).toBe(1);
    // T2: the target was down, nothing converted. T3: back, with a lower value: reset, starting at T1.
    const r = seq.convert(counter(1, 'c_total{a="gone"} 1\n'), T3).resourceMetrics;
    expect(times(r, 'c_total', { a: 'x' })).toEqual([T1, T3]);
    expect(times(r, 'c_total', { a: 'gone' })).toEqual([T1, T3]);
  });

  it('summary _sum and _count share the start time, reset when _count goes down', () => {
    const s = (n: number): string => `# TYPE s summary\ns{quantile="0.5"} 1\ns_sum ${n * 3}\ns_count ${n}\n`;
    const seq = new PageSequence();
    seq.convert(s(10), T0);
    seq.convert(s(11), T1);
    const r = seq.convert(s(2), T2).resourceMetrics;
    expect(times(r, 's_sum')).toEqual([T1, T2]);
    expect(times(r, 's_count')).toEqual([T1, T2]);
    expect(times(r, 's', { quantile: '0.5' })).toEqual([T2, T2]);
  });
});
