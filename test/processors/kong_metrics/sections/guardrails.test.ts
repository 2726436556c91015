import { describe } from 'vitest';
import { GUARDRAILS } from '../../../../processors/kong_metrics/sections/guardrails.js';
import { aiCall, aiEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** AWS Guardrails input and output processing time. */
describe('kong_metrics section: guardrails', () => {
  goldenCases(GUARDRAILS, new URL('guardrails.golden.json', import.meta.url), [
    {
      name: 'input and output checks, one guardrail without a version, one unmeasured output',
      entries: [
        aiEntry(aiCall({ extra: { 'aws-guardrails': { input_processing_latency: 40, output_processing_latency: 60, guardrails_id: 'g1', guardrails_version: '2', aws_region: 'eu-west-1' } } })),
        aiEntry(aiCall({ extra: { 'aws-guardrails': { input_processing_latency: 15, output_processing_latency: 0, guardrails_id: 'g2', aws_region: 'us-east-1' } } })),
      ],
    },
  ]);
});
