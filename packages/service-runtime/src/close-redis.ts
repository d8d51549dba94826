import { once } from 'node:events';
import type { Redis } from 'ioredis';

/**
 * Closes a client within `timeoutMs` whatever its Redis does: QUIT when connected (pending
 * replies arrive first), the socket dropped otherwise or past the bound. A client reconnecting
 * to a server that never answers may not even emit `end` (taskforcesh/bullmq#4656 is that case
 * inside BullMQ): this returns anyway, and the caller's process exit closes what is left.
 */
export async function closeRedis(client: Redis, timeoutMs = 1_000): Promise<void> {
  if (client.status === 'end') return;
  const ended = once(client, 'end').then(
    () => true,
    () => true,
  );
  if (client.status !== 'ready') {
    // Reconnecting: this cancels the next attempt; there is no socket whose end to wait for.
    client.disconnect();
    return;
  }
  client.quit().catch(() => {});
  if (await within(ended, timeoutMs)) return;
  client.disconnect();
  await within(ended, timeoutMs);
}

async function within(done: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}
