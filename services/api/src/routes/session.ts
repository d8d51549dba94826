import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema, sessionResponseSchema } from '@seedsweep/api-contract';

/**
 * `GET /v1/session`: the caller's role. The dashboard signs in with it (a wrong key is a 401
 * here like anywhere) and hides the buttons a read-only key may not use.
 */
export async function sessionRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/session',
    {
      schema: {
        tags: ['operations'],
        summary: "The caller's role: read (GET only) or write; write for everyone with AUTH=off",
        response: { 200: sessionResponseSchema, '4xx': problemSchema },
      },
    },
    async (request) => {
      const key = request.apiKey;
      // The auth plugin lets no request without a valid key get here while keys are on.
      return key
        ? { auth: 'on' as const, role: key.role }
        : { auth: 'off' as const, role: 'write' as const };
    },
  );
}
