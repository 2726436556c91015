#!/usr/bin/env node
import { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfigFile, redactConfig } from '../core/index.js';
import { FACTORIES } from './components.js';
import { reportFailure } from './report.js';
import { runCollector } from './run.js';
import { runTap, type TapOptions } from './tap.js';
import { VERSION } from './version.js';

const program = new Command()
  .name('kongtel')
  .description("Kong Gateway's logs and metrics → OpenTelemetry metrics (kong.*, http.server.*, gen_ai.*), pushed over OTLP or served to Prometheus.")
  .version(VERSION)
  // Options before a subcommand belong to kongtel itself, after it to the subcommand (`kongtel run --config f`).
  .enablePositionalOptions()
  .option('-c, --config <file>', 'pipeline config (YAML)')
  .action(async (opts: { config?: string }) => {
    if (!opts.config) {
      program.help({ error: true });
    }
    process.exitCode = await runCollector(opts.config as string);
  });

program
  .command('run')
  .description('run the collector (the default command)')
  .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
  .action(async (opts: { config: string }) => {
    process.exitCode = await runCollector(opts.config);
  });

program
  .command('validate')
  .description('check a config and print every error with its key path; exit 0 when it is valid')
  .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
  .action((opts: { config: string }) => {
    const config = loadConfigFile(opts.config, FACTORIES);
    for (const w of config.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${opts.config}: valid (${config.pipelines.length} pipeline${config.pipelines.length === 1 ? '' : 's'}: ${config.pipelines.map((p) => p.id).join(', ')})\n`);
  });

program
  .command('print-config')
  .description('print the config after ${env:…} substitution, with every secret redacted')
  .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
  .action((opts: { config: string }) => {
    const config = loadConfigFile(opts.config, FACTORIES);
    process.stdout.write(stringify(redactConfig(config.tree, config.fromEnv)));
  });

program
  .command('tap')
  .description("show, live and sampled, what a running kongtel's receivers and processors hand on (no header values or payloads)")
  .option('-e, --endpoint <url>', 'its self-telemetry address (service.telemetry.metrics.address)', 'http://localhost:8888')
  .option('--component <id>', 'only this receiver or processor id (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--rate <n>', 'most events per second (1–1000, default 10)')
  .option('-o, --output <format>', 'text or json (one event per line, as served)', 'text')
  .option('--bearer-token-env <name>', 'environment variable holding the bearer token service.telemetry.metrics.auth asks for')
  .option('--ca-file <file>', 'PEM CA to trust for an https endpoint')
  .option('--limit <n>', 'stop after this many events')
  .action(async (opts: TapOptions) => {
    if (opts.output !== 'text' && opts.output !== 'json') throw new Error(`--output: expected text or json, got "${String(opts.output)}"`);
    process.exitCode = await runTap(opts);
  });

// Every subcommand fails the same way: its errors on stderr, exit code 1, never a stack trace.
await program.parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = reportFailure(err);
});
