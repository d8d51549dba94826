import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gridResponseSchema, problemSchema } from '@seedsweep/api-contract';
import { renderGridSvg, renderSeedsSvg, svgToPngAsync } from '@seedsweep/figures';
import type { SweepPlan } from '@seedsweep/sweep-spec';
import { ApiError } from '../errors/index.js';
import { sweepParams } from './sweep-params.js';

const numberParam = z.string().min(1).transform(Number).refine(Number.isFinite, 'must be a number');

/** The grid as JSON and the paper's two figures as SVG, and each as a PNG beside it. */
export async function sweepFigureRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/sweeps/:id/grid',
    {
      schema: {
        tags: ['results'],
        summary:
          'Per group and (tau, P) cell: seeds done, mean accuracy, mean gain paired by seed, sd, 95% CI, W/T/L, Wilcoxon p, recovered, harmed, diverged',
        params: sweepParams,
        response: { 200: gridResponseSchema, '4xx': problemSchema, '5xx': problemSchema },
      },
    },
    async (request, reply) => {
      const { reader, grids } = app.seedsweep;
      // Sent as stored: clients poll this while a sweep runs, and parsing, validating and
      // serialising tens of kilobytes per request cost more than everything else together.
      const stored = await grids.get(request.params.id);
      // No grid: no such sweep (404), or not drawn yet (503).
      if (!stored) throw gridNotReady((await reader.sweep(request.params.id)).id);
      // Bytes (and a 304's nothing) are sent as they are, past the response schema.
      const raw = (reply as FastifyReply).header('etag', stored.etag);
      // A poller that has this grid already gets no body.
      if (request.headers['if-none-match'] === stored.etag) return raw.code(304).send();
      return raw.type('application/json; charset=utf-8').send(stored.body);
    },
  );

  const seedsQuery = z.object({
    region: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    tau: numberParam,
    p: numberParam,
  });

  /** Figure 3 of the sweep, as SVG text. */
  const gridSvg = async (id: string): Promise<string> => {
    const { reader } = app.seedsweep;
    const sweep = await reader.sweep(id);
    const stored = await reader.grid(sweep);
    if (!stored) throw gridNotReady(sweep.id);
    const title = `${sweep.name}: mean gain of RandomOut over the baseline, paired by seed`;
    return renderGridSvg(stored.grid, { title });
  };

  /** Figure 4 of one cell of the sweep, as SVG text. */
  const seedsSvg = async (id: string, query: z.infer<typeof seedsQuery>): Promise<string> => {
    const { reader } = app.seedsweep;
    const sweep = await reader.sweep(id);
    const { region, group, tau, p } = query;
    const groupId = group ?? onlyGroupOf(reader.plan(sweep), region);
    const { seeds, majorityRate } = await reader.seeds(sweep, groupId, tau, p);
    const margin = sweep.definition.analysis.failureMargin;
    return renderSeedsSvg({
      title: `${sweep.name}: ${groupId}, tau=${tau}, P=${p}%: seeds sorted by test accuracy`,
      seeds,
      failureThreshold: majorityRate === null ? null : majorityRate + margin,
    });
  };

  for (const format of ['svg', 'png'] as const) {
    const as = format === 'svg' ? 'SVG' : 'PNG, at twice the size of the SVG';
    app.get(
      `/v1/sweeps/:id/grid.${format}`,
      {
        schema: {
          tags: ['results'],
          summary: `Heatmaps of mean gain over (tau, P), one per group (the paper's Figure 3), as ${as}`,
          params: sweepParams,
        },
      },
      async (request, reply) => send(reply, format, await gridSvg(request.params.id)),
    );

    app.get(
      `/v1/sweeps/:id/seeds.${format}`,
      {
        schema: {
          tags: ['results'],
          summary: `Accuracies of every seed in one cell, sorted, RandomOut beside the baseline (the paper's Figure 4), as ${as}`,
          params: sweepParams,
          querystring: seedsQuery,
        },
      },
      async (request, reply) =>
        send(reply, format, await seedsSvg(request.params.id, request.query)),
    );
  }
}

/** The SVG as it is, or drawn as a PNG (off the event loop: a render takes tens of ms). */
async function send(
  reply: FastifyReply,
  format: 'svg' | 'png',
  svg: string,
): Promise<FastifyReply> {
  if (format === 'svg') return reply.type('image/svg+xml').send(svg);
  return reply.type('image/png').send(await svgToPngAsync(svg));
}

/** `region` names a group when the region has exactly one; otherwise `group` must. */
function onlyGroupOf(plan: SweepPlan, region: string | undefined): string {
  const candidates = plan.groups.filter((g) => region === undefined || g.region === region);
  if (candidates.length === 1) return candidates[0]!.id;
  const ids = plan.groups.map((g) => g.id).join(', ');
  throw new ApiError(
    'INVALID_REQUEST',
    candidates.length === 0
      ? `the sweep has no region ${region}; its groups: ${ids}`
      : `give ?group= (one of: ${candidates.map((g) => g.id).join(', ')})`,
    {
      errors: [
        {
          path: region === undefined ? 'querystring.region' : 'querystring.group',
          message: 'names no single group',
        },
      ],
    },
  );
}

function gridNotReady(id: string): ApiError {
  return new ApiError(
    'GRID_NOT_READY',
    `the aggregator has not computed a grid for ${id} yet; is it running?`,
    { sweepId: id },
  );
}
