import { expect } from 'vitest';
import type { ChaosCluster, SweepStatusBody, WorkerKill } from './chaos-cluster.js';
import { recomputedGrid } from '../recomputed-grid.js';
import type { ChaosFigures } from './chaos-report.js';
import { readLogLines } from './log-lines.js';

/** What the chaos scenarios share: their sweep, their figures and what each must end in. */

/** A few hundred trials of a couple of tenths of a second: small examples, two epochs. */
export const shortSweep = (name: string, seeds: { from: number; to: number }) => `
name: ${name}
regions: [Center]
seeds: {from: ${seeds.from}, to: ${seeds.to}}
randomout:
  tau: [0.1, 1]
  activePercent: [50, 100]
training:
  epochs: 2
dataset:
  size: 8
`;

export interface SubmitBody {
  id: string;
  trials: number;
  enqueued: number;
}

/** The figures of a scenario, from the store and the services' logs. */
export async function figuresOf(
  cluster: ChaosCluster,
  scenario: string,
  sweeps: SubmitBody[],
  kills: WorkerKill[],
  aggregatorKills: number,
  startedAt: number,
): Promise<ChaosFigures> {
  const keys = (await Promise.all(sweeps.map((s) => cluster.store.sweepTrialKeys(s.id)))).flat();
  const outcomes = await cluster.store.getOutcomes(keys);
  const resultEvents = await cluster.resultEventsPerKey();
  const logs = await readLogLines(cluster.workerLogs());
  const reconciled = (await readLogLines(cluster.aggregatorLogs())).filter(
    (l) => l.msg === 'reconciled live sweeps with the queue',
  );
  const trained = outcomes.filter((o) => o.result && !o.result.derivedFrom).length;
  const starts = logs.filter((l) => l.msg === 'training started').length;
  const reruns = kills.flatMap((kill) =>
    kill.activeJobIds.map((jobId) => {
      const rerun = logs.find(
        (l) => l.msg === 'trial started' && l.jobId === jobId && l.time > kill.at,
      );
      return rerun ? (rerun.time - kill.at) / 1000 : null;
    }),
  );
  const rerunTimes = reruns.filter((s): s is number => s !== null);
  return {
    scenario,
    trials: keys.length,
    workerKills: kills.length,
    aggregatorKills,
    redisRestarts: cluster.redisRestarts,
    failovers: cluster.failovers.length,
    aofCommandsForgotten: cluster.aofCommandsForgotten,
    resultsForgotten:
      cluster.failovers.length > 0
        ? cluster.failovers.reduce((sum, f) => sum + f.resultsForgotten, 0)
        : null,
    requeuedByReconciler: reconciled.reduce((sum, l) => sum + Number(l.requeued ?? 0), 0),
    reExecutions: starts - trained,
    duplicateWritesRefused: logs.filter((l) => l.msg.startsWith('duplicate result refused')).length,
    resultsLost: outcomes.filter((o) => !o.result).length,
    doubleCounted: [...resultEvents.values()].filter((n) => n > 1).length,
    longestKillToRerunSeconds: rerunTimes.length > 0 ? Math.max(...rerunTimes) : null,
    wallSeconds: (Date.now() - startedAt) / 1000,
    ...(cluster.failovers.length > 0 && { failoverDetails: cluster.failovers }),
  };
}

/** What every scenario must end in: each result once, nothing lost, the grids recomputable. */
export async function expectNothingLostOrDoubled(
  cluster: ChaosCluster,
  ended: { sweep: SubmitBody; status: SweepStatusBody }[],
  row: ChaosFigures,
): Promise<void> {
  expect(row.resultsLost).toBe(0);
  expect(row.doubleCounted).toBe(0);
  const events = await cluster.resultEventsPerKey();
  for (const { sweep, status } of ended) {
    expect(status.state, JSON.stringify(status)).toBe('done');
    expect(status.counts).toMatchObject({ done: sweep.trials, failed: 0 });
    const keys = await cluster.store.sweepTrialKeys(sweep.id);
    expect(keys.map((key) => events.get(key) ?? 0)).toEqual(keys.map(() => 1));
    const aggregated = await cluster.aggregatedGrid(sweep.id, sweep.trials);
    expect(aggregated).toEqual(await recomputedGrid(cluster.store, sweep.id));
  }
  const counters = await cluster.store.counters();
  expect(counters.results).toBe(ended.reduce((sum, e) => sum + e.sweep.trials, 0));
  expect(counters.failures).toBe(0);
}
