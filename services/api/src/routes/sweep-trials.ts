import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema, trialPageSchema } from '@seedsweep/api-contract';
import { ApiError } from '../errors/index.js';
import { csvHeader, csvLine } from '../trials-csv.js';
import { sweepParams } from './sweep-params.js';

/** A sweep's trials with their results: JSON pages, or the whole sweep as CSV. */
export async function sweepTrialRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/sweeps/:id/trials',
    {
      schema: {
        tags: ['results'],
        summary:
          'The trials of a sweep in enqueue order with their results; CSV (all rows) with Accept: text/csv or ?format=csv',
        params: sweepParams,
        querystring: z.object({
          format: z.enum(['json', 'csv']).optional(),
          offset: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
        }),
        response: {
          200: trialPageSchema.describe('JSON; text/csv when asked'),
          '4xx': problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { reader } = app.seedsweep;
      const sweep = await reader.sweep(request.params.id);
      const format = request.query.format ?? preferredFormat(request.headers.accept);
      if (format === 'csv') {
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${sweep.id}-trials.csv"`);
        // A stream is sent as it is: the JSON schema above does not apply to it.
        return reply.send(Readable.from(csvStream(reader.trialRows(sweep))) as never);
      }
      const { offset, limit } = request.query;
      const trials = [];
      for await (const row of reader.trialRows(sweep, offset, limit)) trials.push(row);
      return { sweepId: sweep.id, total: sweep.trials, offset, limit, trials };
    },
  );
}

async function* csvStream(rows: AsyncIterable<Parameters<typeof csvLine>[0]>) {
  yield csvHeader();
  for await (const row of rows) yield csvLine(row);
}

function preferredFormat(accept: string | undefined): 'json' | 'csv' {
  if (!accept) return 'json';
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  for (const type of types) {
    if (type === 'text/csv') return 'csv';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
  }
  throw new ApiError(
    'NOT_ACCEPTABLE',
    `trials are served as application/json or text/csv, not ${accept}`,
  );
}
