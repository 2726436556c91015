import { z } from 'zod';
import {
  type Batch,
  type Consumer,
  duration,
  endpoint,
  type ExporterFactory,
  type ExtensionFactory,
  type Factory,
  type ProcessorFactory,
  type ReceiverFactory,
} from '../../core/index.js';

/**
 * Small stand-in factories for testing the config loader and the pipeline graph apart from the real
 * components. They record lifecycle calls in `events` so tests can check start and shutdown order.
 */
export const events: string[] = [];

export interface FakeReceiver {
  id: string;
  next: Consumer;
  send(batch: Batch): Promise<void>;
}
export const fakeReceivers = new Map<string, FakeReceiver>();
export const exported = new Map<string, Batch[]>();

const receiverSchema = z.strictObject({ endpoint: endpoint().default('0.0.0.0:8080'), path: z.string().default('/') });

function receiverFactory(type: string, signal: 'logs' | 'metrics'): ReceiverFactory<z.infer<typeof receiverSchema>> {
  return {
    kind: 'receiver',
    type,
    signal,
    configSchema: receiverSchema,
    create(_config, ctx, next) {
      const r: FakeReceiver = { id: ctx.id, next, send: (b) => next.consume(b) };
      fakeReceivers.set(ctx.id, r);
      return {
        start: async () => void events.push(`start receiver ${ctx.id}`),
        shutdown: async () => void events.push(`shutdown receiver ${ctx.id}`),
      };
    },
  };
}

const logsToMetricsSchema = z.strictObject({ interval: duration().default(10_000) });
export const fakeLogsToMetrics: ProcessorFactory<z.infer<typeof logsToMetricsSchema>> = {
  kind: 'processor',
  type: 'kong_metrics',
  accepts: ['logs', 'metrics'],
  produces: () => 'metrics',
  configSchema: logsToMetricsSchema,
  create(_config, ctx, next) {
    let held = 0;
    return {
      start: async () => void events.push(`start processor ${ctx.id} ${ctx.pipelineId}`),
      // Like kong_metrics: a final emission on shutdown, which must reach a live exporter.
      shutdown: async () => {
        events.push(`shutdown processor ${ctx.id} ${ctx.pipelineId}`);
        if (held > 0) await next.consume({ signal: 'metrics', resourceMetrics: [] });
      },
      consume: async (batch) => {
        if (batch.signal === 'logs') held += batch.entries.length;
        else await next.consume(batch);
      },
    };
  },
};

const batchSchema = z.strictObject({ timeout: duration().default(200), send_batch_size: z.number().int().positive().default(8192) });
export const fakeMetricsProcessor: ProcessorFactory<z.infer<typeof batchSchema>> = {
  kind: 'processor',
  type: 'batch',
  accepts: ['metrics'],
  produces: () => 'metrics',
  configSchema: batchSchema,
  create(_config, ctx, next) {
    return {
      start: async () => void events.push(`start processor ${ctx.id} ${ctx.pipelineId}`),
      shutdown: async () => void events.push(`shutdown processor ${ctx.id} ${ctx.pipelineId}`),
      consume: (batch) => next.consume(batch),
    };
  },
};

const exporterSchema = z.strictObject({ endpoint: endpoint().default('0.0.0.0:9464'), naming: z.enum(['otel', 'kong']).default('otel') });
export const fakeExporter: ExporterFactory<z.infer<typeof exporterSchema>> = {
  kind: 'exporter',
  type: 'prometheus',
  accepts: ['metrics'],
  configSchema: exporterSchema,
  create(_config, ctx) {
    let running = false;
    return {
      start: async () => {
        running = true;
        events.push(`start exporter ${ctx.id}`);
      },
      shutdown: async () => {
        running = false;
        events.push(`shutdown exporter ${ctx.id}`);
      },
      consume: async (batch) => {
        if (!running) throw new Error(`exporter ${ctx.id} got data while stopped`);
        const list = exported.get(ctx.id) ?? [];
        list.push(batch);
        exported.set(ctx.id, list);
      },
    };
  },
};

export const fakeExtension: ExtensionFactory<{ endpoint: string }> = {
  kind: 'extension',
  type: 'health_check',
  configSchema: z.strictObject({ endpoint: endpoint().default('0.0.0.0:13133') }),
  create(_config, ctx) {
    return {
      start: async () => void events.push(`start extension ${ctx.id}`),
      shutdown: async () => void events.push(`shutdown extension ${ctx.id}`),
    };
  },
};

export const FAKE_FACTORIES: readonly Factory[] = [
  receiverFactory('kong_http_log', 'logs'),
  receiverFactory('otlp', 'metrics'),
  fakeLogsToMetrics,
  fakeMetricsProcessor,
  fakeExporter,
  fakeExtension,
];

export function resetFakes(): void {
  events.length = 0;
  fakeReceivers.clear();
  exported.clear();
}
