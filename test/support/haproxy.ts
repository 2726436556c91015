import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { tempDir } from './temp.js';
import { waitFor } from './wait.js';

/** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
const HAPROXY_BIN = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

export interface HaproxyOptions {
  /** `host:port` of each backend server, in order. */
  readonly backends: readonly string[];
  /**
   * `http` balances each request (a kube-proxy ClusterIP balances connections; an HTTP-aware proxy in
   * front of a Service, as a mesh or ingress is, balances requests); `tcp` balances connections.
   */
  readonly mode?: 'http' | 'tcp';
  /** `http-server-close`: a new backend connection per request, so round-robin sees every request. */
  readonly serverClose?: boolean;
}

/**
 * A real load balancer (Debian's haproxy; test/ensure_prometheus.sh installs it) on 127.0.0.1 and a
 * free port, round-robin over `backends`, no health checks (a dead backend is tried anyway, as a
 * Service whose endpoint has not yet been removed is), logging nothing.
 */
export class Haproxy {
  private process: ChildProcess | undefined;
  private stderr = '';
  private readonly dir = tempDir('haproxy-');
  port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(options: HaproxyOptions): Promise<this> {
    this.port = await freePort();
    const mode = options.mode ?? 'http';
    const config = join(this.dir, 'haproxy.cfg');
    writeFileSync(
      config,
      [
        'global',
        '  maxconn 4096',
        'defaults',
        `  mode ${mode}`,
        '  timeout connect 2s',
        '  timeout client 60s',
        '  timeout server 60s',
        ...(mode === 'http' && options.serverClose === true ? ['  option http-server-close'] : []),
        'frontend in',
        `  bind 127.0.0.1:${this.port}`,
        '  default_backend pods',
        'backend pods',
        '  balance roundrobin',
        ...options.backends.map((b, i) => `  server pod${i} ${b}`),
        '',
      ].join('\n'),
    );
    const child = spawn(HAPROXY_BIN, ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    child.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    const spawnFailed = new Promise<never>((_, reject) =>
      child.once('error', (e) => reject(new Error(`haproxy did not start (${e.message}); install it: apt-get install -y haproxy`))),
    );
    spawnFailed.catch(() => {});
    await Promise.race([
      spawnFailed,
      waitFor(
        `haproxy listening on ${this.address} (stderr: ${this.stderr})`,
        async () => {
          if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${this.stderr}`);
          return accepts(this.port);
        },
        10_000,
        50,
      ),
    ]);
    return this;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}
