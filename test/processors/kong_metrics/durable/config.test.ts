import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector, metricBatch, parseConfig, silentLogger, withCovers } from '../../../../core/index.js';
import { FACTORIES } from '../../../../cmd/components.js';
import { OtlpStandIn } from '../../../support/stand_ins/otlp_http.js';
import { plainEntry } from '../entries.js';
import { sumBatch } from '../../../exporters/otlphttp/fixtures.js';
import { pipelineIssues } from '../../../support/config_errors.js';

/**
 * Durable mode needs every exporter it feeds to record log positions; the config loader says so with
 * the key path and the fix. And the running collector answers `coveredPosition` as the lowest over them.
 */

const issues = (yaml: string): string[] => pipelineIssues(yaml);

function config(exporters: string, pipelineExporters: string, storage = 'file_storage/wal', processors = '[kong_metrics]'): string {
  return `
extensions:
  file_storage/wal: { directory: /var/lib/kongtel/wal }
  file_storage/queue: { directory: /var/lib/kongtel/queue }
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:0
processors:
  kong_metrics:
    storage: ${storage}
  kong_metrics/plain: {}
  cumulativetodelta: {}
  batch: {}
exporters:
${exporters}
service:
  extensions: [file_storage/wal, file_storage/queue]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: ${processors}
      exporters: ${pipelineExporters}
`;
}

const DURABLE_OTLP = `  otlphttp:\n    endpoint: http://127.0.0.1:4318\n    sending_queue:\n      storage: file_storage/queue\n`;

describe('durable mode in the config', () => {
  it.each([
    ['otlphttp with a persistent queue', DURABLE_OTLP, '[otlphttp]', []],
    [
      'prometheus',
      `  prometheus:\n    endpoint: 127.0.0.1:9464\n`,
      '[prometheus]',
      [
        'processors.kong_metrics.storage: durable mode needs every exporter of pipeline "metrics" to record how far the write-ahead log is covered, and exporters.prometheus does not; exporter type "prometheus" never can: move it to a pipeline without durable mode, or remove storage',
      ],
    ],
    [
      'otlphttp with an in-memory queue, next to a durable one',
      `${DURABLE_OTLP}  otlphttp/memory:\n    endpoint: http://127.0.0.1:4318\n`,
      '[otlphttp, otlphttp/memory]',
      [
        'processors.kong_metrics.storage: durable mode needs every exporter of pipeline "metrics" to record how far the write-ahead log is covered, and exporters.otlphttp/memory does not; set sending_queue.storage to a file_storage extension (with sending_queue.enabled: true) under exporters.otlphttp/memory, or remove storage',
      ],
    ],
  ])('%s', (_name, exporters, list, expected) => {
    expect(issues(config(exporters, list))).toEqual(expected);
  });

  it('processors behind a durable kong_metrics must pass the positions on: cumulativetodelta and batch do', () => {
    expect(issues(config(DURABLE_OTLP, '[otlphttp]', undefined, '[kong_metrics, cumulativetodelta, batch]'))).toEqual([]);
    expect(issues(config(DURABLE_OTLP, '[otlphttp]', undefined, '[kong_metrics, batch, kong_metrics/plain]'))).toEqual([
      'service.pipelines.metrics.processors[2]: "kong_metrics/plain" does not pass on how far the write-ahead log of processors.kong_metrics.storage is covered, so durable mode cannot be exact behind it; use it in a pipeline without durable mode, or remove processors.kong_metrics.storage',
    ]);
  });

  it('storage names a storage extension that is defined', () => {
    expect(issues(config(DURABLE_OTLP, '[otlphttp]', 'file_storage/wall'))).toEqual([
      expect.stringMatching(/^processors\.kong_metrics\.storage: "file_storage\/wall" is not defined under extensions \(did you mean "file_storage\/wal"\?\)/),
    ]);
  });
});

describe('Collector.coveredPosition', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('is the lowest position over the exporters of the processor\'s pipeline, undefined while one has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kongtel-collector-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const backend = await new OtlpStandIn().start();
    cleanups.push(() => backend.stop());
    const yaml = `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:0
processors:
  kong_metrics:
    interval: 1h
    storage: file_storage/wal
exporters:
  otlphttp/a:
    endpoint: ${backend.endpoint}
    sending_queue: { storage: file_storage/qa }
  otlphttp/b:
    endpoint: ${backend.endpoint}
    sending_queue: { storage: file_storage/qb }
extensions:
  file_storage/wal: { directory: ${join(dir, 'wal')}, create_directory: true }
  file_storage/qa: { directory: ${join(dir, 'qa')}, create_directory: true }
  file_storage/qb: { directory: ${join(dir, 'qb')}, create_directory: true }
service:
  extensions: [file_storage/wal, file_storage/qa, file_storage/qb]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics/edge:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [otlphttp/a, otlphttp/b]
`;
    const collector = new Collector(parseConfig(yaml, 'pipelines.yaml', FACTORIES, {}), { logger: silentLogger() });
    await collector.start();
    cleanups.push(() => collector.shutdown());
    const source = 'kong_metrics in metrics/edge';
    expect(collector.coveredPosition(source)).toBeUndefined();
    expect(collector.coveredPosition('kong_metrics in metrics')).toBeUndefined();

    // b holds a later position than a: the lowest (a's) is what both hold.
    const a = collector.exporter('otlphttp/a');
    const b = collector.exporter('otlphttp/b');
    if (a === undefined || b === undefined) throw new Error('exporters missing');
    const data = sumBatch('m', [1]).resourceMetrics;
    await b.consume(withCovers(metricBatch(data), [{ source, position: 5 }]));
    expect(collector.coveredPosition(source)).toBeUndefined();
    await a.consume(withCovers(metricBatch(data), [{ source, position: 3 }]));
    expect(collector.coveredPosition(source)).toBe(3);

    // What kong_metrics stamps reaches both exporters through the real pipeline (its shutdown emission).
    const receiver = collector.receiver('kong_http_log') as unknown as { address: { port: number } };
    const res = await fetch(`http://127.0.0.1:${receiver.address.port}/`, {
      method: 'POST',
      body: JSON.stringify([plainEntry(), plainEntry()]),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    await collector.shutdown();
    const segments = await readdir(join(dir, 'wal', 'kong_metrics', encodeURIComponent('metrics/edge')));
    expect(segments).toHaveLength(1);
    const logEnd = (await stat(join(dir, 'wal', 'kong_metrics', encodeURIComponent('metrics/edge'), segments[0]))).size;

    const again = new Collector(parseConfig(yaml, 'pipelines.yaml', FACTORIES, {}), { logger: silentLogger() });
    await again.start();
    cleanups.push(() => again.shutdown());
    expect(again.coveredPosition(source)).toBe(logEnd);
    await again.shutdown();
    expect(backend.received.total('http.server.request.count')).toBe(4); // two entries, two exporters
  });
});
