import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyIdentity, ApiKeyRing } from '../auth/api-key-ring.js';
import { ApiError } from '../errors/index.js';
import { sendApiError } from './problem-details.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The valid API key the request carries; null without one, or with authentication off. */
    readonly apiKey: ApiKeyIdentity | null;
  }
}

/**
 * Routes anyone may call: probes, the static description of the API and the dashboard's page
 * and bundle (no data; the page asks for a key itself).
 */
export function isOpenRoute(url: string): boolean {
  return (
    url === '/healthz' ||
    url === '/readyz' ||
    url === '/docs' ||
    url.startsWith('/docs/') ||
    url === '/' ||
    url.startsWith('/assets/')
  );
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * API keys on every route but the open ones, checked in onRequest: before a body is read,
 * decompressed or parsed. A read-only key may GET and HEAD; anything else (POST, DELETE,
 * bull-board's PUTs) needs a read-write key. The route is judged by its registered URL, not the
 * request's path, so no spelling of a path (`/docs/../v1/sweeps`) reaches a closed route openly.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { ring: ApiKeyRing | null }) => {
    // Null: AUTH=off.
    const { ring } = options;
    const identities = new WeakMap<FastifyRequest, ApiKeyIdentity | null>();
    // A getter, so the rate limit (whose hook runs first) can key by the same identity.
    app.decorateRequest('apiKey', {
      getter(this: FastifyRequest): ApiKeyIdentity | null {
        if (!ring) return null;
        let identity = identities.get(this);
        if (identity === undefined) {
          const presented = presentedKey(this);
          identity = presented ? ring.find(presented) : null;
          identities.set(this, identity);
        }
        return identity;
      },
    });
    if (!ring) return;

    app.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url;
      if (route !== undefined && isOpenRoute(route)) return;
      if (presentedKey(request) === undefined) {
        return sendApiError(
          reply,
          new ApiError(
            'API_KEY_REQUIRED',
            'this route needs an API key: send Authorization: Bearer <key> (or X-API-Key: <key>)',
          ),
        );
      }
      const identity = request.apiKey;
      if (!identity) {
        return sendApiError(
          reply,
          new ApiError('API_KEY_INVALID', "the API key sent is not one of this API's keys"),
        );
      }
      if (identity.role === 'read' && !READ_METHODS.has(request.method)) {
        return sendApiError(
          reply,
          new ApiError(
            'API_KEY_READ_ONLY',
            `${request.method} ${route ?? request.url} changes state; the API key sent is read-only`,
          ),
        );
      }
    });
  },
  { name: 'seedsweep-auth' },
);

/**
 * The key of `Authorization: Bearer <key>`, else of `X-API-Key`; undefined when neither header
 * is there. Any other Authorization scheme, or a repeated header, is an empty (invalid) key.
 */
function presentedKey(request: FastifyRequest): string | undefined {
  const { authorization, 'x-api-key': header } = request.headers;
  if (authorization !== undefined) {
    return /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? '';
  }
  if (header === undefined) return undefined;
  return typeof header === 'string' ? header.trim() : '';
}
