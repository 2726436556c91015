import type { Attributes } from '@opentelemetry/api';
import type { JsonObject } from '../../../core/index.js';
import type { HistogramSlot } from '../attribute_set.js';
import type { AttributeTrie } from '../attribute_trie.js';
import { object, scalar } from '../entry_shape.js';
import { Bounds, histogram } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { positive, put, text } from '../values.js';
import type { CommonFields } from './common.js';
import { inEachCall } from './genai.js';

/** AWS Guardrails of an AI plugin object: input and output processing time, by guardrail. */

const ATTRIBUTES = {
  guardrailsMode: 'kong.gen_ai.aws.guardrails.mode',
  guardrailsId: 'kong.gen_ai.aws.guardrails.id',
  guardrailsVersion: 'kong.gen_ai.aws.guardrails.version',
  guardrailsRegion: 'kong.gen_ai.aws.guardrails.region',
} as const;

const INSTRUMENTS = {
  guardrailsLatency: histogram('kong.gen_ai.aws.guardrails.latency', 's', 'AWS Guardrails processing time, by input or output.', Bounds.latency),
} as const;

export const GUARDRAILS: SectionDeclaration = {
  attributes: ATTRIBUTES,
  // Input and output checks are unlike things: never added together.
  required: [ATTRIBUTES.guardrailsMode],
  instruments: INSTRUMENTS,
  fields: inEachCall({
    'aws-guardrails': object({ input_processing_latency: scalar, output_processing_latency: scalar, guardrails_id: scalar, guardrails_version: scalar, aws_region: scalar }),
  }),
};

class GuardrailsFields {
  id: string | undefined = undefined;
  version: string | undefined = undefined;
  region: string | undefined = undefined;
  mode: string | undefined = undefined;
  constructor(readonly common: CommonFields) {}
}

function guardrailsAttributes(f: GuardrailsFields): Attributes {
  const a: Attributes = {};
  put(a, ATTRIBUTES.guardrailsId, f.id);
  put(a, ATTRIBUTES.guardrailsVersion, f.version);
  put(a, ATTRIBUTES.guardrailsRegion, f.region);
  put(a, ATTRIBUTES.guardrailsMode, f.mode);
  put(a, 'kong.workspace.name', f.common.workspace);
  put(a, 'kong.auth.consumer.name', f.common.consumer);
  return a;
}

export class Guardrails {
  private readonly f: GuardrailsFields;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;
  private readonly sets: AttributeTrie;
  /** The mode is the slot: input or output. */
  private readonly input: HistogramSlot<GuardrailsFields>;
  private readonly output: HistogramSlot<GuardrailsFields>;

  constructor(
    private readonly rec: Recorder,
    common: CommonFields,
    o: SectionOptions,
  ) {
    this.f = new GuardrailsFields(common);
    this.keep = kept(ATTRIBUTES, o.excluded);
    const set = rec.set();
    this.sets = rec.root(set);
    const m = rec.histogram(INSTRUMENTS.guardrailsLatency);
    this.input = set.histogram(m, this.f, guardrailsAttributes);
    this.output = set.histogram(m, this.f, guardrailsAttributes);
  }

  /** An AI plugin object's `aws-guardrails`. */
  record(g: JsonObject): void {
    const f = this.f;
    const keep = this.keep;
    const inputMs = positive(g.input_processing_latency);
    const outputMs = positive(g.output_processing_latency);
    if (inputMs === undefined && outputMs === undefined) return;
    f.id = keep.guardrailsId ? text(g.guardrails_id) : undefined;
    f.version = keep.guardrailsVersion ? text(g.guardrails_version) : undefined;
    f.region = keep.guardrailsRegion ? text(g.aws_region) : undefined;
    const n = this.sets.find5(f.id, f.version, f.region, f.common.workspace, f.common.consumer);
    if (inputMs !== undefined) {
      f.mode = 'input';
      this.rec.record(this.input, n, inputMs / 1000);
    }
    if (outputMs !== undefined) {
      f.mode = 'output';
      this.rec.record(this.output, n, outputMs / 1000);
    }
  }
}
