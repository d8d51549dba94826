import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bullPrefix, createTrialQueue, TRIAL_QUEUE, type TrialQueue } from '@seedsweep/queue';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
// The built API, as the image runs it (tests run after `tsc -b`).
import { buildApp } from '../../services/api/dist/app.js';
import { envProblems, SECRET_PLACEHOLDERS } from './k8s/env-checks.js';
import { prometheusValue, sumTerms } from './k8s/keda-checks.js';
import { loadManifestSet, type ManifestSet } from './k8s/manifest-set.js';
import { loadRoleEnvs } from './k8s/service-roles.js';

// What KEDA would compute from the worker ScaledObject, done here against a real queue and the
// real API: every trigger's GET of /metrics with the key the TriggerAuthentication sends, its
// valueLocation read from the body, the formula, and replicas = ceil(sum / target).

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const prefix = uniquePrefix('keda-metric');
let set: ManifestSet;
let app: Awaited<ReturnType<typeof buildApp>>;
let queue: TrialQueue;
let worker: Worker;
const TOKEN = 'keda-test';

const scaledObject = () =>
  set.manifests.find((m) => m.object.kind === 'ScaledObject')!.object as unknown as IScaledObject;

beforeAll(async () => {
  set = await loadManifestSet();
  const roles = await loadRoleEnvs();
  // The API as the manifest configures it (its keys are the Secret placeholders).
  const api = envProblems(set, roles).containers.find((c) => c.role === 'api')!;
  const env = roles.api.parseEnv({ ...api.env, REDIS_URL: inject('redisUrl') });
  app = await buildApp({
    redis,
    prefix,
    maxTrials: 100,
    maxBodyBytes: 64 * 1024,
    logger: false,
    auth: env.auth as Parameters<typeof buildApp>[0]['auth'],
    rateLimitPerMinute: env.rateLimitPerMinute as number,
  });
  await app.ready();
  queue = createTrialQueue({ connection: redis, prefix });
  worker = new Worker(TRIAL_QUEUE, null, {
    connection: redis.duplicate(),
    prefix: bullPrefix(prefix),
    autorun: false,
  });
  await worker.waitUntilReady();
});

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await app?.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

/** The key KEDA sends: the Secret value the TriggerAuthentication maps to `token`. */
function triggerToken(name: string | undefined): string {
  const auth = set.manifests.find(
    (m) =>
      m.object.kind === 'TriggerAuthentication' &&
      (m.object.metadata as { name: string }).name === name,
  )!.object as unknown as ITriggerAuthentication;
  const ref = auth.spec.secretTargetRef!.find((r) => r.parameter === 'token')!;
  return SECRET_PLACEHOLDERS[ref.key]!;
}

/** The workers KEDA asks for: each trigger read, the formula summed, divided by the target. */
async function kedaReplicas(): Promise<{
  values: Record<string, number>;
  sum: number;
  replicas: number;
}> {
  const spec = scaledObject().spec;
  const values: Record<string, number> = {};
  for (const trigger of spec.triggers) {
    const metadata = trigger.metadata as Record<string, string>;
    const response = await app.inject({
      method: 'GET',
      url: new URL(metadata.url!).pathname,
      headers: { authorization: `Bearer ${triggerToken(trigger.authenticationRef?.name)}` },
    });
    expect(response.statusCode).toBe(200);
    // KEDA 2.16.1's parser failed on a body without a final newline (kedacore/keda#6559).
    expect(response.body.endsWith('\n')).toBe(true);
    const value = prometheusValue(response.body, metadata.valueLocation!);
    expect(value, `${metadata.valueLocation} in /metrics`).toBeTypeOf('number');
    values[trigger.name!] = value!;
  }
  const modifiers = spec.advanced!.scalingModifiers!;
  const sum = sumTerms(modifiers.formula!)!.reduce((total, name) => total + values[name]!, 0);
  const active = sum > Number(modifiers.activationTarget ?? 0);
  const wanted = Math.ceil(sum / Number(modifiers.target));
  const replicas = active
    ? Math.min(spec.maxReplicaCount ?? 100, Math.max(spec.minReplicaCount ?? 0, 1, wanted))
    : (spec.minReplicaCount ?? 0);
  return { values, sum, replicas };
}

const data = (i: number) => ({ key: `k${i}`, spec: {} }) as never;

describe('the worker ScaledObject against the real queue and API', () => {
  it('needs the API key that the TriggerAuthentication sends', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(401);
  });

  it('asks for a worker per waiting, prioritized, delayed and running trial, none for failed ones', async () => {
    expect(await kedaReplicas()).toEqual({
      values: { waiting: 0, prioritized: 0, delayed: 0, active: 0 },
      sum: 0,
      replicas: 0,
    });

    // One trial running, one failed for good (kept a week for bull-board).
    const failing = await queue.add('train', data(0), { attempts: 1 });
    await queue.add('train', data(1));
    const first = (await worker.getNextJob(TOKEN, { block: false })) as Job;
    expect(first.id).toBe(failing.id);
    await first.moveToFailed(new Error('gave up'), TOKEN);
    const running = (await worker.getNextJob(TOKEN, { block: false })) as Job;
    // Three waiting, two prioritized, two delayed (as a retry's backoff, or a RandomOut trial
    // waiting for its baseline).
    for (let i = 2; i < 5; i++) await queue.add('train', data(i));
    for (let i = 5; i < 7; i++) await queue.add('train', data(i), { priority: 1 });
    for (let i = 7; i < 9; i++) await queue.add('train', data(i), { delay: 3_600_000 });
    expect(
      await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed'),
    ).toMatchObject({ waiting: 3, prioritized: 2, delayed: 2, active: 1, failed: 1 });

    expect(await kedaReplicas()).toEqual({
      values: { waiting: 3, prioritized: 2, delayed: 2, active: 1 },
      sum: 8,
      replicas: 8,
    });

    // Nothing waits any more but one trial still trains: its worker must stay.
    for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed']))
      await job.remove();
    expect((await kedaReplicas()).replicas).toBe(1);

    // It finishes: only the failed job is left, and it keeps no worker up.
    await running.moveToCompleted({}, TOKEN, false);
    expect(await kedaReplicas()).toEqual({
      values: { waiting: 0, prioritized: 0, delayed: 0, active: 0 },
      sum: 0,
      replicas: 0,
    });
    expect(await queue.getJobCounts('failed')).toMatchObject({ failed: 1 });
  });
});
