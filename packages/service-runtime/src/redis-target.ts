import { EnvError } from './env-error.js';

export interface SentinelAddress {
  host: string;
  port: number;
}

/** Where a service finds Redis: one server by URL, or the primary the sentinels name. */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | {
      kind: 'sentinel';
      sentinels: SentinelAddress[];
      /** The name the sentinels monitor the primary under. */
      name: string;
      username?: string;
      password?: string;
      sentinelPassword?: string;
    };

interface RedisVariables {
  REDIS_URL: string;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
}

/** `urlGiven`: REDIS_URL was set, not defaulted; with sentinels as well it is a contradiction. */
export function redisTargetOf(e: RedisVariables, urlGiven: boolean): RedisTarget {
  if (e.REDIS_SENTINELS === undefined) {
    // Only the Sentinel-specific names are a mistake on their own: REDIS_USERNAME and
    // REDIS_PASSWORD are common enough in shells and env files (ours sets REDIS_PASSWORD for the
    // compose file's Redis) that a service must not refuse to start over them.
    const stray = (['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'] as const).filter(
      (name) => e[name] !== undefined,
    );
    if (stray.length > 0) {
      throw new EnvError(`${stray.join(', ')}: only read with REDIS_SENTINELS, which is not set`);
    }
    return { kind: 'url', url: e.REDIS_URL };
  }
  if (urlGiven) throw new EnvError('set REDIS_URL or REDIS_SENTINELS, not both');
  if (e.REDIS_SENTINEL_MASTER === undefined) {
    throw new EnvError(
      'REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS (the name the sentinels monitor)',
    );
  }
  return {
    kind: 'sentinel',
    sentinels: parseSentinels(e.REDIS_SENTINELS),
    name: e.REDIS_SENTINEL_MASTER,
    ...(e.REDIS_USERNAME !== undefined && { username: e.REDIS_USERNAME }),
    ...(e.REDIS_PASSWORD !== undefined && { password: e.REDIS_PASSWORD }),
    ...(e.REDIS_SENTINEL_PASSWORD !== undefined && { sentinelPassword: e.REDIS_SENTINEL_PASSWORD }),
  };
}

function parseSentinels(list: string): SentinelAddress[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new EnvError('REDIS_SENTINELS: no sentinel given');
  return entries.map((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      throw new EnvError(`REDIS_SENTINELS: "${entry}" is not host:port`);
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** For logs: no credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === 'url') return target.url.replace(/\/\/([^@/]*)@/, '//***@');
  const sentinels = target.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
  return `sentinel ${target.name} via ${sentinels}`;
}
