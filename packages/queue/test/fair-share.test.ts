import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteKeys, uniquePrefix } from '@seedsweep/redis-fixture';
import { SweepStore } from '@seedsweep/store';
import { parseSweepDefinition, planSweep, type SweepPriority } from '@seedsweep/sweep-spec';
import {
  bullPrefix,
  createTrialQueue,
  currentVirtualTime,
  FairShareSchedule,
  PRIORITY_LIMIT,
  TRIAL_QUEUE,
  trialCost,
  TrialEnqueuer,
  trialKeyOfJobId,
  type TrialQueue,
} from '../src/index.js';

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
let prefix: string;
let queue: TrialQueue;
let store: SweepStore;
let enqueuer: TrialEnqueuer;
let worker: Worker | undefined;

beforeEach(() => {
  prefix = uniquePrefix('fair');
  queue = createTrialQueue({ connection: redis, prefix });
  store = new SweepStore({ redis, prefix });
  enqueuer = new TrialEnqueuer(queue, store, redis);
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queue.close();
  await deleteKeys(redis, prefix);
});
afterAll(() => redis.disconnect());

function sweep(name: string, seeds: number, epochs: number, priority: SweepPriority = 'normal') {
  const definition = parseSweepDefinition({
    name,
    regions: ['East'],
    seeds: { from: 0, to: seeds - 1 },
    randomout: { tau: [0.1], activePercent: [50] },
    training: { epochs },
    priority,
  });
  return { definition, trials: planSweep(definition, { trainerVersion: name }).trials };
}

/** Submits as the API does: the virtual time now, then the sweep's trials with its priorities. */
async function submit(s: ReturnType<typeof sweep>) {
  const virtualStart = await currentVirtualTime(queue, redis);
  const schedule = new FairShareSchedule(
    { virtualStart, priority: s.definition.priority ?? 'normal' },
    s.trials,
  );
  await enqueuer.enqueue(s.trials, undefined, { schedule });
  return new Set(s.trials.map((t) => t.key));
}

/** A worker taking one job at a time, recording the order it took them in. */
function recordingWorker(taken: string[], paused: { at: number } = { at: Infinity }) {
  let release: () => void = () => {};
  const reachedPause = new Promise<void>((resolve) => (release = resolve));
  worker = new Worker(
    TRIAL_QUEUE,
    async (job) => {
      taken.push(trialKeyOfJobId(job.id)!);
      if (taken.length === paused.at) release();
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
    { connection: redis.duplicate(), prefix: bullPrefix(prefix), concurrency: 1 },
  );
  return reachedPause;
}

async function drained(total: number, taken: string[]) {
  const until = Date.now() + 60_000;
  while (taken.length < total && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(taken).toHaveLength(total);
}

describe('a schedule', () => {
  it('gives a sweep rising priorities in plan order, baselines before the trials that wait for them', () => {
    const { definition, trials } = sweep('s', 3, 10);
    const schedule = new FairShareSchedule({ virtualStart: 100, priority: 'normal' }, trials);
    const priorities = trials.map((t) => schedule.priorityOf(t.key));
    expect(priorities[0]).toBe(101);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    expect(new Set(priorities).size).toBe(trials.length);
    for (const [i, t] of trials.entries()) {
      if (t.spec.train.randomout === null) continue;
      const baseline = trials.findIndex(
        (b) => b.spec.train.randomout === null && b.spec.train.seed === t.spec.train.seed,
      );
      expect(baseline).toBeLessThan(i);
    }
    expect(definition.priority).toBe('normal');
  });

  it('advances a high sweep’s virtual time at a quarter of a normal one’s, a low one’s at four times', () => {
    const { trials } = sweep('s', 10, 40);
    const last = (priority: SweepPriority) =>
      new FairShareSchedule({ virtualStart: 0, priority }, trials).lastStart;
    const work = trials.slice(0, -1).reduce((sum, t) => sum + trialCost(t.spec), 0);
    // Priorities count half-seconds of work.
    expect(last('normal')).toBe(1 + Math.floor(work * 2));
    expect(last('high')).toBe(1 + Math.floor((work * 2) / 4));
    expect(last('low')).toBe(1 + Math.floor((work * 2) / 0.25));
  });

  it('weighs trials by their estimated work, below a second as well', () => {
    // 0.5 s + 6 x 0.05 s = 0.8 s against 0.5 s + 8 x 0.05 s = 0.9 s a trial.
    const short = sweep('short', 40, 6).trials;
    const long = sweep('long', 40, 8).trials;
    const upTo = (trials: typeof short, at: number) => {
      const schedule = new FairShareSchedule({ virtualStart: 0, priority: 'normal' }, trials);
      return trials.filter((t) => schedule.priorityOf(t.key) <= at).length;
    };
    // By virtual time 80 (half-seconds), 40 s of work each: about 50 short trials and 44 long
    // ones (the sums are floating-point, so a boundary may fall either side).
    expect(Math.abs(upTo(short, 80) - 50)).toBeLessThanOrEqual(1);
    expect(Math.abs(upTo(long, 80) - 44.4)).toBeLessThanOrEqual(1);
  });

  it('keeps priorities within BullMQ’s limit for an enormous sweep', () => {
    const { trials } = sweep('s', 200, 100_000);
    const schedule = new FairShareSchedule({ virtualStart: 0, priority: 'low' }, trials);
    expect(schedule.lastStart).toBe(PRIORITY_LIMIT);
  });
});

describe('fair share on a real queue', () => {
  it('gives a small sweep submitted behind a large one the next free worker, then turns', async () => {
    const large = sweep('large', 20, 20);
    const small = sweep('small', 3, 20);
    const taken: string[] = [];
    const largeKeys = await submit(large);
    const paused = recordingWorker(taken, { at: 4 });
    await paused;
    await worker!.pause(true);
    const smallKeys = await submit(small);
    const submittedAt = taken.length;
    worker!.resume();
    await drained(large.trials.length + small.trials.length, taken);
    const firstSmall = taken.findIndex((k) => smallKeys.has(k));
    // At most the job already taken when the small sweep came: FIFO would make it wait for 36.
    expect(firstSmall - submittedAt).toBeLessThanOrEqual(1);
    // Then they alternate by work: the small sweep is done long before the large one.
    const lastSmall = taken.findLastIndex((k) => smallKeys.has(k));
    expect(lastSmall).toBeLessThan(submittedAt + 2 * small.trials.length + 2);
    expect(taken.slice(lastSmall + 1).every((k) => largeKeys.has(k))).toBe(true);
  });

  it('gives a high sweep four turns for a normal one’s one', async () => {
    const normal = sweep('normal', 10, 20);
    const high = sweep('high', 10, 20, 'high');
    const normalKeys = await submit(normal);
    const highKeys = await submit(high);
    const taken: string[] = [];
    recordingWorker(taken);
    await drained(normal.trials.length + high.trials.length, taken);
    const firstTwenty = taken.slice(0, 20);
    const highs = firstTwenty.filter((k) => highKeys.has(k)).length;
    const normals = firstTwenty.filter((k) => normalKeys.has(k)).length;
    expect(highs).toBeGreaterThanOrEqual(15);
    expect(normals).toBeGreaterThanOrEqual(3);
  });

  it('restarts the virtual clock when nothing is queued', async () => {
    expect(await currentVirtualTime(queue, redis)).toBe(0);
    const first = sweep('first', 2, 20);
    await submit(first);
    expect(await currentVirtualTime(queue, redis)).toBe(0);
    const taken: string[] = [];
    recordingWorker(taken);
    await drained(first.trials.length, taken);
    // The last job is taken before it completes: wait until nothing runs.
    const until = Date.now() + 10_000;
    while ((await queue.getActiveCount()) > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await currentVirtualTime(queue, redis)).toBe(0);
  });
});
