import pino from 'pino';
import { redactForLog, redactUrls } from './redact.js';

export type Logger = pino.Logger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logs to stderr, as the Collector does, so stdout stays free for commands that print data
 * (`validate`, `print-config`). Header values, tokens and payloads are never passed to a logger:
 * components log counts, indexes and reasons only. As a second line of defence every line goes through
 * core/redact.ts: fields named like a secret, header values and URL credentials are redacted, whichever
 * component logged them (an endpoint, a scrape target, an error text that quotes a URL).
 */
export function createLogger(level: LogLevel = 'info', destination: pino.DestinationStream = pino.destination({ fd: 2, sync: false })): Logger {
  return pino(
    {
      level,
      base: { service: 'kongtel' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), bindings: (bindings) => redactForLog(bindings) as Record<string, unknown> },
      hooks: {
        logMethod(args: unknown[], method) {
          const [first, ...rest] = args;
          // pino takes the message of an Error passed alone; keep that, redacted, once it is a plain object.
          const obj = first instanceof Error ? { err: first } : first;
          const msg = first instanceof Error && rest.length === 0 ? [first.message] : rest;
          const redacted = [typeof obj === 'object' && obj !== null ? redactForLog(obj) : obj, ...msg].map((a) => (typeof a === 'string' ? redactUrls(a) : a));
          method.apply(this, redacted as Parameters<typeof method>);
        },
        // Whatever reached the line another way (a message built with interpolation): URLs in it, once more.
        streamWrite: (line) => redactUrls(line),
      },
    },
    destination,
  );
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
