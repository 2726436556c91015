import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Collector, parseConfig, SelfMetric, silentLogger } from '../../../core/index.js';
import { FACTORIES } from '../../../cmd/components.js';
import { append, ids, line } from './harness.js';
import { sleep, until } from '../../support/wait.js';
import { tempDir } from '../../support/temp.js';
import { pipelineIssues } from '../../support/config_errors.js';

/**
 * Issue 10: `receivers.kong_file_log.storage` names a storage extension, as the Collector's filelog
 * receiver's `storage` does; before, it held the directory itself.
 */

let dir: string;
beforeEach(() => {
  dir = tempDir('file-log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function config(storage: string, extensions = '  health_check: {}', listed = '[]'): string {
  return `
receivers:
  kong_file_log:
    include: ["${dir}/*.log"]
    start_at: beginning
    poll_interval: 20ms
    storage: ${storage}
processors:
  kong_metrics: {}
exporters:
  prometheus: { endpoint: "127.0.0.1:0" }
extensions:
${extensions}
service:
  extensions: ${listed}
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [kong_file_log], processors: [kong_metrics], exporters: [prometheus] }
`;
}

const issues = pipelineIssues;

describe('kong_file_log storage names a storage extension', () => {
  it('a directory is refused with the YAML to write, which keeps the same checkpoint', () => {
    expect(issues(config('/var/lib/kongtel'))).toEqual([
      `receivers.kong_file_log.storage: names a storage extension (e.g. file_storage), not a directory; write the directory under a file_storage extension and name that here, as in the OpenTelemetry Collector:
      extensions:
        file_storage:
          directory: /var/lib/kongtel
          create_directory: true
      receivers:
        kong_file_log:
          storage: file_storage
      service:
        extensions: [file_storage]`,
    ]);
  });

  it.each([
    ['an id that is not defined', config('file_log'), /^receivers\.kong_file_log\.storage: "file_log" is not defined under extensions; storage names a storage extension\. If "file_log" is a directory, write/],
    ['an extension that stores nothing', config('health_check', '  health_check: {}', '[health_check]'), /^receivers\.kong_file_log\.storage: extensions\.health_check is a health_check extension, which stores nothing; name a file_storage extension$/],
    [
      'a storage extension missing from service.extensions',
      config('file_storage', '  file_storage: {}'),
      /^receivers\.kong_file_log\.storage: extensions\.file_storage is not listed in service\.extensions, so it does not run; add it: service: \{ extensions: \[file_storage\] \}$/,
    ],
  ])('%s is a config error at the storage key', (_name, yaml, message) => {
    const found = issues(yaml);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('finds the checkpoint that `storage: <directory>` wrote, once file_storage.directory is that directory', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('read-before', 0, 3));
    const offset = statSync(log).size;
    append(log, ids('written-while-down', 0, 2));
    const st = statSync(log, { bigint: true });
    const storage = join(dir, 'storage');
    mkdirSync(storage);
    // What kongtel wrote before issue 10 for `storage: <storage>` and the receiver id kong_file_log.
    const checkpoint = join(storage, 'kong_file_log.json');
    const fingerprint = Buffer.from(line('read-before-0')).toString('base64');
    writeFileSync(
      checkpoint,
      JSON.stringify({ version: 1, files: [{ path: log, dev: String(st.dev), ino: String(st.ino), fingerprint, offset, lines: 3, discarding: false }] }),
    );

    const collector = new Collector(parseConfig(config('file_storage', `  file_storage: { directory: ${storage} }`, '[file_storage]'), 'pipelines.yaml', FACTORIES, {}), { logger: silentLogger() });
    await collector.start();
    const accepted = () => collector.telemetry.value(SelfMetric.receiverAcceptedLogRecords, { receiver: 'kong_file_log' });
    try {
      await until('the lines written while down', () => accepted() >= 2);
      await sleep(100);
      // start_at: beginning would read all 5: the saved offset applied.
      expect(accepted()).toBe(2);
    } finally {
      await collector.shutdown();
    }
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { files: { path: string; offset: number; lines: number }[] };
    expect(saved.files).toEqual([expect.objectContaining({ path: log, offset: statSync(log).size, lines: 5 })]);
  });
});
