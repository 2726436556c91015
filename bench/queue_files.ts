import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodedRequest } from '../exporters/otlphttp/encode.js';
import { queueFileHeader, queueFileName } from '../exporters/otlphttp/queue_file.js';

/** ext4 allows 65 000 names per inode; each template serves fewer. */
const LINKS_PER_TEMPLATE = 60_000;

/** The bytes of a queue file holding `req`, as the persistent queue writes it. */
export function queueFileBytes(req: EncodedRequest): Buffer {
  return Buffer.concat([queueFileHeader(req), req.body]);
}

/**
 * What a long backend outage leaves: `count` request files numbered 1..count in `dir` (created), as the
 * persistent queue names them. `first` and `last` are written as files of their own; every other one is a
 * hard link to a shared `middle` file kept in `templates` (outside `dir`), so a million of them take
 * seconds and a few megabytes of directory, not a million inodes.
 */
export function makeQueueFiles(
  dir: string,
  templates: string,
  count: number,
  bodies: { readonly first: EncodedRequest; readonly middle: EncodedRequest; readonly last: EncodedRequest },
): void {
  mkdirSync(dir, { recursive: true });
  mkdirSync(templates, { recursive: true });
  const middle = queueFileBytes(bodies.middle);
  let template = '';
  for (let seq = 1; seq <= count; seq++) {
    const path = join(dir, queueFileName(seq));
    if (seq === 1) writeFileSync(path, queueFileBytes(bodies.first));
    else if (seq === count) writeFileSync(path, queueFileBytes(bodies.last));
    else {
      if ((seq - 2) % LINKS_PER_TEMPLATE === 0) {
        template = join(templates, `middle-${seq}`);
        writeFileSync(template, middle);
      }
      linkSync(template, path);
    }
  }
}
