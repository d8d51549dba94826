import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI generated from the routes' zod schemas, at /docs (UI) and /docs/json. */
export const docsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'seedsweep',
        description:
          'Random-seed sweeps of the RandomOut crater CNN: submit a sweep, follow it, read its grids.',
        version: '0.1.0',
      },
      tags: [
        { name: 'sweeps', description: 'Submit, list, follow and cancel sweeps' },
        { name: 'results', description: 'Trials, grids and figures of a sweep' },
        { name: 'operations', description: 'Health, readiness and metrics' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
