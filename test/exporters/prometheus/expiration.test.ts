import { describe, expect, it } from 'vitest';
import { runningHost } from '../../support/context.js';
import { T0, batchOf, gauge, harness, samples, sum } from './builders.js';

const FIVE_MINUTES = 5 * 60_000;
const ID = 'job="kongtel",instance="pod-1"';

describe('metric_expiration', () => {
  it('drops a series not updated for longer than 5m (the default), with its family and target_info', async () => {
    const { exporter, clock } = harness({ without_scope_info: true });
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: 'old' }, value: 1 }])));
    clock.advance(FIVE_MINUTES - 60_000);
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: 'fresh' }, value: 2, at: T0 + FIVE_MINUTES }])));
    clock.advance(60_000);
    // exactly 5m old: still shown
    expect(samples(exporter.scrape())).toEqual([
      `target_info{${ID}} 1`,
      `requests_total{a="old",${ID}} 1`,
      `requests_total{a="fresh",${ID}} 2`,
    ]);
    clock.advance(1);
    expect(samples(exporter.scrape())).toEqual([`target_info{${ID}} 1`, `requests_total{a="fresh",${ID}} 2`]);
    clock.advance(FIVE_MINUTES);
    expect(exporter.scrape()).toBe('');
    expect(exporter.streamCount).toBe(0);
  });

  it('an update keeps a series alive', async () => {
    const { exporter, clock } = harness({ without_scope_info: true, without_target_info: true });
    for (let i = 0; i < 4; i++) {
      await exporter.consume(batchOf(gauge('temperature', 'Cel', [{ value: 20 + i, at: T0 + i * 240_000 }])));
      clock.advance(240_000);
    }
    expect(samples(exporter.scrape())).toEqual([`temperature_celsius{${ID}} 23`]);
  });

  it('honours a configured duration, and 0 keeps series forever', async () => {
    const short = harness({ metric_expiration: '30s', without_target_info: true });
    const never = harness({ metric_expiration: 0, without_target_info: true });
    for (const h of [short, never]) await h.exporter.consume(batchOf(gauge('g', '', [{ value: 1 }])));
    short.clock.advance(30_001);
    never.clock.advance(365 * 24 * 3_600_000);
    expect(short.exporter.scrape()).toBe('');
    expect(samples(never.exporter.scrape())).toHaveLength(1);
  });

  it('sweeps on the clock too, so memory is freed when nothing scrapes', async () => {
    const { exporter, clock } = harness();
    await exporter.start(runningHost);
    try {
      await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: '1' }, value: 1 }, { attrs: { a: '2' }, value: 1 }])));
      expect(exporter.streamCount).toBe(2);
      clock.advance(2 * FIVE_MINUTES);
      expect(exporter.streamCount).toBe(0);
    } finally {
      await exporter.shutdown();
    }
  });
});
