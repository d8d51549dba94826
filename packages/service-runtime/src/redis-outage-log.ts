import type { Logger } from 'pino';

/** What an error event carries that tells a lost connection from anything else. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

export interface RedisOutageLogOptions {
  /**
   * After Redis is back, errors within this long are the other connections' tail of the same
   * outage (each client reconnects on its own schedule), not a new one.
   */
  quietMs?: number;
  now?: () => number;
}

interface Watchable {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * One warning when Redis becomes unreachable and one line when it is back, however many
 * connections the service holds and however often they retry. ioredis emits an error event per
 * reconnection attempt (several a second), and prints "Unhandled error event" stack traces for
 * a client nobody listens to: every client of a service is watched here.
 */
export class RedisOutageLog {
  private outageSince: number | null = null;
  private recoveredAt = Number.NEGATIVE_INFINITY;
  private errors = 0;
  private readonly quietMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: Logger,
    options: RedisOutageLogOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** Listens to a client's errors and reconnections; `name` says which connection in the log. */
  watch(client: Watchable, name: string): void {
    client.on('error', (error) => this.report(error, name));
    client.on('ready', () => this.recovered());
  }

  /**
   * An error from a client or from a library that holds its own (BullMQ's `error` events): a
   * lost connection joins the outage; anything else is logged as it comes.
   */
  report(error: Error, source: string): void {
    if (!isConnectionError(error)) {
      this.log.error({ err: error, source }, 'redis client error');
      return;
    }
    const now = this.now();
    this.errors += 1;
    if (this.outageSince !== null || now - this.recoveredAt < this.quietMs) return;
    this.outageSince = now;
    this.errors = 1;
    this.log.warn(
      { source, reason: reasonOf(error) },
      `redis unreachable (${reasonOf(error)}): retrying; logged once until it is back`,
    );
  }

  /** Whether Redis was last seen unreachable. */
  get down(): boolean {
    return this.outageSince !== null;
  }

  private recovered(): void {
    if (this.outageSince === null) return;
    const now = this.now();
    this.log.info(
      { downSeconds: Math.round((now - this.outageSince) / 100) / 10, failedAttempts: this.errors },
      'redis reachable again',
    );
    this.outageSince = null;
    this.recoveredAt = now;
    this.errors = 0;
  }
}

/**
 * ioredis's own "Connection is closed." and "Reached the max retries per request limit" carry
 * no code, only their class name or fixed text; socket errors carry Node's errno code. Behind
 * Sentinel, "All sentinels are unreachable" is what ioredis says after asking each sentinel in
 * turn and failing to reach the primary each names: during a failover, until the sentinels name
 * the new one.
 */
export function isConnectionError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return (
    error.message === 'Connection is closed.' ||
    error.message.startsWith('All sentinels are unreachable')
  );
}

function reasonOf(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined) return code;
  // ioredis's sentinel message goes on with its retry delay and the last socket error.
  return error.message.startsWith('All sentinels are unreachable')
    ? 'no sentinel named a reachable primary'
    : error.message;
}
