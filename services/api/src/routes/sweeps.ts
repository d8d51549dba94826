import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelResponseSchema,
  planResponseSchema,
  problemSchema,
  submitResponseSchema,
  sweepDetailSchema,
  sweepListSchema,
} from '@seedsweep/api-contract';
import {
  InvalidSweepError,
  locateIssues,
  sweepDefinitionSchema,
  type SweepFormat,
} from '@seedsweep/sweep-spec';
import { ApiError } from '../errors/index.js';
import { idempotencyKeyHeaders, idempotencyKeyOf, markReplayed } from './idempotency-key.js';
import { sweepParams } from './sweep-params.js';

const JSON_TYPES = ['application/json'];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** The query of POST /v1/sweeps, checked in the handler (the route checks its body itself). */
const planQuery = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .optional()
      .describe('true: validate and estimate the cost, write nothing'),
    workers: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe("workers assumed for the dry run's wall time; default 1"),
    concurrency: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024)
      .optional()
      .describe("trials at a time per worker; default one per core of the API's machine"),
  })
  .strict();

interface SweepBody {
  format: SweepFormat;
  text: string;
}

/**
 * Submit, list, read and cancel sweeps. The body of POST is kept as text and parsed by
 * sweep-spec, so JSON and YAML get the same validation and the same errors, with line numbers.
 */
export async function sweepRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.removeAllContentTypeParsers();
  for (const [types, format] of [
    [JSON_TYPES, 'json'],
    [YAML_TYPES, 'yaml'],
  ] as const) {
    app.addContentTypeParser([...types], { parseAs: 'string' }, (_request, text, done) => {
      done(null, { format, text: String(text) } satisfies SweepBody);
    });
  }
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(
      new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted; send the sweep as application/json or application/yaml`,
      ),
      undefined,
    );
  });

  app.post(
    '/v1/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          'Submit a sweep (JSON or YAML); enqueues only the trials not already done or queued',
        description:
          'With `dryRun=true`, validates and plans the sweep without writing anything and answers 200 with what it would cost here: its trials and groups, how many are stored, how many RandomOut trials are derived from or resumed after a stored baseline (or unknown while their baseline is not done), epochs, core-hours and wall time (ranges over the unknown trials) for `workers` workers of `concurrency` trials at a time. An Idempotency-Key is ignored.',
        querystring: planQuery,
        headers: idempotencyKeyHeaders,
        body: sweepDefinitionSchema,
        response: {
          200: z.union([submitResponseSchema, planResponseSchema]),
          201: submitResponseSchema,
          '4xx': problemSchema,
        },
      },
      // The body arrives as text and sweep-spec validates it (with line numbers for YAML); the
      // schemas above document the route, and the header is checked below.
      validatorCompiler: () => (value: unknown) => ({ value }),
    },
    async (request, reply) => {
      const body = request.body as unknown as SweepBody | undefined;
      if (!body || body.text.trim() === '') {
        throw new ApiError('MALFORMED_BODY', 'the request has no body; send a sweep definition');
      }
      const query = planQuery.safeParse(request.query);
      if (!query.success) {
        throw new ApiError(
          'INVALID_REQUEST',
          query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      }
      const { dryRun, workers, concurrency } = query.data;
      if (dryRun === 'true') {
        const plan = await app.seedsweep.planner
          .plan({
            text: body.text,
            format: body.format,
            workers: workers ?? 1,
            trialsPerWorker: concurrency,
            identity: request.apiKey,
          })
          .catch(locatedIn(body.text));
        return reply.status(200).send(plan);
      }
      if (workers !== undefined || concurrency !== undefined) {
        throw new ApiError('INVALID_REQUEST', 'workers and concurrency apply to a dry run only');
      }
      const key = idempotencyKeyOf(request.headers);
      const { response, replayed } = await app.seedsweep.submitter
        .submit(body.text, body.format, request.apiKey, key)
        .catch(locatedIn(body.text));
      markReplayed(reply, replayed);
      return reply
        .status(replayed ? 200 : 201)
        .header('location', `/v1/sweeps/${response.id}`)
        .send({ ...response, links: links(response.id) });
    },
  );

  app.get(
    '/v1/sweeps',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'List sweeps, newest first, with their states and counts',
        querystring: z.object({
          offset: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: sweepListSchema, '4xx': problemSchema },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const { total, sweeps } = await app.seedsweep.reader.list(offset, limit);
      return { total, offset, limit, sweeps: sweeps.map((s) => ({ ...s, links: links(s.id) })) };
    },
  );

  app.get(
    '/v1/sweeps/:id',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'A sweep: state, counts per state, ETA, running trials, the definition',
        params: sweepParams,
        response: { 200: sweepDetailSchema, '4xx': problemSchema },
      },
    },
    async (request) => {
      const { reader } = app.seedsweep;
      const sweep = await reader.sweep(request.params.id);
      const status = await reader.status(sweep);
      return {
        ...status,
        definition: sweep.definition as unknown as Record<string, unknown>,
        links: links(sweep.id),
      };
    },
  );

  app.delete(
    '/v1/sweeps/:id',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          'Cancel a sweep: its waiting trials that no other live sweep needs are removed, running ones stopped',
        params: sweepParams,
        response: { 200: cancelResponseSchema, '4xx': problemSchema },
      },
    },
    async (request) => {
      const { reader, store, canceller } = app.seedsweep;
      const sweep = await reader.sweep(request.params.id);
      const cancelledNow = await store.cancelSweep(sweep.id);
      const outcome = await canceller.cancelSweep(sweep.id);
      request.log.info({ sweepId: sweep.id, cancelledNow, ...outcome }, 'sweep cancelled');
      const status = await reader.status((await store.getSweep(sweep.id))!);
      return { ...status, alreadyCancelled: !cancelledNow, cancellation: outcome };
    },
  );
}

/**
 * Rethrows an invalid definition's issues with each field's line and column in `text`, as
 * `seedsweep plan` prints them, so that a client (the dashboard's editor) can point at them.
 */
function locatedIn(text: string) {
  return (error: unknown): never => {
    if (error instanceof InvalidSweepError) {
      throw new InvalidSweepError(locateIssues(text, error.issues));
    }
    throw error;
  };
}

function links(id: string) {
  const base = `/v1/sweeps/${id}`;
  return {
    self: base,
    events: `${base}/events`,
    trials: `${base}/trials`,
    grid: `${base}/grid`,
    gridSvg: `${base}/grid.svg`,
    seedsSvg: `${base}/seeds.svg`,
  };
}
