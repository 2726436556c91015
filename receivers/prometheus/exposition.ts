/** What the text-format parser hands to the conversion: families of samples, and what was wrong. */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** How a sample's name relates to its family's name. */
export type SampleSuffix = '' | '_bucket' | '_sum' | '_count';

export interface Sample {
  readonly suffix: SampleSuffix;
  /** Label names and values in page order: `[name0, value0, name1, value1, …]`, unescaped. */
  readonly labels: readonly string[];
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  readonly timestampMs: number | undefined;
  readonly line: number;
}

export interface MetricFamily {
  readonly name: string;
  type: MetricType;
  help: string;
  /** From an OpenMetrics-style `# UNIT` line (the OpenTelemetry exporters print one); `''` otherwise. */
  unit: string;
  readonly samples: Sample[];
  /** A histogram recognised from its sample names after an invalid `# TYPE` line. */
  inferred: boolean;
}

export interface ParseError {
  readonly line: number;
  readonly message: string;
}

export interface ParsedPage {
  /** Families with at least one sample, in the order their names first appear (HELP/TYPE lines included). */
  readonly families: readonly MetricFamily[];
  readonly sampleCount: number;
  /** Lines reported and skipped (the rest of the page counts): the first `MAX_REPORTED_ERRORS`. */
  readonly errors: readonly ParseError[];
  readonly errorCount: number;
  /**
   * A line Prometheus would refuse the whole page for (a sample it cannot read, bytes that are not UTF-8
   * where it checks): the page is refused too, and parsing stopped there. `families` is then empty.
   */
  readonly fatal: ParseError | undefined;
}

export const MAX_REPORTED_ERRORS = 100;

/** Every error counted, the first `MAX_REPORTED_ERRORS` kept: a page of garbage costs no more memory than that. */
export class ErrorList {
  readonly list: ParseError[] = [];
  count = 0;

  add(line: number, message: string): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push({ line, message });
  }
}

/** Names in messages are cut here: they come from the network and could be a megabyte long. */
const SHOWN = 100;

/** A page-supplied name or word as a message shows it. */
export function shown(name: string): string {
  return name.length <= SHOWN ? name : `${name.slice(0, SHOWN)}…`;
}
