import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { RedisServerError } from './errors/redis-server-error.js';
import { freePort } from './free-port.js';

export interface RedisServerOptions {
  /** Working directory: the AOF and RDB files go here. Created if missing. */
  dir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Append-only file on: every write survives a crash of the server. */
  appendOnly?: boolean;
  bin?: string;
  /** Milliseconds to wait for "Ready to accept connections". */
  startTimeoutMs?: number;
  /** A replica of this primary (`--replicaof`); its credentials go in `args` (`--masterauth`). */
  replicaOf?: { host: string; port: number };
  /** More configuration, as `--name value` pairs: a password, a memory limit. */
  args?: string[];
}

/**
 * A redis-server child process bound to 127.0.0.1. `stop()` shuts it down cleanly (SIGTERM makes
 * Redis flush the AOF); `kill()` is the crash a test wants to survive.
 */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
    private readonly exited: Promise<void>,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(options: RedisServerOptions): Promise<RedisServer> {
    const bin = options.bin ?? 'redis-server';
    await mkdir(options.dir, { recursive: true });
    const port = options.port || (await freePort());
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dir,
      '--save',
      '',
      '--appendonly',
      options.appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--daemonize',
      'no',
      '--loglevel',
      'notice',
      ...(options.replicaOf
        ? ['--replicaof', options.replicaOf.host, String(options.replicaOf.port)]
        : []),
      ...(options.args ?? []),
    ];
    const { child, exited } = await spawnServer(bin, args, {
      port,
      timeoutMs: options.startTimeoutMs ?? 10_000,
      readyLine: 'Ready to accept connections',
    });
    return new RedisServer(child, port, options.dir, exited);
  }

  /** Resolves when the process has exited, however it ended (an owner watches for crashes). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Clean shutdown; resolves when the process has exited. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Abrupt end, as a power cut or OOM kill would do it. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

interface ReadyCheck {
  port: number;
  timeoutMs: number;
  /** What the server prints once it accepts connections. */
  readyLine: string;
}

/**
 * Starts `bin` and resolves once it prints `readyLine`; a RedisServerError (the server killed)
 * when it exits first or takes longer than `timeoutMs`. In a process group of its own: Ctrl-C in
 * the terminal must not take Redis down before the services that still write to it have
 * stopped; the owner stops it last.
 */
export async function spawnServer(
  bin: string,
  args: string[],
  ready: ReadyCheck,
): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntilReady(child, bin, ready);
  return { child, exited };
}

function waitUntilReady(
  child: ChildProcess,
  bin: string,
  { port, timeoutMs, readyLine }: ReadyCheck,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (message: string) => {
      cleanup();
      child.kill('SIGKILL');
      reject(
        new RedisServerError('REDIS_SERVER_START_FAILED', message, {
          bin,
          port,
          output: output.slice(-2000),
        }),
      );
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) {
        cleanup();
        // Keep draining the pipes so a chatty server never blocks on a full buffer.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        error.code === 'ENOENT'
          ? new RedisServerError('REDIS_SERVER_NOT_FOUND', `${bin} was not found on the PATH`, {
              bin,
            })
          : error,
      );
    };
    const onExit = (code: number | null) =>
      fail(`${bin} exited with code ${code} before it was ready on port ${port}`);
    const timer = setTimeout(
      () => fail(`${bin} was not ready on port ${port} after ${timeoutMs} ms`),
      timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}
