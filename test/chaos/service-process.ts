import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { childProcesses } from '../child-processes.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A seedsweep service (`node services/<name>/dist/main.js`) as a deployment runs it: a process
 * group of its own (its trial processes included), its output in a log file that outlives it.
 */
export class ServiceProcess {
  readonly exited: Promise<Exit>;
  readonly startedAt = Date.now();

  private constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  static start(
    name: string,
    main: string,
    env: NodeJS.ProcessEnv,
    logFile: string,
  ): ServiceProcess {
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(process.execPath, [main], {
        env,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
      return new ServiceProcess(name, logFile, child);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * The whole group and the trial processes, which run in sessions of their own: what a crashed
   * container or a killed pod loses.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.running) {
      const children = childProcesses(this.pid).map((p) => p.pid);
      process.kill(-this.pid, signal);
      for (const pid of children) {
        try {
          process.kill(pid, signal);
        } catch {
          // Gone already.
        }
      }
    }
    return this.exited;
  }

  /** The service's own process only, not its trial processes. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<Exit> {
    if (!this.running) return this.exited;
    process.kill(-this.pid, 'SIGTERM');
    const timer = setTimeout(() => this.running && process.kill(-this.pid, 'SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
