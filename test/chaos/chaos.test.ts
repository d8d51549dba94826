import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomStream } from '@seedsweep/prng';
import { trialJobId } from '@seedsweep/queue';
import {
  expectNothingLostOrDoubled,
  figuresOf,
  shortSweep,
  type SubmitBody,
} from './chaos-checks.js';
import { ChaosCluster, type WorkerKill } from './chaos-cluster.js';
import { chaosTable, writeChaosReport, type ChaosFigures } from './chaos-report.js';
import { readLogLines } from './log-lines.js';

/**
 * The chaos suite (`pnpm test:chaos`): whole deployments in processes of their own, on a
 * redis-server of their own, with workers, aggregators and Redis killed under them. Each scenario
 * checks that every trial has its result exactly once and that the grid equals a recomputation
 * from the stored results; the figures are printed as a table at the end.
 */
const figures: ChaosFigures[] = [];

afterAll(async () => {
  if (figures.length === 0) return;
  console.log(`\nchaos figures\n${chaosTable(figures)}\n`);
  await writeChaosReport(figures, path.resolve('.cache/chaos-report.json'));
});

describe.sequential('chaos', () => {
  it('workers SIGKILLed every few seconds, an aggregator killed beside a second one: every result once, the grid a recomputation gives', async () => {
    const startedAt = Date.now();
    const cluster = await ChaosCluster.start({ workers: 3, aggregators: 2 });
    const random = RandomStream.derive(4, 'worker kills');
    const kills: WorkerKill[] = [];
    let aggregatorKills = 0;
    try {
      const { status: posted, body: sweep } = await cluster.request<SubmitBody>(
        'POST',
        '/v1/sweeps',
        shortSweep('kills', { from: 0, to: 59 }),
      );
      expect(posted).toBe(201);
      expect(sweep.trials).toBe(300);
      // Every 2-4 s, or every eighth of the sweep, whichever comes first: on a fast machine the
      // 300 trials take a dozen seconds, and the kills must still land mid-sweep, several times.
      let nextKill = Date.now() + 2_000 + random.nextInt(2_000);
      let nextKillAtDone = sweep.trials / 8;
      const status = await cluster.untilSweepEnds(sweep.id, 240_000, async (s) => {
        if (Date.now() < nextKill && s.counts.done < nextKillAtDone) return;
        kills.push(await cluster.killWorker(random.nextInt(cluster.workers.length)));
        nextKill = Date.now() + 2_000 + random.nextInt(2_000);
        nextKillAtDone = s.counts.done + sweep.trials / 8;
        if (aggregatorKills === 0 && s.counts.done > s.trials / 2) {
          await cluster.killAggregator(0);
          aggregatorKills += 1;
        }
      });
      const row = await figuresOf(
        cluster,
        'worker kills',
        [sweep],
        kills,
        aggregatorKills,
        startedAt,
      );
      figures.push(row);
      expect(kills.length).toBeGreaterThanOrEqual(5);
      expect(aggregatorKills).toBe(1);
      await expectNothingLostOrDoubled(cluster, [{ sweep, status }], row);
    } finally {
      await cluster.stop();
    }
  });

  it('the same while Redis restarts twice and crashes once forgetting its last writes: services reconnect, the reconciler re-enqueues what Redis forgot', async () => {
    const startedAt = Date.now();
    const cluster = await ChaosCluster.start({ workers: 3, aggregators: 1 });
    const random = RandomStream.derive(5, 'worker kills');
    const kills: WorkerKill[] = [];
    let late: SubmitBody | undefined;
    try {
      const { status: posted, body: sweep } = await cluster.request<SubmitBody>(
        'POST',
        '/v1/sweeps',
        shortSweep('redis-restarts', { from: 100, to: 159 }),
      );
      expect(posted).toBe(201);
      let nextKill = Date.now() + 2_000 + random.nextInt(2_000);
      const status = await cluster.untilSweepEnds(sweep.id, 240_000, async (s) => {
        const quarter = Math.floor((4 * s.counts.done) / s.trials);
        if (quarter > cluster.redisRestarts && cluster.redisRestarts < 2) {
          await cluster.restartRedis();
        } else if (quarter === 3 && cluster.redisRestarts === 2) {
          // A sweep acknowledged just before the crash, whose jobs Redis then forgets.
          const response = await cluster.request<SubmitBody>(
            'POST',
            '/v1/sweeps',
            shortSweep('late', { from: 200, to: 207 }),
          );
          expect(response.status).toBe(201);
          late = response.body;
          await cluster.crashRedisForgettingJobsOf(late.id);
        }
        if (Date.now() < nextKill) return;
        kills.push(await cluster.killWorker(random.nextInt(cluster.workers.length)));
        nextKill = Date.now() + 2_000 + random.nextInt(2_000);
      });
      expect(late).toBeDefined();
      const lateStatus = await cluster.untilSweepEnds(late!.id, 120_000);
      const row = await figuresOf(
        cluster,
        'worker kills + Redis restarts',
        [sweep, late!],
        kills,
        0,
        startedAt,
      );
      figures.push(row);
      expect(cluster.redisRestarts).toBe(3);
      expect(row.aofCommandsForgotten).toBeGreaterThan(0);
      expect(row.requeuedByReconciler).toBeGreaterThanOrEqual(late!.trials);
      await expectNothingLostOrDoubled(
        cluster,
        [
          { sweep, status },
          { sweep: late!, status: lateStatus },
        ],
        row,
      );
    } finally {
      await cluster.stop();
    }
  });

  it('a worker whose event loop is blocked past its lock: the trial runs a second time and counts once', async () => {
    const startedAt = Date.now();
    const cluster = await ChaosCluster.start({ workers: 2, aggregators: 1 });
    try {
      // A baseline of 30 s or more (200 Center epochs on wasm: 32 s on an idle Xeon, where 80
      // took 13 s and lost the race), and a RandomOut cell whose tau never fires: it takes the
      // baseline's result once that is written. The baseline must outlast the 5 s lock and the
      // stalled check after it, or the second worker finds its result instead of training it.
      const { status: posted, body: sweep } = await cluster.request<SubmitBody>(
        'POST',
        '/v1/sweeps',
        `
name: frozen
regions: [Center]
seeds: [7]
randomout: { tau: [1e-12], activePercent: [100] }
training: { epochs: 200 }
`,
      );
      expect(posted).toBe(201);
      const baseline = (await cluster.store.sweepTrialKeys(sweep.id))[0]!;
      const trainingOf = async () =>
        (await readLogLines(cluster.workerLogs())).filter(
          (l) => l.msg === 'training started' && l.key === baseline,
        );
      const first = await until(async () => (await trainingOf())[0], 60_000);
      // SIGSTOP on the worker's own process: its event loop stops (no lock renewal, no stalled
      // checks) while its trial process trains on, as a long GC pause or a blocked loop would.
      const frozen = cluster.workers.find((w) => w.name === first.worker)!;
      frozen.signal('SIGSTOP');
      const second = await until(async () => (await trainingOf())[1], 60_000).finally(() =>
        frozen.signal('SIGCONT'),
      );
      expect(second.worker).not.toBe(first.worker);

      const status = await cluster.untilSweepEnds(sweep.id, 120_000);
      // The sweep is done once the first run's result is in; let the second run end too.
      await until(
        async () => ((await cluster.queue.getJob(trialJobId(baseline))) ? undefined : true),
        60_000,
      );
      const row = await figuresOf(
        cluster,
        'worker frozen past its lock',
        [sweep],
        [],
        0,
        startedAt,
      );
      figures.push(row);
      expect(row.reExecutions).toBeGreaterThanOrEqual(1);
      await expectNothingLostOrDoubled(cluster, [{ sweep, status }], row);
      // Both runs finished: the first wrote the result, the second's write was refused.
      expect(row.duplicateWritesRefused).toBeGreaterThanOrEqual(1);
      expect((await cluster.store.counters()).duplicateResults).toBe(row.duplicateWritesRefused);
    } finally {
      await cluster.stop();
    }
  });
});

/** Polls `probe` until it returns something, or fails after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await sleep(200);
  }
}
