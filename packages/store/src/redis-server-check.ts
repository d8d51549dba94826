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
}

/**
 * Refuses a server that may evict keys: `maxmemory` set with any policy but `noeviction`. Reads
 * INFO rather than CONFIG GET, which managed services and ACL users are often denied.
 */
export async function checkRedisServer(redis: Redis): Promise<RedisServerReport> {
  const fields = parseInfo(await redis.info());
  const report: RedisServerReport = {
    version: fields.get('redis_version') ?? 'unknown',
    maxmemory: Number(fields.get('maxmemory') ?? 0),
    maxmemoryPolicy: fields.get('maxmemory_policy') ?? 'noeviction',
    appendOnly: fields.get('aof_enabled') === '1',
  };
  if (report.maxmemory > 0 && report.maxmemoryPolicy !== 'noeviction') {
    throw new RedisUnfitError(
      `Redis has maxmemory ${report.maxmemory} bytes with maxmemory-policy ${report.maxmemoryPolicy}: ` +
        'it may evict a queued trial or a result. Set maxmemory-policy to noeviction ' +
        '(or remove the memory limit) and start again.',
      { maxmemory: report.maxmemory, maxmemoryPolicy: report.maxmemoryPolicy },
    );
  }
  return report;
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
