import type { Redis } from 'ioredis';
import { RedisUnfitError } from './errors/redis-unfit-error.js';

/** What a service learnt about its Redis server at start-up, for its first log line. */
export interface RedisServerReport {
  version: string;
  /** Bytes; 0 means no limit. */
  maxmemory: number;
  maxmemoryPolicy: string;
  /** Whether the append-only file is on: without it, a restart of Redis forgets everything. */
  appendOnly: boolean;
  /** Replicas connected to this primary (what a failover could promote; 0 without Sentinel). */
  replicas: number;
}

/** What seedsweep writes inside transactions, which an AOF replays as the default user. */
const REPLAYED_COMMANDS = [
  ['exec'],
  ['hset', 'k', 'f', 'v'],
  ['xadd', 'k', '*', 'f', 'v'],
  ['rpush', 'k', 'v'],
  ['zadd', 'k', '1', 'v'],
  ['sadd', 'k', 'v'],
];

/**
 * Refuses a server that may lose data: one that may evict keys (`maxmemory` set with any policy
 * but `noeviction`), and one with an AOF whose default user may not run what seedsweep writes;
 * and a replica, which refuses every write. Reads INFO rather than CONFIG GET, which managed
 * services and ACL users are often denied. Behind Sentinel the client has asked the sentinels
 * for the primary: this checks that primary (its replicas are not reachable from here: give them
 * the same settings).
 */
export async function checkRedisServer(redis: Redis): Promise<RedisServerReport> {
  const fields = parseInfo(await redis.info());
  const report: RedisServerReport = {
    version: fields.get('redis_version') ?? 'unknown',
    maxmemory: Number(fields.get('maxmemory') ?? 0),
    maxmemoryPolicy: fields.get('maxmemory_policy') ?? 'noeviction',
    appendOnly: fields.get('aof_enabled') === '1',
    replicas: Number(fields.get('connected_slaves') ?? 0),
  };
  if (fields.get('role') === 'slave') {
    const primary = `${fields.get('master_host') ?? '?'}:${fields.get('master_port') ?? '?'}`;
    throw new RedisUnfitError(
      'REDIS_IS_REPLICA',
      `Redis is a replica of ${primary}: it refuses every write. Point REDIS_URL at the primary, ` +
        'or give REDIS_SENTINELS and REDIS_SENTINEL_MASTER to follow whichever server is primary.',
      { primary },
    );
  }
  if (report.maxmemory > 0 && report.maxmemoryPolicy !== 'noeviction') {
    throw new RedisUnfitError(
      'REDIS_MAY_EVICT',
      `Redis has maxmemory ${report.maxmemory} bytes with maxmemory-policy ${report.maxmemoryPolicy}: ` +
        'it may evict a queued trial or a result. Set maxmemory-policy to noeviction ' +
        '(or remove the memory limit) and start again.',
      { maxmemory: report.maxmemory, maxmemoryPolicy: report.maxmemoryPolicy },
    );
  }
  if (report.appendOnly) await checkAofReplay(redis);
  return report;
}

/**
 * Redis replays the MULTI/EXEC blocks of its AOF as the default user and re-checks EXEC against
 * that user's rules (redis/redis#14541): with `user default off` and no rules, every transaction
 * is dropped at the next restart, without an error to any client. ACL DRYRUN needs an admin
 * user; a user who may not ask is not refused, only told in the report's absence of a check.
 */
async function checkAofReplay(redis: Redis): Promise<void> {
  for (const command of REPLAYED_COMMANDS) {
    let answer: unknown;
    try {
      answer = await redis.call('ACL', 'DRYRUN', 'default', ...command);
    } catch {
      return; // Not allowed to ask (or a Redis before 7.0): nothing to conclude.
    }
    if (answer !== 'OK') {
      throw new RedisUnfitError(
        'REDIS_AOF_REPLAY_DENIED',
        `Redis's default user may not run ${command[0]!.toUpperCase()} (${String(answer)}), and Redis ` +
          'replays its append-only file as that user: every transaction would be dropped at the ' +
          'next restart. Give the default user its permissions back while keeping it off ' +
          '(user default off ~* &* +@all) and start again.',
        { command: command[0]! },
      );
    }
  }
}

/**
 * Redis refuses writes with an `OOM ...` error once `maxmemory` is reached under `noeviction`:
 * nothing was written, and the caller should say the server is full, not that it failed.
 */
export function isRedisOutOfMemory(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /(^|\s)OOM command not allowed/.test(message);
}

function parseInfo(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
