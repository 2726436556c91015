import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { logBatch } from '../../../core/data.js';
import type { KongLogEntry } from '../../../core/kong/entry.js';
import { parseTapQuery, type TapBatchEvent, TapHub, tapped } from '../../../core/tap/index.js';
import { kongEntryView } from '../../../processors/kong_metrics/entry_view.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { ROOT } from '../../support/processes.js';

const fixture = (name: string): KongLogEntry => JSON.parse(readFileSync(join(ROOT, 'test/testdata/kong', name), 'utf8')) as KongLogEntry;
const origin = { id: 'kong_http_log', kind: 'receiver' } as const;

function collect(hub: TapHub, rate: number, components: string[] = []): { events: TapBatchEvent[]; full: { value: boolean } } {
  const events: TapBatchEvent[] = [];
  const full = { value: false };
  hub.subscribe({ components, rate }, { send: (e) => (events.push(e), !full.value) });
  return { events, full };
}

describe('tap hub', () => {
  it('passes every batch on unchanged and costs nothing while no client listens', async () => {
    const hub = new TapHub(new ManualClock());
    const next = new CapturingConsumer();
    const batch = logBatch([fixture('kong-3.8-plain.json')]);
    await tapped(next, hub, origin).consume(batch);
    expect(hub.active).toBe(false);
    expect(next.batches[0]).toBe(batch);
  });

  it('samples at most `rate` events a second per client and says how many it skipped', () => {
    const clock = new ManualClock();
    const hub = new TapHub(clock);
    const { events } = collect(hub, 2);
    for (let i = 0; i < 5; i++) hub.publish(origin, logBatch([]));
    expect(events).toHaveLength(2);
    clock.advance(1000);
    hub.publish(origin, logBatch([]));
    expect(events.map((e) => e.skipped)).toEqual([0, 0, 3]);
  });

  it('shows a client only the components it asked for', () => {
    const hub = new TapHub(new ManualClock());
    const { events } = collect(hub, 100, ['kong_metrics']);
    hub.publish(origin, logBatch([]));
    hub.publish({ id: 'kong_metrics', kind: 'processor', pipeline: 'metrics' }, logBatch([]));
    expect(events.map((e) => [e.component, e.pipeline])).toEqual([['kong_metrics', 'metrics']]);
  });

  it('skips events for a client whose sink is full until it resumes', () => {
    const hub = new TapHub(new ManualClock());
    const events: TapBatchEvent[] = [];
    let room = false;
    const sub = hub.subscribe({ components: [], rate: 100 }, { send: (e) => (events.push(e), room) });
    hub.publish(origin, logBatch([]));
    hub.publish(origin, logBatch([]));
    hub.publish(origin, logBatch([]));
    expect(events).toHaveLength(1);
    room = true;
    sub.resume();
    hub.publish(origin, logBatch([]));
    expect(events.map((e) => e.skipped)).toEqual([0, 2]);
  });

  it("shows an entry's mapped fields through kong_metrics' view, never a header value or payload", () => {
    const hub = new TapHub(new ManualClock(), kongEntryView);
    const { events } = collect(hub, 10);
    const entry = fixture('ai-docs-3.14-llm-full-transcribed.json');
    hub.publish(origin, logBatch([entry, entry, entry, entry]));
    const [event] = events;
    expect(event.items).toBe(4);
    expect(event.sample).toHaveLength(3);
    const text = JSON.stringify(event);
    expect(text).toContain('"status":200');
    for (const secret of ['gunicorn/19.9.0', '2f6946328ffc4946b8c9120704a4a155', '"headers"', '"payload"', '"querystring"', '"client_ip"', '"uri"']) {
      expect(text).not.toContain(secret);
    }
  });

  it('reads rate and components from the query, refusing a bad rate', () => {
    expect(parseTapQuery('/debug/tap?component=a,b&component=c&rate=5')).toEqual({ components: ['a', 'b', 'c'], rate: 5 });
    expect(parseTapQuery('/debug/tap')).toEqual({ components: [], rate: 10 });
    expect(parseTapQuery('/debug/tap?rate=0')).toMatch(/^rate: expected a whole number/);
  });
});
