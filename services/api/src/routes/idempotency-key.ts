import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';

/** An Idempotency-Key: 1-200 visible ASCII characters. */
const KEY = /^[\x21-\x7e]{1,200}$/;
const KEY_RULE = '1-200 visible ASCII characters';

/**
 * The Idempotency-Key header, for a route schema's `headers`: it documents the header in
 * OpenAPI. Routes that take their body as text turn the schemas' validation off, so the handler
 * reads the key with idempotencyKeyOf.
 */
export const idempotencyKeyHeaders = z.object({
  'idempotency-key': z.string().regex(KEY, `must be ${KEY_RULE}`).optional(),
});

/** The request's Idempotency-Key, if it sent one; a malformed one is a 400 INVALID_REQUEST. */
export function idempotencyKeyOf(headers: {
  'idempotency-key'?: string | string[] | undefined;
}): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new ApiError('INVALID_REQUEST', `Idempotency-Key must be ${KEY_RULE}`);
  }
  return key;
}

/** Marks a response that an earlier request with the same Idempotency-Key gave. */
export function markReplayed(reply: FastifyReply, replayed: boolean): void {
  if (replayed) reply.header('idempotent-replayed', 'true');
}
