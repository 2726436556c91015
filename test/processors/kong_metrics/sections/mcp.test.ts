import { describe } from 'vitest';
import { MCP } from '../../../../processors/kong_metrics/sections/mcp.js';
import { plainEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** `ai.mcp`: per-RPC duration, response size and errors; ACL allow and deny counts. */
describe('kong_metrics section: mcp', () => {
  goldenCases(MCP, new URL('mcp.golden.json', import.meta.url), [
    {
      name: 'RPCs with and without errors (a string, a JSON-RPC error object), audits allowed and denied',
      entries: [
        plainEntry({
          ai: {
            mcp: {
              rpc: [
                { method: 'tools/call', tool_name: 'search', latency: 12, response_body_size: 512 },
                { method: 'tools/call', tool_name: 'search', latency: 3, response_body_size: 40, error: 'Invalid Request' },
                { method: 'tools/list', latency: 1, error: { code: -32601, message: 'no such method' } },
              ],
              audit: [
                { action: 'allow', primitive: 'tool', primitive_name: 'search' },
                { action: 'deny', primitive: 'tool', primitive_name: 'rm' },
                { action: 'deny', primitive: 'sampling', primitive_name: 'x' },
              ],
            },
          },
        }),
      ],
    },
  ]);
});
