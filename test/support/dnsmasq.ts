import { type ChildProcess, spawn } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { tempDir } from './temp.js';
import { waitFor } from './wait.js';

/** An SRV record as dnsmasq's --srv-host writes it. */
export interface SrvRecord {
  readonly name: string;
  readonly target: string;
  readonly port: number;
  readonly priority?: number;
  readonly weight?: number;
}

/** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
const DNSMASQ_BIN = existsSync('/usr/sbin/dnsmasq') ? '/usr/sbin/dnsmasq' : 'dnsmasq';

/** Every name ending in `.test` is dnsmasq's own: a name not in its hosts file is NXDOMAIN, never forwarded. */
export const DNS_TEST_DOMAIN = 'test';

/**
 * A real DNS server (Debian's dnsmasq; test/ensure_prometheus.sh installs it) on 127.0.0.1 and a free
 * port, answering from a hosts file of its own and nothing else (no resolv.conf, no /etc/hosts, no
 * upstream). `setHosts` rewrites the file and sends SIGHUP, which is how dnsmasq rereads it while it
 * runs. SRV records are command-line options dnsmasq only reads at start.
 */
export class Dnsmasq {
  private process: ChildProcess | undefined;
  private stderr = '';
  private readonly dir = tempDir('dnsmasq-');
  private readonly hostsFile = join(this.dir, 'hosts');
  port = 0;

  /** `ip:port`, for `nameservers` and Resolver.setServers. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `port`: a port a stopped server used, to bring it back where its clients ask; else a free one. */
  async start(hosts: Readonly<Record<string, readonly string[]>>, srv: readonly SrvRecord[] = [], port?: number): Promise<this> {
    // dnsmasq started as root drops to its own user, which must still read the hosts file on SIGHUP.
    chmodSync(this.dir, 0o755);
    this.writeHosts(hosts);
    this.port = port ?? (await freePort());
    const args = [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      `--port=${this.port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      `--addn-hosts=${this.hostsFile}`,
      `--local=/${DNS_TEST_DOMAIN}/`,
      '--pid-file=',
      `--user=${userInfo().username}`,
      '--log-facility=-',
      '--log-queries',
      ...srv.map((r) => `--srv-host=${r.name},${r.target},${r.port},${r.priority ?? 0},${r.weight ?? 0}`),
    ];
    const child = spawn(DNSMASQ_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    child.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    const spawnFailed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`dnsmasq did not start (${e.message}); install it: apt-get install -y dnsmasq`))));
    spawnFailed.catch(() => {});
    const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
    resolver.setServers([this.address]);
    await Promise.race([
      spawnFailed,
      waitFor(
        `dnsmasq answering on ${this.address} (stderr: ${this.stderr})`,
        async () => {
          if (child.exitCode !== null) throw new Error(`dnsmasq exited ${child.exitCode}: ${this.stderr}`);
          // Any answer from dnsmasq (here NXDOMAIN) shows it listens.
          return resolver.resolve4(`ready.${DNS_TEST_DOMAIN}`).then(
            () => true,
            (e: { code?: string }) => (e.code === 'ENOTFOUND' || e.code === 'ENODATA' ? true : undefined),
          );
        },
        10_000,
        50,
      ),
    ]);
    return this;
  }

  /** Replace every A/AAAA record and make the running server reread them. */
  setHosts(hosts: Readonly<Record<string, readonly string[]>>): void {
    this.writeHosts(hosts);
    this.process?.kill('SIGHUP');
  }

  /** Queries dnsmasq logged for `name` (any type), to show a stopped discoverer asks no more. */
  queriesFor(name: string): number {
    return this.stderr.split('\n').filter((l) => /query\[/.test(l) && l.includes(` ${name} from`)).length;
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

  private writeHosts(hosts: Readonly<Record<string, readonly string[]>>): void {
    const lines = Object.entries(hosts).flatMap(([name, ips]) => ips.map((ip) => `${ip} ${name}`));
    writeFileSync(this.hostsFile, `${lines.join('\n')}\n`, { mode: 0o644 });
  }
}
