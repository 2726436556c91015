import { Collector, createLogger, errorMessage, loadConfigFile, scrubEnvValues, type Logger } from '../core/index.js';
import { kongEntryView } from '../processors/kong_metrics/entry_view.js';
import { FACTORIES } from './components.js';
import { reportFailure } from './report.js';
import { VERSION } from './version.js';

/**
 * `kongtel --config FILE`: load, start, run until SIGTERM/SIGINT, then shut down within
 * `service.shutdown_timeout`. Exit 0 after a clean shutdown, 1 on a config error, a start failure or a
 * shutdown that ran out of time.
 */
export async function runCollector(configFile: string): Promise<number> {
  let config;
  try {
    config = loadConfigFile(configFile, FACTORIES);
  } catch (err) {
    return reportFailure(err);
  }
  const logger = createLogger(config.service.telemetry.logs.level);
  for (const w of config.warnings) logger.warn(w);
  let collector: Collector;
  try {
    // Building the graph runs every component's constructor: one that refuses its config is a start failure.
    collector = new Collector(config, { logger, version: VERSION, entryView: kongEntryView });
  } catch (err) {
    logger.error({ err: scrubEnvValues(errorMessage(err), config) }, 'kongtel could not start');
    await flushLogger(logger);
    return 1;
  }
  installCrashGuards(logger);

  logger.info({ version: VERSION, config: configFile }, 'starting kongtel');
  try {
    await collector.start();
  } catch (err) {
    // A component's start-up error quotes its config (an address, a path): values from the environment go.
    logger.error({ err: scrubEnvValues(errorMessage(err), config) }, 'kongtel could not start');
    await flushLogger(logger);
    return 1;
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down: receivers stop accepting, pipelines flush, exporters drain');
  // A second signal means "now": exit without waiting for the flush.
  const force = () => {
    logger.warn('second signal: exiting without finishing the shutdown');
    process.exit(1);
  };
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  const clean = await collector.shutdown();
  logger.info({ clean }, 'kongtel stopped');
  await flushLogger(logger);
  return clean ? 0 : 1;
}

/** After start-up nothing may crash the collector silently: log what escaped and keep serving. */
function installCrashGuards(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: errorMessage(reason) }, 'unhandled promise rejection (a bug: please report it)');
  });
}

function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
