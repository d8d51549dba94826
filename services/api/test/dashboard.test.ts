import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { loadDashboardAssets } from '@seedsweep/dashboard';
import { dashboardPlugin } from '../src/plugins/dashboard.js';
import { problemDetails } from '../src/plugins/problem-details.js';
import { expectProblem } from './problem-expectations.js';

async function appWith(assets: ReturnType<typeof loadDashboardAssets>) {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  problemDetails(app);
  await app.register(dashboardPlugin, { assets });
  return app;
}

describe('the dashboard plugin', () => {
  it('serves the built page and its files with a CSP that allows no inline script', async () => {
    const assets = loadDashboardAssets();
    // `pnpm build` builds the page before the tests run.
    expect(assets, 'packages/dashboard/dist/web: run pnpm build').not.toBeNull();
    const app = await appWith(assets);
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(
      /default-src 'none'.*script-src 'self'/,
    );
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).not.toMatch(/<script>|<script(?![^>]*src=)[^>]*>/);

    const [name, file] = [...assets!.files].find(([n]) => n.endsWith('.js'))!;
    const script = await app.inject({ url: `/assets/${name}` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.rawPayload.equals(file.body)).toBe(true);

    expectProblem(await app.inject({ url: '/assets/nothing.js' }), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await app.inject({ url: '/assets/..%2Fpackage.json' }), 400, 'INVALID_REQUEST');
    await app.close();
  });

  it('sends at most 100 KB of gzipped JavaScript (issue 17), all of it bundled by the build', async () => {
    const scripts = [...loadDashboardAssets()!.files].filter(([name]) => name.endsWith('.js'));
    expect(scripts).toHaveLength(1);
    const gzipped = scripts.reduce((sum, [, file]) => sum + gzipSync(file.body).length, 0);
    expect(gzipped).toBeLessThanOrEqual(100 * 1024);
  });

  it('says how to build it when it has not been built', async () => {
    const app = await appWith(null);
    const problem = expectProblem(await app.inject({ url: '/' }), 503, 'DASHBOARD_NOT_BUILT');
    expect(problem.detail).toContain('pnpm build');
    await app.close();
  });
});
