import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logs to stderr, as the Collector does, so stdout stays free for commands that print data
 * (`validate`, `print-config`). Header values, tokens and payloads are never passed to a logger:
 * components log counts, indexes and reasons only.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino(
    { level, base: { service: 'kongtel' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
