import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore, type TrialRecord } from '@seedsweep/store';
import { parseSweepDefinition, planSweep, type SweepDefinition } from '@seedsweep/sweep-spec';
import {
  bullPrefix,
  createTrialQueue,
  FairShareSchedule,
  TRIAL_QUEUE,
  TrialEnqueuer,
  trialJobId,
  trialKeyOfJobId,
  TrialReconciler,
  type TrialQueue,
} from '../src/index.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
let prefix: string;
let queue: TrialQueue;
let store: SweepStore;
let enqueuer: TrialEnqueuer;

beforeEach(async () => {
  if (queue) await queue.close();
  if (prefix) await deleteKeys(redis, prefix);
  prefix = uniquePrefix('reconcile');
  queue = createTrialQueue({ connection: redis, prefix });
  store = new SweepStore({ redis, prefix });
  enqueuer = new TrialEnqueuer(queue, store, redis);
});
afterAll(async () => {
  await queue.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const definition: SweepDefinition = parseSweepDefinition({
  name: 'r',
  regions: ['East'],
  seeds: { from: 0, to: 4 },
  randomout: { tau: [0.1], activePercent: [50] },
  training: { epochs: 1 },
});
const { trials } = planSweep(definition, { trainerVersion: 'test' });

/** A sweep as the API stores it; `submitted` false leaves it as a crashed submitter would. */
async function createSweep(id: string, options: { submitted: boolean; createdAt?: Date }) {
  await store.createSweep(
    {
      id,
      name: 'r',
      createdAt: (options.createdAt ?? new Date()).toISOString(),
      definition,
      trainerVersion: 'test',
      trials: trials.length,
      reused: 0,
      enqueued: 0,
    },
    trials,
  );
  if (options.submitted) {
    const { enqueued } = await enqueuer.enqueue(trials);
    await store.recordEnqueued(id, { reused: 0, enqueued });
  }
}

function resultOf(key: string): TrialRecord {
  return {
    key,
    testAccuracy: 0.9,
    majorityRate: 0.6,
    testCount: 611,
    trainLoss: [0.5],
    epochsRun: 1,
    diverged: false,
    divergedAtEpoch: null,
    reinitializations: { total: 0, conv1: 0, conv2: 0, perEpoch: [] },
    minAbsCgn: [0.01],
    weightsHash: 'w',
    engine: 'wasm',
    versions: {},
    durationMs: 100,
    worker: 'test',
    attempt: 1,
    finishedAt: new Date(0).toISOString(),
  };
}

async function jobIds(): Promise<string[]> {
  return (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'failed']))
    .map((j) => j.id!)
    .sort();
}

describe('TrialReconciler', () => {
  it('re-enqueues exactly the trials whose jobs Redis lost, once however often it runs', async () => {
    await createSweep('sw-a', { submitted: true });
    expect(trials).toHaveLength(10);
    // What a crash of Redis can leave: the sweep is there, three of its jobs are not.
    const lost = trials.slice(2, 5).map((t) => trialJobId(t.key));
    for (const id of lost) await queue.remove(id);
    expect(await jobIds()).toHaveLength(7);

    const reconciler = new TrialReconciler({ store, enqueuer });
    const [first, second] = [await reconciler.reconcile(), await reconciler.reconcile()];
    expect(first).toEqual({
      sweeps: 1,
      unfinished: 10,
      requeued: 3,
      abandoned: 0,
      finishedSubmissions: 0,
    });
    expect(second.requeued).toBe(0);
    expect(await jobIds()).toEqual(trials.map((t) => trialJobId(t.key)).sort());
    // Put back at their sweep's fair-share priorities, not at the head of the queue.
    const sweep = (await store.getSweep('sw-a'))!;
    const schedule = FairShareSchedule.forSweep(sweep, trials);
    for (const id of lost) {
      const job = await queue.getJob(id);
      expect(job?.priority).toBe(schedule.priorityOf(trialKeyOfJobId(id)!));
      expect(job?.priority).toBeGreaterThan(0);
    }
  });

  it('leaves done, failed and cancelled trials alone', async () => {
    await createSweep('sw-b', { submitted: true });
    await createSweep('sw-c', { submitted: true });
    for (const trial of trials) await queue.remove(trialJobId(trial.key));
    await store.writeFailure({
      key: trials[0]!.key,
      message: 'boom',
      code: 'Error',
      attempts: 3,
      worker: 'w',
      failedAt: new Date().toISOString(),
    });
    await store.cancelSweep('sw-c');
    // A cancelled sweep's trials that no live sweep needs stay off the queue.
    const outcome = await new TrialReconciler({ store, enqueuer }).reconcile();
    expect(outcome).toMatchObject({ sweeps: 1, unfinished: 9, requeued: 9 });
    expect(await jobIds()).not.toContain(trialJobId(trials[0]!.key));

    await store.cancelSweep('sw-b');
    for (const trial of trials) await queue.remove(trialJobId(trial.key));
    expect(await new TrialReconciler({ store, enqueuer }).reconcile()).toMatchObject({
      sweeps: 0,
      requeued: 0,
    });
    expect(await jobIds()).toEqual([]);
  });

  it('runs again a trial whose job a cancel stopped while a new sweep counted it as queued', async () => {
    // A sweep is submitted while another's cancel is still stopping a running trial they share:
    // the submission sees the job and adds none; then the job fails as cancelled, which records
    // no failure (a cancelled run is not one).
    await createSweep('sw-e', { submitted: true });
    const stopped = trials[0]!;
    const worker = new Worker(
      TRIAL_QUEUE,
      async (job) => {
        if (job.id !== trialJobId(stopped.key)) throw new Error('only the first job here');
        throw new UnrecoverableError('cancelled: no live sweep needs this trial');
      },
      { connection: redis, prefix: bullPrefix(prefix), autorun: false },
    );
    // Jobs run in the plan's order, so the first one taken is `stopped`'s.
    const failed = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    void worker.run();
    await failed;
    await worker.close(true);
    expect(await queue.getJobState(trialJobId(stopped.key))).toBe('failed');

    const reconciler = new TrialReconciler({ store, enqueuer, failedJobGraceMs: 60_000 });
    // Within the grace the worker may still be recording a real failure: left alone.
    expect(await reconciler.reconcile()).toMatchObject({ requeued: 0, abandoned: 0 });
    const later = await reconciler.reconcile(Date.now() + 61_000);
    expect(later).toMatchObject({ requeued: 1, abandoned: 1 });
    expect(await queue.getJobState(trialJobId(stopped.key))).toBe('prioritized');

    // A trial whose failure is recorded is an outcome: its failed job stays.
    const failedForGood = trials[1]!;
    await queue.remove(trialJobId(failedForGood.key));
    await store.writeFailure({
      key: failedForGood.key,
      message: 'boom',
      code: 'Error',
      attempts: 3,
      worker: 'w',
      failedAt: new Date().toISOString(),
    });
    expect(await reconciler.reconcile(Date.now() + 61_000)).toMatchObject({ abandoned: 0 });
  });

  it('finishes a submission whose submitter died, once the grace period is over', async () => {
    const createdAt = new Date(Date.now() - 10_000);
    await createSweep('sw-d', { submitted: false, createdAt });
    const reconciler = new TrialReconciler({ store, enqueuer, submissionGraceMs: 60_000 });
    expect((await reconciler.reconcile()).requeued).toBe(0);
    expect(await jobIds()).toEqual([]);

    const later = await reconciler.reconcile(createdAt.getTime() + 61_000);
    expect(later).toMatchObject({ requeued: 10, finishedSubmissions: 1 });
    expect(await store.getSweep('sw-d')).toMatchObject({ submitted: true, enqueued: 10 });
  });

  it('looks again at a complete sweep after forget(), since Redis may have lost results', async () => {
    await createSweep('sw-e', { submitted: true });
    const reconciler = new TrialReconciler({ store, enqueuer });
    for (const trial of trials) {
      await queue.remove(trialJobId(trial.key));
      await store.writeResult(resultOf(trial.key));
    }
    expect((await reconciler.reconcile()).sweeps).toBe(1);
    // Redis comes back without the last result and its job.
    await redis.hdel(store.keys.trial(trials[9]!.key), 'result', 'summary');
    expect((await reconciler.reconcile()).sweeps).toBe(0);
    reconciler.forget();
    expect(await reconciler.reconcile()).toMatchObject({ sweeps: 1, requeued: 1 });
  });
});
