import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  BackPressureError,
  type Batch,
  type ComponentContext,
  logBatch,
  ManualClock,
  metricBatch,
  type MetricBatch,
  SelfMetric,
  SelfTelemetry,
} from '../../../core/index.js';
import {
  FORCED_GC,
  LIMIT_BYTES,
  memoryLimiterConfigSchema,
  memoryLimiterFactory,
  MemoryLimiterProcessor,
  type MemoryLimiterOptions,
  REFUSED_LOG_RECORDS,
  RSS_BYTES,
  STATE,
} from '../../../processors/memory_limiter/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { recordingLogger } from '../../support/logs.js';

const MIB = 1024 * 1024;
const LABELS = { processor: 'memory_limiter', pipeline: 'metrics' };

/** A metric batch with `n` data points. */
function points(n: number): MetricBatch {
  const m: MetricData = {
    descriptor: { name: 'http.server.request.count', description: '', unit: '{request}', valueType: ValueType.INT },
    aggregationTemporality: AggregationTemporality.DELTA,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: Array.from({ length: n }, (_, i) => ({ startTime: [1, 0], endTime: [2, 0], attributes: { i }, value: 1 })),
  };
  return metricBatch([{ resource: resourceFromAttributes({ 'service.name': 'kongtel' }), scopeMetrics: [{ scope: { name: 's' }, metrics: [m] }] }]);
}

const entries = (n: number) => logBatch(Array.from({ length: n }, (_, i) => ({ request: { method: 'GET', uri: `/${i}` } })));

/** Log lines (level and message) written through a pino logger, for "logged once per episode" checks. */
interface Setup {
  readonly clock: ManualClock;
  readonly telemetry: SelfTelemetry;
  readonly next: CapturingConsumer;
  readonly processor: MemoryLimiterProcessor;
  readonly logs: ReturnType<typeof recordingLogger>;
  /** Forced collections, at these clock times. */
  readonly gcAt: number[];
  /** What the memory probe answers; NaN makes it throw. */
  rss: number;
}

/**
 * A limiter on a manual clock whose resident memory is whatever the test says (`s.rss`); a forced
 * collection brings it to `afterGc(rss)` when given.
 */
async function setup(config: Record<string, unknown>, opts: { afterGc?: (rss: number) => number; gc?: null } = {}): Promise<Setup> {
  const clock = new ManualClock();
  const telemetry = new SelfTelemetry();
  const logs = recordingLogger();
  const base = testContext('memory_limiter', 'processor', { clock, telemetry, pipelineId: 'metrics' });
  const ctx: ComponentContext = { ...base, logger: logs.logger };
  const next = new CapturingConsumer();
  const gcAt: number[] = [];
  const memory = { rss: 50 * MIB };
  const options: MemoryLimiterOptions = {
    rss: () => {
      if (Number.isNaN(memory.rss)) throw new Error('cannot read /proc/self/statm');
      return memory.rss;
    },
    gc:
      opts.gc === null
        ? null
        : () => {
            gcAt.push(clock.now());
            if (opts.afterGc) memory.rss = opts.afterGc(memory.rss);
          },
  };
  const processor = new MemoryLimiterProcessor(memoryLimiterConfigSchema.parse(config), ctx, next, options);
  await processor.start(runningHost);
  return {
    clock,
    telemetry,
    next,
    processor,
    logs,
    gcAt,
    get rss() {
      return memory.rss;
    },
    set rss(v: number) {
      memory.rss = v;
    },
  };
}

/** `pass`, or the Retry-After seconds of the back-pressure it answered with. */
async function outcome(p: MemoryLimiterProcessor, batch: Batch): Promise<'pass' | number> {
  try {
    await p.consume(batch);
    return 'pass';
  } catch (err) {
    if (err instanceof BackPressureError) return err.retryAfterSeconds;
    throw err;
  }
}

describe('memory_limiter processor', () => {
  // limit_mib 100, default spike 20 % → soft limit 80 MiB; check_interval 1s.
  it.each([
    ['below the soft limit', [50], 'pass', 0],
    ['just below the soft limit', [79.9], 'pass', 0],
    ['at the soft limit', [80], 1, 1],
    ['between soft and hard', [95], 1, 1],
    ['back under after being above', [95, 79], 'pass', 0],
    ['at the hard limit', [100], 1, 2],
    ['above hard, then above soft', [130, 90], 1, 1],
    ['above hard, then back under', [130, 60], 'pass', 0],
  ] as const)('%s (RSS %j MiB at successive checks) → %s', async (_name, rssSteps, expected, state) => {
    const s = await setup({ limit_mib: 100 });
    for (const r of rssSteps) {
      s.rss = r * MIB;
      s.clock.advance(1000);
    }
    expect(await outcome(s.processor, points(3))).toBe(expected);
    expect(s.telemetry.value(STATE, LABELS)).toBe(state);
    expect(s.telemetry.value(RSS_BYTES, LABELS)).toBe(rssSteps[rssSteps.length - 1] * MIB);
  });

  it('measures every check_interval, not per batch: a rise is seen at the next check', async () => {
    const s = await setup({ limit_mib: 100, check_interval: '2s' });
    s.rss = 90 * MIB;
    expect(await outcome(s.processor, points(1))).toBe('pass');
    s.clock.advance(1999);
    expect(await outcome(s.processor, points(1))).toBe('pass');
    s.clock.advance(1);
    expect(await outcome(s.processor, points(1))).toBe(2);
    s.rss = 10 * MIB;
    s.clock.advance(1999);
    expect(await outcome(s.processor, points(1))).toBe(2);
    s.clock.advance(1);
    expect(await outcome(s.processor, points(1))).toBe('pass');
  });

  it('refuses from the start when memory is already above the soft limit, and says so', async () => {
    const clock = new ManualClock();
    const logs = recordingLogger({ level: 'info' });
    const ctx = { ...testContext('memory_limiter', 'processor', { clock }), logger: logs.logger };
    const p = new MemoryLimiterProcessor(memoryLimiterConfigSchema.parse({ limit_mib: 100 }), ctx, new CapturingConsumer(), { rss: () => 90 * MIB, gc: null });
    await p.start(runningHost);
    expect(await outcome(p, points(1))).toBe(1);
    expect(logs.count('warn', 'already uses more memory than the soft limit right after start')).toBe(1);
  });

  it.each([
    ['200ms', 1],
    ['1s', 1],
    ['1200ms', 2],
    ['2500ms', 3],
    ['5s', 5],
  ])('Retry-After for check_interval %s is %i s (rounded up, at least 1)', async (interval, seconds) => {
    const s = await setup({ limit_mib: 100, check_interval: interval });
    s.rss = 95 * MIB;
    s.clock.advance(5000);
    expect(await outcome(s.processor, points(1))).toBe(seconds);
  });

  it('the refusal names the processor, the memory and the soft limit', async () => {
    const s = await setup({ limit_mib: 100, spike_limit_mib: 30 });
    s.rss = 75 * MIB;
    s.clock.advance(1000);
    await expect(s.processor.consume(points(1))).rejects.toThrow(
      'processor memory_limiter: data refused due to high memory usage (resident 75 MiB, soft limit 70 MiB); retry later',
    );
  });

  it('counts refused log records and metric points apart, and passes everything else on unchanged', async () => {
    const s = await setup({ limit_mib: 100 });
    const accepted = [entries(2), points(3)];
    for (const b of accepted) await s.processor.consume(b);
    s.rss = 90 * MIB;
    s.clock.advance(1000);
    expect(await outcome(s.processor, entries(7))).toBe(1);
    expect(await outcome(s.processor, points(5))).toBe(1);
    expect(await outcome(s.processor, points(4))).toBe(1);
    expect(s.next.batches).toEqual(accepted);
    expect(s.next.batches[0]).toBe(accepted[0]);
    expect(s.telemetry.value(REFUSED_LOG_RECORDS, LABELS)).toBe(7);
    expect(s.telemetry.value(SelfMetric.processorRefusedMetricPoints, LABELS)).toBe(9);
    expect(s.telemetry.value(SelfMetric.processorIncomingItems, LABELS)).toBe(2 + 3 + 7 + 5 + 4);
    expect(s.telemetry.value(SelfMetric.processorOutgoingItems, LABELS)).toBe(2 + 3);
  });

  it("passes the next component's back-pressure through as it is", async () => {
    const s = await setup({ limit_mib: 100 });
    s.next.refuse = true;
    expect(await outcome(s.processor, points(1))).toBe(2); // CapturingConsumer asks for 2 s
    expect(s.telemetry.value(SelfMetric.processorRefusedMetricPoints, LABELS)).toBe(0);
    expect(s.telemetry.value(SelfMetric.processorOutgoingItems, LABELS)).toBe(0);
  });

  // check_interval 1s; RSS held for 25 checks at t = 1 s … 25 s.
  it.each([
    ['between soft and hard: every 10 s by default', {}, 95, [1, 11, 21]],
    ['between soft and hard, min_gc_interval_when_soft_limited 5s', { min_gc_interval_when_soft_limited: '5s' }, 95, [1, 6, 11, 16, 21]],
    ['above hard, min_gc_interval_when_hard_limited 0: every check', {}, 120, Array.from({ length: 25 }, (_, i) => i + 1)],
    ['above hard, min_gc_interval_when_hard_limited 8s', { min_gc_interval_when_hard_limited: '8s' }, 120, [1, 9, 17, 25]],
    ['below the soft limit: never', {}, 70, []],
  ])('forced garbage collections %s', async (_name, extra, rssMib, atSeconds) => {
    const s = await setup({ limit_mib: 100, ...extra });
    const start = s.clock.now();
    s.rss = rssMib * MIB;
    for (let i = 0; i < 25; i++) s.clock.advance(1000);
    expect(s.gcAt.map((t) => (t - start) / 1000)).toEqual(atSeconds);
  });

  describe('above the hard limit', () => {
    it('forces a garbage collection at every check (not more often), and measures again after it', async () => {
      const s = await setup({ limit_mib: 100 });
      s.rss = 120 * MIB;
      s.clock.advance(1000);
      expect(s.gcAt).toEqual([s.clock.now()]);
      s.clock.advance(999); // no check in between: nothing more
      expect(s.gcAt).toHaveLength(1);
      s.clock.advance(1);
      s.clock.advance(1000);
      expect(s.gcAt).toHaveLength(3);
      expect(s.telemetry.value(FORCED_GC, LABELS)).toBe(3);
      expect(s.telemetry.value(STATE, LABELS)).toBe(2);
    });

    it.each([
      ['frees enough to go below the soft limit: accept again at once', 60, 'pass', 0],
      ['frees some, still above soft: keep refusing', 90, 1, 1],
      ['frees nothing: keep refusing', 120, 1, 2],
    ] as const)('a collection that %s', async (_name, after, expected, state) => {
      const s = await setup({ limit_mib: 100 }, { afterGc: () => after * MIB });
      s.rss = 120 * MIB;
      s.clock.advance(1000);
      expect(s.gcAt).toHaveLength(1);
      expect(await outcome(s.processor, points(1))).toBe(expected);
      expect(s.telemetry.value(STATE, LABELS)).toBe(state);
      expect(s.telemetry.value(RSS_BYTES, LABELS)).toBe(after * MIB);
    });


    it('still refuses when no garbage collector is available', async () => {
      const s = await setup({ limit_mib: 100 }, { gc: null });
      s.rss = 150 * MIB;
      s.clock.advance(1000);
      expect(await outcome(s.processor, points(1))).toBe(1);
      expect(s.telemetry.value(FORCED_GC, LABELS)).toBe(0);
      expect(s.logs.count('warn', 'would not expose its garbage collector')).toBe(1);
    });
  });

  it('logs one warning per episode and one line when it is over', async () => {
    const s = await setup({ limit_mib: 100 });
    const episode = (steps: number[]) => {
      for (const r of steps) {
        s.rss = r * MIB;
        s.clock.advance(1000);
      }
    };
    episode([90, 95, 120, 130, 110, 90, 50]);
    episode([120, 120, 40]);
    expect(s.logs.count('warn', 'above the soft limit; refusing data')).toBe(2);
    expect(s.logs.count('warn', 'above the hard limit')).toBe(2);
    expect(s.logs.count('info', 'back below the soft limit')).toBe(2);
    const back = s.logs.lines.find((l) => l.msg.includes('back below the soft limit')) as unknown as { refused_for_s: number };
    expect(back.refused_for_s).toBe(6);
  });

  it('keeps its last state when the probe fails, and logs that once', async () => {
    const s = await setup({ limit_mib: 100 });
    s.rss = 90 * MIB;
    s.clock.advance(1000);
    s.rss = Number.NaN;
    s.clock.advance(3000);
    expect(await outcome(s.processor, points(1))).toBe(1);
    expect(s.logs.count('error', 'cannot read resident memory')).toBe(1);
  });

  it('publishes its limits; limit_percentage is of the cgroup limit', async () => {
    const telemetry = new SelfTelemetry();
    const ctx = testContext('memory_limiter/pct', 'processor', { clock: new ManualClock(), telemetry, pipelineId: 'metrics' });
    const memory = {
      readFile: (path: string) => (path === '/proc/self/cgroup' ? '0::/\n' : path === '/sys/fs/cgroup/memory.max' ? `${1024 * MIB}\n` : undefined),
      totalmem: () => 16 * 1024 * MIB,
    };
    const config = memoryLimiterConfigSchema.parse({ limit_percentage: 80, spike_limit_percentage: 25 });
    const p = new MemoryLimiterProcessor(config, ctx, new CapturingConsumer(), { rss: () => 600 * MIB, gc: null, memory });
    await p.start(runningHost);
    const labels = { processor: 'memory_limiter/pct', pipeline: 'metrics' };
    expect(telemetry.value(LIMIT_BYTES, { ...labels, limit: 'hard' })).toBe(Math.floor(1024 * MIB * 0.8));
    expect(telemetry.value(LIMIT_BYTES, { ...labels, limit: 'soft' })).toBe(Math.floor(1024 * MIB * 0.8) - Math.floor(1024 * MIB * 0.25));
    // 600 MiB is above 55 % of 1 GiB (563.2 MiB)
    expect(telemetry.value(STATE, labels)).toBe(1);
  });

  it('by default reads the real RSS and obtains V8’s garbage collector without --expose-gc', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const telemetry = new SelfTelemetry();
    const ctx = testContext('memory_limiter', 'processor', { clock: new ManualClock(), telemetry, pipelineId: 'metrics' });
    // A 1 MiB limit: this process is far above it, so the first check forces a real collection.
    const p = memoryLimiterFactory.create(memoryLimiterConfigSchema.parse({ limit_mib: 1 }), ctx, new CapturingConsumer());
    await p.start(runningHost);
    expect(telemetry.value(FORCED_GC, LABELS)).toBe(1);
    expect(telemetry.value(RSS_BYTES, LABELS)).toBeGreaterThan(10 * MIB);
    expect(telemetry.value(STATE, LABELS)).toBe(2);
    await p.shutdown();
  });

  it('factory: takes logs and metrics and emits the signal it got', () => {
    expect(memoryLimiterFactory.type).toBe('memory_limiter');
    expect(memoryLimiterFactory.accepts).toEqual(['logs', 'metrics']);
    expect(memoryLimiterFactory.produces('logs')).toBe('logs');
    expect(memoryLimiterFactory.produces('metrics')).toBe('metrics');
  });
});
