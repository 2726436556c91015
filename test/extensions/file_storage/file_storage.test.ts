import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector, metricBatch, parseConfig, silentLogger } from '../../../core/index.js';
import { FACTORIES } from '../../../cmd/components.js';
import { fileStorageExtensionFactory } from '../../../extensions/file_storage/index.js';
import { testContext } from '../../support/context.js';
import { capturingLogger } from '../../support/logs.js';
import { plainEntry } from '../../processors/kong_metrics/entries.js';
import { sumBatch } from '../../exporters/otlphttp/fixtures.js';
import { pipelineIssues } from '../../support/config_errors.js';

/**
 * Issue 10: `storage` keys name a file_storage extension by id, as Collector configs do. Before, they took
 * a directory, and a pasted Collector config (`storage: file_storage`) silently made a queue folder called
 * `file_storage` in the working directory.
 */

const issues = pipelineIssues;

function config(opts: { queue?: string; wal?: string; extensions?: string; listed?: string }): string {
  return `
receivers:
  kong_http_log: { endpoint: 127.0.0.1:0 }
processors:
  kong_metrics:${opts.wal === undefined ? ' {}' : `\n    storage: ${opts.wal}`}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    sending_queue:${opts.queue === undefined ? ' {}' : `\n      storage: ${opts.queue}`}
extensions:
${opts.extensions ?? '  health_check: {}'}
service:
  extensions: ${opts.listed ?? '[]'}
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [otlphttp] }
`;
}

describe('storage keys name a storage extension', () => {
  it('a directory is refused with the YAML to write, which keeps the same files', () => {
    expect(issues(config({ queue: '/var/lib/kongtel/queue' }))).toEqual([
      `exporters.otlphttp.sending_queue.storage: names a storage extension (e.g. file_storage), not a directory; write the directory under a file_storage extension and name that here, as in the OpenTelemetry Collector:
      extensions:
        file_storage:
          directory: /var/lib/kongtel/queue
          create_directory: true
      exporters:
        otlphttp:
          sending_queue:
            storage: file_storage
      service:
        extensions: [file_storage]`,
    ]);
    expect(issues(config({ wal: './data/wal' }))).toEqual([
      `processors.kong_metrics.storage: names a storage extension (e.g. file_storage), not a directory; write the directory under a file_storage extension and name that here, as in the OpenTelemetry Collector:
      extensions:
        file_storage:
          directory: ./data/wal
          create_directory: true
      processors:
        kong_metrics:
          storage: file_storage
      service:
        extensions: [file_storage]`,
    ]);
  });

  it.each([
    [
      'an id that is not defined (a relative directory reads as one)',
      { queue: 'queue' },
      /^exporters\.otlphttp\.sending_queue\.storage: "queue" is not defined under extensions; storage names a storage extension\. If "queue" is a directory, write the directory under a file_storage extension and name that here, as in the OpenTelemetry Collector:\n {6}extensions:\n {8}file_storage:\n {10}directory: queue\n/,
    ],
    [
      'a misspelt id',
      { queue: 'file_storag', extensions: '  file_storage: {}', listed: '[file_storage]' },
      /^exporters\.otlphttp\.sending_queue\.storage: "file_storag" is not defined under extensions \(did you mean "file_storage"\?\)/,
    ],
    [
      'an extension that stores nothing',
      { queue: 'health_check', listed: '[health_check]' },
      /^exporters\.otlphttp\.sending_queue\.storage: extensions\.health_check is a health_check extension, which stores nothing; name a file_storage extension$/,
    ],
    [
      'a storage extension missing from service.extensions',
      { queue: 'file_storage/queue', extensions: '  file_storage/queue: {}\n  health_check: {}', listed: '[health_check]' },
      /^exporters\.otlphttp\.sending_queue\.storage: extensions\.file_storage\/queue is not listed in service\.extensions, so it does not run; add it: service: \{ extensions: \[health_check, file_storage\/queue\] \}$/,
    ],
  ])('%s is a config error at the storage key', (_name, opts, message) => {
    const found = issues(config(opts));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('an id of a listed file_storage is valid, for the queue and the write-ahead log alike', () => {
    expect(issues(config({ queue: 'file_storage', wal: 'file_storage', extensions: '  file_storage: {}', listed: '[file_storage]' }))).toEqual([]);
  });
});

describe('file_storage config', () => {
  const parse = (raw: unknown) => fileStorageExtensionFactory.configSchema.safeParse(raw);

  it('defaults as the Collector, under kongtel\'s directory', () => {
    expect(fileStorageExtensionFactory.configSchema.parse({})).toEqual({
      directory: '/var/lib/kongtel/file_storage',
      create_directory: false,
      directory_permissions: '0750',
      timeout: 1000,
      fsync: false,
      recreate: false,
    });
  });

  it("takes the Collector README's all_settings example (compaction, timeout, fsync)", () => {
    const r = parse({ directory: '/var/lib/otelcol/mydir', timeout: '1s', compaction: { on_start: true, directory: '/tmp/', max_transaction_size: 65_536 }, fsync: false });
    expect(r.success).toBe(true);
  });

  it('directory_permissions is an octal string', () => {
    expect(issues(config({ extensions: '  file_storage:\n    directory_permissions: 0750' }))).toEqual([
      'extensions.file_storage.directory_permissions: must be an octal mode in quotes, e.g. "0750" (unquoted, YAML reads 0750 as a number)',
    ]);
    expect(issues(config({ extensions: '  file_storage:\n    directory_permissions: "0980"' }))).toEqual([
      'extensions.file_storage.directory_permissions: must be an octal mode, e.g. "0750" (digits 0-7)',
    ]);
  });
});

describe('file_storage at start', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  function tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'kongtel-fstore-'));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  }
  function extension(raw: Record<string, unknown>, logger = silentLogger()) {
    const ctx = { ...testContext('file_storage', 'extension'), logger };
    return fileStorageExtensionFactory.create(fileStorageExtensionFactory.configSchema.parse(raw), ctx);
  }

  it('a missing directory fails start-up unless create_directory is set, as in the Collector', async () => {
    const dir = join(tempDir(), 'a', 'b');
    await expect(extension({ directory: dir }).start({ status: () => 'starting' })).rejects.toThrow(
      `extensions.file_storage.directory: "${dir}" does not exist: create it (owned by the user kongtel runs as), or set create_directory: true`,
    );
    await extension({ directory: dir, create_directory: true }).start({ status: () => 'starting' });
    expect(statSync(dir).mode & 0o777).toBe(0o750 & ~process.umask());
  });

  it('creates with directory_permissions; a file where the directory belongs is refused', async () => {
    const base = tempDir();
    await extension({ directory: join(base, 'private'), create_directory: true, directory_permissions: '0700' }).start({ status: () => 'starting' });
    expect(statSync(join(base, 'private')).mode & 0o777).toBe(0o700);
    writeFileSync(join(base, 'file'), '');
    await expect(extension({ directory: join(base, 'file') }).start({ status: () => 'starting' })).rejects.toThrow(
      `extensions.file_storage.directory: "${join(base, 'file')}" is not a directory: point directory at one`,
    );
  });

  it('says once that compaction is not needed', async () => {
    const { logger, logs } = capturingLogger();
    await extension({ directory: tempDir(), compaction: { on_start: true } }, logger).start({ status: () => 'starting' });
    expect(logs.map((l) => l.msg)).toEqual([
      'file_storage: compaction is not needed by kongtel (each queued request and log segment is its own file, deleted once delivered or covered), so it is ignored',
    ]);
  });

  it('the queue and the write-ahead log keep the layout the directory form had: <directory>/<component id>/…', async () => {
    const dir = tempDir();
    const yaml = `
receivers:
  kong_http_log: { endpoint: 127.0.0.1:0 }
processors:
  kong_metrics: { interval: 1h, storage: file_storage }
exporters:
  otlphttp/dynatrace:
    endpoint: http://127.0.0.1:9/   # nothing listens: the request stays queued, its file there to see
    retry_on_failure: { initial_interval: 1h, max_interval: 1h, max_elapsed_time: 0 }
    sending_queue: { storage: file_storage, num_consumers: 1 }
extensions:
  file_storage: { directory: ${dir} }
service:
  extensions: [file_storage]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics/edge: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [otlphttp/dynatrace] }
`;
    const collector = new Collector(parseConfig(yaml, 'pipelines.yaml', FACTORIES, {}), { logger: silentLogger() });
    await collector.start();
    cleanups.push(() => collector.shutdown());
    const receiver = collector.receiver('kong_http_log') as unknown as { address: { port: number } };
    const res = await fetch(`http://127.0.0.1:${receiver.address.port}/`, { method: 'POST', body: JSON.stringify([plainEntry()]), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    await collector.exporter('otlphttp/dynatrace')?.consume(metricBatch(sumBatch('m', [1]).resourceMetrics));
    expect(readdirSync(dir).sort()).toEqual(['kong_metrics', 'otlphttp_dynatrace']);
    expect(readdirSync(join(dir, 'kong_metrics'))).toEqual([encodeURIComponent('metrics/edge')]);
    expect(readdirSync(join(dir, 'kong_metrics', encodeURIComponent('metrics/edge'))).some((f) => f.endsWith('.wal'))).toBe(true);
    expect(readdirSync(join(dir, 'otlphttp_dynatrace')).some((f) => f.endsWith('.req'))).toBe(true);
  });
});
