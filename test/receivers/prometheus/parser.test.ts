import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../../receivers/prometheus/parser.js';
import { summary, type Fam } from './page_summary.js';

interface Case {
  name: string;
  text: string;
  families: Fam[];
  /** [line, a fragment of the message] */
  errors?: [number, string][];
}

const CASES: Case[] = [
  {
    name: 'HELP, TYPE and a counter sample',
    text: '# HELP http_requests_total The total.\n# TYPE http_requests_total counter\nhttp_requests_total{method="post",code="200"} 1027\n',
    families: [{ name: 'http_requests_total', type: 'counter', help: 'The total.', samples: [['', { method: 'post', code: '200' }, 1027]] }],
  },
  {
    name: 'gauge without labels, float and exponent values',
    text: '# TYPE g gauge\ng 3.25\ng2 -1.5e3\ng3 .5\n',
    families: [
      { name: 'g', type: 'gauge', samples: [['', {}, 3.25]] },
      { name: 'g2', type: 'untyped', samples: [['', {}, -1500]] },
      { name: 'g3', type: 'untyped', samples: [['', {}, 0.5]] },
    ],
  },
  {
    name: 'escaped label values: backslash, quote, newline',
    text: 'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n',
    families: [
      {
        name: 'msdos_file_access_time_seconds',
        type: 'untyped',
        samples: [['', { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' }, 1458255915]],
      },
    ],
  },
  {
    name: 'a label value holding }, comma, # and = is just text',
    text: 'x{a="}, #=",b="y"} 1\n',
    families: [{ name: 'x', type: 'untyped', samples: [['', { a: '}, #=', b: 'y' }, 1]] }],
  },
  {
    name: 'HELP text unescapes \\\\ and \\n, keeps other backslashes',
    text: '# HELP h Line one\\nline two \\\\ and \\t.\n# TYPE h gauge\nh 1\n',
    families: [{ name: 'h', type: 'gauge', help: 'Line one\nline two \\ and \\t.', samples: [['', {}, 1]] }],
  },
  {
    name: 'optional timestamps in milliseconds',
    text: 'a 1 1395066363000\nb{x="1"} 2 0\n',
    families: [
      { name: 'a', type: 'untyped', samples: [['', {}, 1, 1395066363000]] },
      { name: 'b', type: 'untyped', samples: [['', { x: '1' }, 2, 0]] },
    ],
  },
  {
    name: 'NaN, +Inf, -Inf and their spellings',
    text: 'v{i="1"} NaN\nv{i="2"} +Inf\nv{i="3"} -Inf\nv{i="4"} Inf\nv{i="5"} nan\nv{i="6"} -inf\n',
    families: [
      {
        name: 'v',
        type: 'untyped',
        samples: [
          ['', { i: '1' }, NaN],
          ['', { i: '2' }, Infinity],
          ['', { i: '3' }, -Infinity],
          ['', { i: '4' }, Infinity],
          ['', { i: '5' }, NaN],
          ['', { i: '6' }, -Infinity],
        ],
      },
    ],
  },
  {
    name: 'empty label set, spaces around tokens and inside braces, trailing comma, tabs',
    text: '  e{} 1\nf { a = "1" , b="2", } \t 2\t\n\tg\t3  \n',
    families: [
      { name: 'e', type: 'untyped', samples: [['', {}, 1]] },
      { name: 'f', type: 'untyped', samples: [['', { a: '1', b: '2' }, 2]] },
      { name: 'g', type: 'untyped', samples: [['', {}, 3]] },
    ],
  },
  {
    name: 'blank lines, plain comments, # EOF and a colon in the name',
    text: '\n# just a comment\n#\n   \nrecord:rate5m{job="a"} 4\n# EOF\n',
    families: [{ name: 'record:rate5m', type: 'untyped', samples: [['', { job: 'a' }, 4]] }],
  },
  {
    name: 'series without TYPE are untyped; TYPE untyped is the same',
    text: '# TYPE u untyped\nu 1\nno_type{a="b"} 2\n',
    families: [
      { name: 'u', type: 'untyped', samples: [['', {}, 1]] },
      { name: 'no_type', type: 'untyped', samples: [['', { a: 'b' }, 2]] },
    ],
  },
  {
    name: 'TYPE words are lowercase, alone after one blank (Prometheus compares them as written): others are reported, the family untyped',
    text: '# TYPE c COUNTER\nc 1\n# TYPE d counter \nd 1\n# TYPE e  gauge\ne 1\n# TYPE f\tgauge\nf 1\n',
    families: [
      { name: 'c', type: 'untyped', samples: [['', {}, 1]] },
      { name: 'd', type: 'untyped', samples: [['', {}, 1]] },
      { name: 'e', type: 'untyped', samples: [['', {}, 1]] },
      { name: 'f', type: 'gauge', samples: [['', {}, 1]] },
    ],
    errors: [
      [1, '# TYPE c COUNTER: "COUNTER" is not a metric type'],
      [3, '"counter " is not a metric type'],
      [5, '" gauge" is not a metric type'],
    ],
  },
  {
    name: 'as Prometheus reads them: no comma between pairs, an unknown escape kept as written, the value right after the name or }',
    text: 'a{b="1" c="2"} 1\nd{e="C:\\dir\\x\\\\y\\"z"} 2\nf{g="h"}3\ni+4\n',
    families: [
      { name: 'a', type: 'untyped', samples: [['', { b: '1', c: '2' }, 1]] },
      { name: 'd', type: 'untyped', samples: [['', { e: 'C:\\dir\\x\\y"z' }, 2]] },
      { name: 'f', type: 'untyped', samples: [['', { g: 'h' }, 3]] },
      { name: 'i', type: 'untyped', samples: [['', {}, 4]] },
    ],
  },
  {
    name: '# with no blank after it, or a bare # HELP, is a plain comment (promlex.l: `#[ \\t]+`, `HELP[\\t ]+`)',
    text: '#HELP a Not help.\n#TYPE a counter\n# HELP\na 1\n',
    families: [{ name: 'a', type: 'untyped', samples: [['', {}, 1]] }],
  },
  {
    name: 'HELP text is the rest of the line after one blank, as in Prometheus',
    text: '# HELP a  two blanks\n# HELP b\n# HELP c \na 1\nb 1\nc 1\n',
    families: [
      { name: 'a', type: 'untyped', help: ' two blanks', samples: [['', {}, 1]] },
      { name: 'b', type: 'untyped', samples: [['', {}, 1]] },
      { name: 'c', type: 'untyped', samples: [['', {}, 1]] },
    ],
  },
  {
    name: 'numbers in every notation Prometheus reads',
    text: 'n{i="1"} 017\nn{i="2"} 5.\nn{i="3"} 1e-400\nn{i="4"} INF\nn{i="5"} -Infinity\nn{i="6"} +1 9007199254740991\n',
    families: [
      {
        name: 'n',
        type: 'untyped',
        samples: [
          ['', { i: '1' }, 17],
          ['', { i: '2' }, 5],
          ['', { i: '3' }, 0],
          ['', { i: '4' }, Infinity],
          ['', { i: '5' }, -Infinity],
          ['', { i: '6' }, 1, 9007199254740991],
        ],
      },
    ],
  },
  {
    name: 'histogram: _bucket, _sum and _count join their family',
    text:
      '# HELP rpc_duration_seconds RPC latency.\n# TYPE rpc_duration_seconds histogram\n' +
      'rpc_duration_seconds_bucket{le="0.05"} 24054\nrpc_duration_seconds_bucket{le="0.1"} 33444\n' +
      'rpc_duration_seconds_bucket{le="+Inf"} 144320\nrpc_duration_seconds_sum 53423\nrpc_duration_seconds_count 144320\n',
    families: [
      {
        name: 'rpc_duration_seconds',
        type: 'histogram',
        help: 'RPC latency.',
        samples: [
          ['_bucket', { le: '0.05' }, 24054],
          ['_bucket', { le: '0.1' }, 33444],
          ['_bucket', { le: '+Inf' }, 144320],
          ['_sum', {}, 53423],
          ['_count', {}, 144320],
        ],
      },
    ],
  },
  {
    name: 'summary: quantiles, _sum and _count join their family',
    text:
      '# TYPE rpc summary\nrpc{quantile="0.5"} 4773\nrpc{quantile="0.99"} 76656\nrpc_sum 1.7560473e+07\nrpc_count 2693\n',
    families: [
      {
        name: 'rpc',
        type: 'summary',
        samples: [
          ['', { quantile: '0.5' }, 4773],
          ['', { quantile: '0.99' }, 76656],
          ['_sum', {}, 17560473],
          ['_count', {}, 2693],
        ],
      },
    ],
  },
  {
    name: '# UNIT (OpenMetrics, printed by the OpenTelemetry exporters) sets the unit',
    text: '# TYPE d_seconds gauge\n# UNIT d_seconds s\nd_seconds 2\n',
    families: [{ name: 'd_seconds', type: 'gauge', unit: 's', samples: [['', {}, 2]] }],
  },
  {
    name: 'a _count of an untyped name is its own untyped family',
    text: 'jobs_count 3\n',
    families: [{ name: 'jobs_count', type: 'untyped', samples: [['', {}, 3]] }],
  },
  {
    name: 'a TYPE after samples, a second TYPE and a second HELP are reported and ignored',
    text: '# HELP a First.\na 1\n# TYPE a counter\n# TYPE b gauge\n# TYPE b counter\n# HELP a Second.\nb 2\n',
    families: [
      { name: 'a', type: 'untyped', help: 'First.', samples: [['', {}, 1]] },
      { name: 'b', type: 'gauge', samples: [['', {}, 2]] },
    ],
    errors: [
      [3, '# TYPE a comes after samples of a'],
      [5, 'second # TYPE line for b'],
      [6, 'second # HELP line for a'],
    ],
  },
  {
    name: 'a # TYPE line without a type, or a # HELP or # TYPE without a name, is reported',
    text: '# TYPE t\n# TYPE 9x counter\n# HELP 9x doc\nt 1\n',
    families: [{ name: 't', type: 'untyped', samples: [['', {}, 1]] }],
    errors: [
      [1, '# TYPE t: missing the type'],
      [2, '# TYPE must be followed by a metric name'],
      [3, '# HELP must be followed by a metric name'],
    ],
  },
  {
    name: 'a plain sample named like its histogram is an error',
    text: '# TYPE h histogram\nh 1\nh_count 1\n',
    families: [{ name: 'h', type: 'histogram', samples: [['_count', {}, 1]] }],
    errors: [[2, "h: a histogram's samples are h_bucket, _sum and _count; ignored"]],
  },
  {
    name: 'Kong docs: # TYPE x bucket is reported, x read as untyped, x_ms_bucket{le} grouped into a histogram',
    text:
      '# HELP lat AI latencies\n# TYPE lat bucket\nlat_ms_bucket{p="a",le="10"} 1\nlat_ms_bucket{p="a",le="+Inf"} 2\n' +
      'lat_ms_sum{p="a"} 14\nlat_ms_count{p="a"} 2\nlat{p="a",le="+Inf"} 2\n',
    families: [
      { name: 'lat', type: 'untyped', help: 'AI latencies', samples: [['', { p: 'a', le: '+Inf' }, 2]] },
      {
        name: 'lat_ms',
        type: 'histogram',
        help: 'AI latencies',
        samples: [
          ['_bucket', { p: 'a', le: '10' }, 1],
          ['_bucket', { p: 'a', le: '+Inf' }, 2],
          ['_sum', { p: 'a' }, 14],
          ['_count', { p: 'a' }, 2],
        ],
      },
    ],
    errors: [[2, '# TYPE lat bucket: "bucket" is not a metric type']],
  },
  {
    name: 'outside an invalid TYPE block, an untyped x_bucket stays its own family',
    text: 'y_bucket{le="1"} 1\n',
    families: [{ name: 'y_bucket', type: 'untyped', samples: [['', { le: '1' }, 1]] }],
  },
];

describe('parseExposition: text format 0.0.4', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const page = parseExposition(c.text);
      expect(page.fatal).toBeUndefined();
      const got = summary(page);
      expect(got.families).toEqual(c.families);
      const errors = c.errors ?? [];
      expect(got.errors.map(([line]) => line)).toEqual(errors.map(([line]) => line));
      got.errors.forEach(([, message], i) => expect(message).toContain(errors[i][1]));
    });
  }

  it('counts samples and every error, and keeps the first 100 errors', () => {
    const text = Array.from({ length: 150 }, (_, i) => `# TYPE bad${i} bucket`).join('\n') + '\nok 1\n';
    const page = parseExposition(text);
    expect(page.sampleCount).toBe(1);
    expect(page.errorCount).toBe(150);
    expect(page.errors).toHaveLength(100);
    expect(page.errors[99].line).toBe(100);
  });

  it('an empty page has no families and no errors', () => {
    expect(parseExposition('')).toEqual({ families: [], sampleCount: 0, errors: [], errorCount: 0, fatal: undefined });
  });
});
