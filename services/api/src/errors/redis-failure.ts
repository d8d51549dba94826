import { isRedisOutOfMemory } from '@seedsweep/store';

/**
 * Redis refused a write because it is full (`maxmemory` under `noeviction`). Inside a MULTI,
 * Redis refuses each queued command and then the EXEC as a whole; ioredis rejects with that
 * EXECABORT and keeps the refusals in `previousErrors`. BullMQ and the store may wrap either.
 */
export function isRedisFull(error: unknown): boolean {
  for (const candidate of causes(error)) {
    if (isRedisOutOfMemory(candidate)) return true;
    const previous = (candidate as { previousErrors?: unknown }).previousErrors;
    if (Array.isArray(previous) && previous.some((e) => isRedisOutOfMemory(e))) return true;
  }
  return false;
}

/** Redis did not answer: refused, dropped, or still down after the connection's retries. */
export function isRedisDown(error: unknown): boolean {
  for (const candidate of causes(error)) {
    const { message, name } = candidate as { message?: unknown; name?: unknown };
    if (name === 'MaxRetriesPerRequestError') return true;
    if (
      typeof message === 'string' &&
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|MaxRetriesPerRequestError|Stream isn't writeable|Reached the max retries per request limit/.test(
        message,
      )
    ) {
      return true;
    }
  }
  return false;
}

/** The error and its causes, a few levels down. */
function* causes(error: unknown): Generator<object> {
  let current = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}
