import { describe, expect, it } from 'vitest';
import { KONG_PLUGIN } from '../../../../processors/kong_metrics/sections/kong_plugin.js';
import { plainEntry } from '../entries.js';
import { goldenCases, sectionOutput } from './section_golden.js';

const KONG = { naming: 'kong' };

/** `naming: kong`: Kong's request families as its Prometheus plugin's log() records them. */
describe('kong_metrics section: kong_plugin (naming: kong)', () => {
  goldenCases(
    KONG_PLUGIN,
    new URL('kong_plugin.golden.json', import.meta.url),
    [
      {
        name: "Kong's label filling: host for an unnamed service, id for an unnamed route, username then custom_id",
        entries: [
          plainEntry({ service: { host: 'orders.internal' }, route: { id: 'r-1' }, consumer: { username: 'alice', custom_id: 'c-9' } }),
          plainEntry({ consumer: { custom_id: 'c-9' }, workspace_name: undefined, workspace: 'ws-id' }),
          plainEntry({ source: 'kong', upstream_status: '', response: { status: 401, size: 96 }, latencies: { request: 3, kong: 3, proxy: -1 } }),
        ],
        config: KONG,
      },
      {
        name: 'stream sessions: the stream families, no bandwidth',
        entries: [
          {
            service: { name: 'tcp-echo' },
            route: { name: 'tcp-route' },
            workspace_name: 'default',
            session: { status: 200, received: 10, sent: 20 },
            latencies: { session: 1520, kong: 1 },
          },
        ],
        config: KONG,
      },
    ],
    KONG,
  );

  it('an entry without a route is not counted at all, as Kong skips it', async () => {
    const out = await sectionOutput(KONG_PLUGIN, [plainEntry({ route: undefined })], KONG);
    expect(out).toEqual({});
  });

  it('latencies land in Kong’s buckets, in milliseconds, upper-inclusive', async () => {
    const entries = [25, 26, 80, 81, 60000, 60001].map((ms) => plainEntry({ latencies: { request: ms, kong: 0, proxy: ms } }));
    const out = await sectionOutput(KONG_PLUGIN, entries, KONG);
    const m = out.kong_request_latency_ms;
    expect(m.bounds).toEqual([25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000]);
    expect(m.unit).toBe('');
    expect(m.points[0]).toMatchObject({
      buckets: { '25': 1, '50': 1, '80': 1, '100': 1, '60000': 1, '+Inf': 1 },
      sum: 25 + 26 + 80 + 81 + 60000 + 60001,
      count: 6,
    });
  });
});
