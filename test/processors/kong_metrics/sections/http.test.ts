import { describe } from 'vitest';
import { HTTP } from '../../../../processors/kong_metrics/sections/http.js';
import { plainEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** The request count and the three latency histograms, with the common attributes (common.ts). */
describe('kong_metrics section: http', () => {
  goldenCases(HTTP, new URL('http.golden.json', import.meta.url), [
    {
      name: 'proxied, answered by Kong, and odd values; consumer and workspace fallbacks',
      entries: [
        plainEntry({ consumer: { username: 'alice', id: 'c-1' } }),
        plainEntry({ consumer: { username: 'alice' }, latencies: { request: 120, kong: 7, proxy: 110 } }),
        plainEntry({ request: { method: 'POST', size: 10 }, response: { status: 401, size: 30 }, source: 'kong', latencies: { request: 1, kong: 1, proxy: -1 } }),
        plainEntry({ request: { method: 'PROPFIND' }, response: { status: 600 }, source: undefined, upstream_status: '502, 200', workspace_name: undefined, workspace: 'ws-id' }),
        plainEntry({ consumer: { custom_id: 'crm-7' }, source: undefined, upstream_status: '', latencies: { request: 0 } }),
      ],
    },
  ]);
});
