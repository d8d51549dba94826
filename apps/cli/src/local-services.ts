import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { formatServiceLine } from './service-log.js';

const require = createRequire(import.meta.url);
const LOOPBACK = '127.0.0.1';

export interface LocalServicesOptions {
  redisUrl: string;
  port: number;
  workers: number;
  /** Passed to every service; REDIS_URL, PORT and WORKER_NAME are set on top. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Only warnings and errors of the services: `run` shows its own progress instead. */
  warningsOnly?: boolean;
  /**
   * Read-write keys the API takes (AUTH on), for a benchmark of several users; by default it
   * takes none (AUTH=off). It listens on loopback either way.
   */
  apiKeys?: readonly string[];
}

interface Service {
  name: string;
  child: ChildProcess;
  exited: Promise<string>;
  /** How long it may take to stop after SIGTERM before it is killed. */
  stopBoundMs: number;
}

/** Past a service's own stop deadline (8 s; a worker's grace + 10 s): a margin, then SIGKILL. */
const STOP_MARGIN_MS = 15_000;
const DEFAULT_WORKER_GRACE_SECONDS = 120;

/**
 * The API, the aggregator and the workers as child processes of `seedsweep start`, their logs
 * folded into the terminal. Stopping sends SIGTERM to each and waits: workers finish their
 * running trials within their grace period.
 */
export class LocalServices {
  private readonly services: Service[] = [];
  private stopping = false;
  /** Resolves with the name of the first service that exits while not stopping. */
  readonly failed: Promise<string>;
  private fail!: (name: string) => void;

  private readonly killOnExit = (): void => {
    for (const { child } of this.services) if (child.exitCode === null) child.kill('SIGKILL');
  };

  constructor(private readonly options: LocalServicesOptions) {
    this.failed = new Promise((resolve) => (this.fail = resolve));
  }

  start(): void {
    // The services run in process groups of their own; should seedsweep exit without stopping
    // them (a second Ctrl-C), they must not outlive it.
    process.once('exit', this.killOnExit);
    const keys = this.options.apiKeys ?? [];
    if (keys.length > 0) {
      this.options.log(`the API takes ${keys.length} API keys, on ${LOOPBACK} only`);
      this.spawn('api', '@seedsweep/api', {
        AUTH: 'on',
        HOST: LOOPBACK,
        API_KEYS: keys.join(','),
        API_KEYS_FILE: '',
      });
    } else {
      // A stack for this machine's user: no keys to set up, and nothing other machines reach.
      this.options.log(
        `the API runs without API keys (AUTH=off), on ${LOOPBACK} only: other machines cannot reach it`,
      );
      this.spawn('api', '@seedsweep/api', {
        AUTH: 'off',
        HOST: LOOPBACK,
        // Empty is unset: keys meant for another API must not contradict AUTH=off.
        API_KEYS: '',
        API_KEYS_FILE: '',
      });
    }
    this.spawn('aggregator', '@seedsweep/aggregator', {});
    for (let i = 1; i <= this.options.workers; i += 1) {
      this.spawn(`worker-${i}`, '@seedsweep/worker', { WORKER_NAME: `local-worker-${i}` });
    }
  }

  /** The services' own processes (their trial processes are their children). */
  processes(): { name: string; pid: number }[] {
    return this.services
      .filter((s) => s.child.pid !== undefined && s.child.exitCode === null)
      .map((s) => ({ name: s.name, pid: s.child.pid! }));
  }

  get apiUrl(): string {
    return `http://${LOOPBACK}:${this.options.port}`;
  }

  /** Polls /readyz until the API answers (it needs Redis) or `timeoutMs` passes. */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.apiUrl}/readyz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the API did not become ready on ${this.apiUrl} within ${timeoutMs / 1000} s`);
  }

  /**
   * SIGTERM to all, then waits for each within its bound (each service bounds its own stop; the
   * bound here is for one that is wedged): what is left is killed, and said so. `force` sends
   * SIGKILL at once.
   */
  async stop(force = false): Promise<void> {
    this.stopping = true;
    for (const service of this.services) {
      if (service.child.exitCode === null) service.child.kill(force ? 'SIGKILL' : 'SIGTERM');
    }
    await Promise.all(this.services.map((service) => this.stopWithin(service)));
    process.off('exit', this.killOnExit);
  }

  private async stopWithin(service: Service): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), service.stopBoundMs);
    });
    const outcome = await Promise.race([service.exited, bound]);
    clearTimeout(timer);
    if (outcome !== 'late') return;
    this.options.log(
      `${service.name} did not stop within ${Math.round(service.stopBoundMs / 1000)} s: killed`,
    );
    try {
      // Its process group: the service and whatever it started in it.
      process.kill(-service.child.pid!, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
    await service.exited;
  }

  private stopBoundOf(name: string): number {
    if (!name.startsWith('worker')) return STOP_MARGIN_MS;
    const grace = Number(this.options.env.WORKER_GRACE_SECONDS || DEFAULT_WORKER_GRACE_SECONDS);
    return (Number.isFinite(grace) ? grace : DEFAULT_WORKER_GRACE_SECONDS) * 1000 + STOP_MARGIN_MS;
  }

  private spawn(name: string, pkg: string, env: NodeJS.ProcessEnv): void {
    const entry = require.resolve(pkg);
    const child = spawn(process.execPath, [entry], {
      env: {
        ...this.options.env,
        REDIS_URL: this.options.redisUrl,
        PORT: String(this.options.port),
        ...env,
      },
      // Own process group: Ctrl-C reaches seedsweep only, which then stops each service in order.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit').then(([code, signal]) =>
      signal ? `killed by ${String(signal)}` : `exit code ${String(code)}`,
    );
    void exited.then((how) => {
      if (!this.stopping) {
        this.options.log(`${name} exited unexpectedly (${how}): stopping the other services`);
        this.fail(name);
      }
    });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on('line', (line) => {
        // The API's own warning that auth is off: start() has said so already, once.
        if (name === 'api' && line.includes('"auth":"off"')) return;
        const formatted = formatServiceLine(name, line, {
          warningsOnly: this.options.warningsOnly ?? false,
        });
        if (formatted !== null) this.options.log(formatted);
      });
    }
    this.services.push({ name, child, exited, stopBoundMs: this.stopBoundOf(name) });
  }
}
