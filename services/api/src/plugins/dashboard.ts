import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { loadDashboardAssets, type DashboardAsset } from '@seedsweep/dashboard';
import { ApiError } from '../errors/index.js';

/**
 * The page runs only the bundle it was built with: no inline script or style, nothing from
 * another origin, no framing. Figures it fetches with the key become blob: images.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dashboard (packages/dashboard, built by `pnpm build`) at `/` and `/assets/*`. These are
 * open routes: they hold no data, and the page signs in with a key itself (no key in a URL).
 */
export async function dashboardPlugin(
  app: FastifyInstance,
  options: { assets?: ReturnType<typeof loadDashboardAssets> },
): Promise<void> {
  const assets = options.assets === undefined ? loadDashboardAssets() : options.assets;
  if (!assets) app.log.warn('the dashboard is not built (pnpm build): / answers 503');

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (!assets) {
      throw new ApiError(
        'DASHBOARD_NOT_BUILT',
        'the dashboard has not been built: run `pnpm build`, then restart the API',
      );
    }
    return send(reply, assets.index);
  });

  app.get(
    '/assets/:file',
    {
      schema: {
        hide: true,
        params: z.object({ file: z.string().regex(/^[\w.-]+$/, 'a file name') }),
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const asset = assets?.files.get(file);
      if (!asset) {
        throw new ApiError('ROUTE_NOT_FOUND', `the dashboard has no asset ${file}`);
      }
      return send(reply, asset);
    },
  );
}

function send(reply: FastifyReply, asset: DashboardAsset): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .type(asset.contentType)
    .send(asset.body);
}
