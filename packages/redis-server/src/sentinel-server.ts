import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './free-port.js';
import { spawnServer } from './redis-server.js';

export interface SentinelServerOptions {
  /** Working directory: the generated `sentinel.conf`, which Sentinel rewrites as it learns. */
  dir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** The name the primary is monitored under: what clients ask for (REDIS_SENTINEL_MASTER). */
  masterName: string;
  master: { host: string; port: number };
  /** Sentinels that must agree the primary is down before a failover starts. */
  quorum: number;
  /** How long the primary may not answer before this sentinel thinks it down (Redis: 30 s). */
  downAfterMs?: number;
  /** Bound on one failover, and twice it the pause before another try (Redis: 3 min). */
  failoverTimeoutMs?: number;
  /** The ACL user and password this sentinel logs in to the primary and its replicas with. */
  auth?: { user?: string; password: string };
  bin?: string;
  startTimeoutMs?: number;
}

/**
 * A Redis Sentinel (`redis-server sentinel.conf --sentinel`) bound to 127.0.0.1, monitoring one
 * primary; it finds the replicas and the other sentinels through the primary. `kill()` ends it
 * abruptly, `stop()` cleanly.
 */
export class SentinelServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
    private readonly exited: Promise<void>,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(options: SentinelServerOptions): Promise<SentinelServer> {
    const bin = options.bin ?? 'redis-server';
    await mkdir(options.dir, { recursive: true });
    const port = options.port || (await freePort());
    const file = path.join(options.dir, 'sentinel.conf');
    await writeFile(file, sentinelConfig(port, options));
    const { child, exited } = await spawnServer(bin, [file, '--sentinel'], {
      port,
      timeoutMs: options.startTimeoutMs ?? 10_000,
      // Printed once it listens, after the configuration is loaded.
      readyLine: `+monitor master ${options.masterName} `,
    });
    return new SentinelServer(child, port, options.dir, exited);
  }

  /** Clean shutdown; resolves when the process has exited. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function sentinelConfig(port: number, options: SentinelServerOptions): string {
  const name = options.masterName;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new RangeError(`masterName "${name}": letters, digits, dot, underscore and dash only`);
  }
  const lines = [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${JSON.stringify(options.dir)}`,
    'daemonize no',
    'loglevel notice',
    `sentinel monitor ${name} ${options.master.host} ${options.master.port} ${options.quorum}`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 30_000}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 180_000}`,
    `sentinel parallel-syncs ${name} 1`,
  ];
  if (options.auth?.user !== undefined) {
    lines.push(`sentinel auth-user ${name} ${options.auth.user}`);
  }
  if (options.auth !== undefined) {
    lines.push(`sentinel auth-pass ${name} ${JSON.stringify(options.auth.password)}`);
  }
  return `${lines.join('\n')}\n`;
}
