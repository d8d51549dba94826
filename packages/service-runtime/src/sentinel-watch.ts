import { Redis, type RedisOptions } from 'ioredis';
import type { SentinelAddress } from './redis-target.js';

export interface SentinelWatchTarget {
  sentinels: SentinelAddress[];
  name: string;
  sentinelPassword?: string;
}

/**
 * Moves a process's clients to a new primary as soon as the sentinels announce it
 * (`+switch-master`), instead of when the old primary's sockets finally fail: a primary whose
 * host is lost leaves its connections hanging (nothing answers, nothing resets them) for as long
 * as TCP takes to give up.
 *
 * ioredis's own `failoverDetector` does this per client, but it disconnects a client that is
 * reconnecting at that moment (the primary had died: its clients were already asking the
 * sentinels) in the middle of its attempt, and ioredis then ends the client for good: every
 * later command fails with "Connection is closed." (ioredis 5.11; in our chaos suite a worker's
 * trial process failed every trial it was given after a failover that way). Here only a client whose connection
 * is established is disconnected (ioredis reconnects it through the sentinels at once); one that
 * is still connecting is checked when it is ready, and reconnected if it reached the old primary.
 *
 * One subscription to every sentinel per process and target, shared by its clients; it closes
 * when the last of them ends.
 */
export class SentinelWatch {
  private static readonly watches = new Map<string, SentinelWatch>();

  private readonly clients = new Set<Redis>();
  /** Clients that were connecting when the primary moved, to `host:port`. */
  private readonly connectingAtSwitch = new WeakMap<Redis, string>();
  private subscribers: Redis[] = [];
  private lastSwitch = '';

  private constructor(
    private readonly key: string,
    private readonly target: SentinelWatchTarget,
  ) {}

  /** The watch of `target` in this process, created on first use. */
  static of(target: SentinelWatchTarget): SentinelWatch {
    const key = JSON.stringify([target.name, target.sentinels]);
    let watch = SentinelWatch.watches.get(key);
    if (!watch) {
      watch = new SentinelWatch(key, target);
      SentinelWatch.watches.set(key, watch);
    }
    return watch;
  }

  /** Follows `client` until it ends. */
  add(client: Redis): void {
    if (this.clients.size === 0) this.subscribe();
    this.clients.add(client);
    client.on('ready', () => {
      // Connecting while the primary moved: it may have been sent to the old one. Once only,
      // whatever it finds: a client must never be held in a loop by a switch it was told of.
      const primary = this.connectingAtSwitch.get(client);
      if (primary === undefined) return;
      this.connectingAtSwitch.delete(client);
      if (!connectedTo(client, primary)) client.disconnect(true);
    });
    client.once('end', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.close();
    });
  }

  /** A `+switch-master` message: `<name> <old-ip> <old-port> <new-ip> <new-port>`. */
  private switched(message: string): void {
    const [name, , , host, port] = message.split(' ');
    // Every sentinel announces the same switch.
    if (name !== this.target.name || message === this.lastSwitch) return;
    this.lastSwitch = message;
    const primary = `${host}:${port}`;
    for (const client of this.clients) {
      if (client.status === 'ready' || client.status === 'connect') {
        if (!connectedTo(client, primary)) client.disconnect(true);
      } else if (client.status === 'connecting') {
        // Not to be interrupted (see above): its 'ready' handler checks where it landed.
        this.connectingAtSwitch.set(client, primary);
      }
      // Any other status: its next attempt asks the sentinels, which name the new primary.
    }
  }

  private subscribe(): void {
    const options: RedisOptions = {
      ...(this.target.sentinelPassword !== undefined && { password: this.target.sentinelPassword }),
      // Sentinels that are down are retried; the clients report the outage if it is one.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
    };
    this.subscribers = this.target.sentinels.map((sentinel) => {
      const subscriber = new Redis({ ...options, host: sentinel.host, port: sentinel.port });
      subscriber.on('error', () => {});
      subscriber.on('message', (_channel: string, message: string) => this.switched(message));
      subscriber.subscribe('+switch-master').catch(() => {});
      return subscriber;
    });
  }

  private close(): void {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers = [];
    SentinelWatch.watches.delete(this.key);
  }
}

/** Whether the client's socket goes to `host:port` (an IPv4 address may come back mapped). */
function connectedTo(client: Redis, hostPort: string): boolean {
  const address = client.stream?.remoteAddress?.replace(/^::ffff:/, '');
  return address !== undefined && `${address}:${client.stream.remotePort}` === hostPort;
}
