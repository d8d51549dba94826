import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { envProblems, SECRET_PLACEHOLDERS } from './k8s/env-checks.js';
import { K8S_DIR, type ManifestSet } from './k8s/manifest-set.js';
import { loadRoleEnvs } from './k8s/service-roles.js';

// docker/k8s/redis-sentinel, the component that points every role at Redis Sentinel: rendered
// by kustomize (kubectl's), then checked as the plain manifests are, against what each built
// service accepts at start-up.

const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** The manifests with the component, as an overlay that names both would render them. */
async function renderWithSentinel(): Promise<ManifestSet> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-k8s-overlay-'));
  try {
    // kustomize takes relative paths only.
    await writeFile(
      path.join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `resources: [${path.relative(dir, K8S_DIR)}]`,
        `components: [${path.relative(dir, path.join(K8S_DIR, 'redis-sentinel'))}]`,
        '',
      ].join('\n'),
    );
    const rendered = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    const manifests = parseAllDocuments(rendered, { version: '1.1' })
      .map((doc) => doc.toJS() as Record<string, unknown>)
      .map((object, doc) => ({ file: 'rendered', doc, applied: true, object }));
    return { manifests, kustomization: {}, files: [] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('docker/k8s/redis-sentinel', () => {
  it.skipIf(!kubectl)(
    'moves every role from REDIS_URL to the Sentinel settings, which each accepts',
    async () => {
      const { problems, containers } = envProblems(
        await renderWithSentinel(),
        await loadRoleEnvs(),
      );
      expect(problems).toEqual([]);
      expect(containers.map((c) => c.role).sort()).toEqual(['aggregator', 'api', 'worker']);
      for (const { container, parsed } of containers) {
        expect((container.env ?? []).map((e) => e.name)).not.toContain('REDIS_URL');
        expect(parsed.redis).toEqual({
          kind: 'sentinel',
          sentinels: [{ host: 'redis.example', port: 26379 }],
          name: SECRET_PLACEHOLDERS.REDIS_SENTINEL_MASTER,
          username: SECRET_PLACEHOLDERS.REDIS_USERNAME,
          password: SECRET_PLACEHOLDERS.REDIS_PASSWORD,
          sentinelPassword: SECRET_PLACEHOLDERS.REDIS_SENTINEL_PASSWORD,
        });
      }
    },
  );
});
