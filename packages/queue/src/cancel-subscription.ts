import type { Redis } from 'ioredis';

/**
 * Listens on the store's cancel channel and hands every job id to `cancel` (a worker's
 * cancelJob, which is a no-op for jobs the worker does not run). The subscriber connection is
 * dedicated: a subscribed ioredis client can do nothing else.
 */
export async function subscribeToCancellations(
  subscriber: Redis,
  channel: string,
  cancel: (jobId: string) => void,
): Promise<() => Promise<void>> {
  const onMessage = (from: string, message: string) => {
    if (from !== channel) return;
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch {
      return; // Not ours; nothing on this channel is worth crashing a worker for.
    }
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') cancel(id);
  };
  subscriber.on('message', onMessage);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', onMessage);
    await subscriber.unsubscribe(channel);
  };
}
