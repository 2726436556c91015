import { describe, expect, it } from 'vitest';
import { availableMemory } from '../../../processors/memory_limiter/index.js';

const MIB = 1024 * 1024;
const MACHINE = 8192 * MIB;

/** A file system of the given files; everything else is unreadable. */
const source = (files: Record<string, string>) => ({ readFile: (path: string) => files[path], totalmem: () => MACHINE });

describe('memory available to kongtel (what limit_percentage is of)', () => {
  it.each([
    [
      'cgroup v2, own cgroup unlimited, the pod above it limited',
      {
        '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
        '/sys/fs/cgroup/kubepods/pod1/ctr/memory.max': 'max\n',
        '/sys/fs/cgroup/kubepods/pod1/memory.max': `${512 * MIB}\n`,
      },
      512 * MIB,
      '/sys/fs/cgroup/kubepods/pod1/memory.max',
    ],
    ['cgroup v2 in its own namespace (the container is the root)', { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': `${256 * MIB}\n` }, 256 * MIB, '/sys/fs/cgroup/memory.max'],
    ['cgroup v2 without a limit', { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': 'max\n' }, MACHINE, 'machine memory (os.totalmem)'],
    [
      'cgroup v1 with a limit',
      { '/proc/self/cgroup': '5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n', '/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes': `${1024 * MIB}\n` },
      1024 * MIB,
      '/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes',
    ],
    [
      'cgroup v1 "unlimited" (2^63 rounded down to a page)',
      { '/proc/self/cgroup': '4:memory:/\n', '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' },
      MACHINE,
      'machine memory (os.totalmem)',
    ],
    ['a cgroup limit above the machine’s memory', { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': `${65536 * MIB}\n` }, MACHINE, 'machine memory (os.totalmem)'],
    ['no cgroup files at all', {}, MACHINE, 'machine memory (os.totalmem)'],
  ])('%s', (_name, files, bytes, from) => {
    expect(availableMemory(source(files))).toEqual({ bytes, source: from });
  });

  it('on this machine: at most os.totalmem()', async () => {
    const { totalmem } = await import('node:os');
    const a = availableMemory();
    expect(a.bytes).toBeGreaterThan(0);
    expect(a.bytes).toBeLessThanOrEqual(totalmem());
  });
});
