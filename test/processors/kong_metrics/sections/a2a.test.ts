import { describe } from 'vitest';
import { A2A } from '../../../../processors/kong_metrics/sections/a2a.js';
import { plainEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** `ai.a2a.rpc[]`: counts, durations, sizes, time to first byte, errors and task states. */
describe('kong_metrics section: a2a', () => {
  goldenCases(A2A, new URL('a2a.golden.json', import.meta.url), [
    {
      name: 'a streamed call, a failed one, one with an unknown method',
      entries: [
        plainEntry({
          ai: {
            a2a: {
              rpc: [
                { method: 'message/stream', binding: 'jsonrpc', latency: 800, ttfb_latency: 40, response_body_size: 3_000, task_state: 'completed' },
                { method: 'tasks/get', binding: 'http', latency: 5, error: { code: -32001 }, task_state: 'failed' },
                { method: 'custom/thing', binding: 'grpc', latency: 2, task_state: 'dreaming' },
              ],
            },
          },
        }),
      ],
    },
  ]);
});
