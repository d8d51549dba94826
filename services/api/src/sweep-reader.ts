import type { Redis } from 'ioredis';
import type { RunningTrial, SweepStatus, TrialRow } from '@seedsweep/api-contract';
import { jobsAhead, trialJobId, type TrialProgress, type TrialQueue } from '@seedsweep/queue';
import {
  describeFailure,
  type PlanCache,
  type StoredGrid,
  type SweepRecord,
  type SweepStore,
  type TrialFailure,
  type TrialRecord,
} from '@seedsweep/store';
import { seedAccuracies, type SeedAccuracy, type SweepGrid } from '@seedsweep/stats';
import { describeTrial, inputScaleOf, type SweepPlan, type Trial } from '@seedsweep/sweep-spec';
import { ApiError } from './errors/index.js';
import { sweepStatus } from './sweep-status.js';

/** Reads sweeps for the API: statuses, trials, grids and the per-seed data of a cell. */
export class SweepReader {
  constructor(
    private readonly store: SweepStore,
    private readonly queue: TrialQueue,
    private readonly plans: PlanCache,
    /** For the look-ups of a sweep's place in the queue. */
    private readonly redis: Redis,
  ) {}

  async sweep(id: string): Promise<SweepRecord> {
    const sweep = await this.store.getSweep(id);
    if (!sweep) throw new ApiError('SWEEP_NOT_FOUND', `there is no sweep ${id}`, { sweepId: id });
    return sweep;
  }

  plan(sweep: SweepRecord): SweepPlan {
    return this.plans.get(sweep);
  }

  /**
   * `active`: the running jobs, when the caller has read them for several sweeps (a list). The
   * sweep's place in the queue costs a look-up of its first queued trials' jobs and two counts,
   * whatever the size of the queue or of the sweep.
   */
  async status(sweep: SweepRecord, active?: readonly ActiveJob[]): Promise<SweepStatus> {
    const keys = await this.store.sweepTrialKeys(sweep.id);
    const [states, jobs] = await Promise.all([
      this.store.getStates(keys),
      active ?? this.queue.getActive(0, -1),
    ]);
    const running = runningTrials(jobs, new Set(keys));
    const runningKeys = new Set(running.map((r) => r.key));
    // Queued as the counts say: neither done, failed nor running (in the plan's order, which is
    // the order of the sweep's priorities); a cancelled sweep's are not queued.
    const queued =
      sweep.lifecycle === 'cancelled'
        ? []
        : keys.filter((key, i) => {
            const state = states[i]!;
            return !state.summary && !state.failure && !runningKeys.has(key);
          });
    const ahead = await jobsAhead(this.queue, this.redis, queued.map(trialJobId));
    return sweepStatus(sweep, keys, states, running, { runningAll: jobs.length, ahead });
  }

  async list(offset: number, limit: number): Promise<{ total: number; sweeps: SweepStatus[] }> {
    const sweeps = await this.store.listSweeps({ offset, limit });
    // The running jobs once for the page, not once per sweep.
    const active = await this.queue.getActive(0, -1);
    return {
      total: await this.store.countSweeps(),
      sweeps: await Promise.all(sweeps.map((s) => this.status(s, active))),
    };
  }

  /** Trial rows in plan order, `limit` at a time; full records are read a batch at a time. */
  async *trialRows(sweep: SweepRecord, offset = 0, limit = Infinity): AsyncGenerator<TrialRow> {
    const trials = this.plan(sweep).trials.slice(offset, offset + limit);
    for (let i = 0; i < trials.length; i += 500) {
      const batch = trials.slice(i, i + 500);
      const outcomes = await this.store.getOutcomes(batch.map((t) => t.key));
      for (const [j, trial] of batch.entries()) {
        const outcome = outcomes[j]!;
        yield trialRow(trial, outcome.result, outcome.failure);
      }
    }
  }

  /** The aggregator's grid; null until it has seen the sweep. */
  async grid(sweep: SweepRecord): Promise<StoredGrid<SweepGrid> | null> {
    return this.store.getGrid<SweepGrid>(sweep.id);
  }

  async seeds(
    sweep: SweepRecord,
    groupId: string,
    tau: number,
    activePercent: number,
  ): Promise<{ seeds: SeedAccuracy[]; majorityRate: number | null }> {
    const plan = this.plan(sweep);
    const group = plan.groups.find((g) => g.id === groupId);
    const keys = group ? [...group.baseline, ...group.cells.flat(2)] : [];
    const states = await this.store.getStates(keys);
    const byKey = new Map(keys.map((key, i) => [key, states[i]?.summary ?? undefined]));
    const seeds = seedAccuracies(plan, groupId, tau, activePercent, (key) => byKey.get(key));
    const majority = states.find((s) => s.summary)?.summary?.majorityRate ?? null;
    return { seeds, majorityRate: majority };
  }
}

/** A job a worker is running. */
type ActiveJob = Awaited<ReturnType<TrialQueue['getActive']>>[number];

/** The running trials among `keys`, with their last reported epoch. */
function runningTrials(active: readonly ActiveJob[], keys: Set<string>): RunningTrial[] {
  return active
    .filter((job) => keys.has(job.data.key))
    .map((job) => {
      const progress = job.progress as Partial<TrialProgress> | number;
      return {
        key: job.data.key,
        label: describeTrial(job.data.spec),
        epoch: typeof progress === 'object' ? (progress.epoch ?? null) : null,
        epochs: typeof progress === 'object' ? (progress.epochs ?? null) : null,
      };
    });
}

function trialRow(trial: Trial, result: TrialRecord | null, stored: TrialFailure | null): TrialRow {
  const { spec } = trial;
  // A failure beside a result is a stale one (the result wins), shown as none.
  const failure = result ? null : stored;
  const described = failure && describeFailure(failure);
  const ro = spec.train.randomout;
  return {
    key: trial.key,
    label: describeTrial(spec),
    region: spec.region,
    seed: spec.train.seed,
    baseline: ro === null,
    tau: ro?.tau ?? null,
    activePercent: ro?.activePercent ?? null,
    cgn: ro?.cgn ?? null,
    checkEvery: ro?.checkEvery ?? null,
    minTrainLoss: ro?.minTrainLoss ?? null,
    inputScale: inputScaleOf(spec),
    epochs: spec.train.epochs,
    learningRate: spec.train.learningRate,
    batchSize: spec.train.batchSize,
    dataSeed: spec.train.dataSeed,
    state: result ? 'done' : failure ? 'failed' : 'pending',
    testAccuracy: result?.testAccuracy ?? null,
    majorityRate: result?.majorityRate ?? null,
    diverged: result?.diverged ?? null,
    epochsRun: result?.epochsRun ?? null,
    reinitializations: result?.reinitializations.total ?? null,
    durationMs: result?.durationMs ?? null,
    engine: result?.engine ?? result?.backend ?? null,
    codePath: result?.codePath ?? null,
    weightsHash: result?.weightsHash ?? null,
    worker: result?.worker ?? null,
    finishedAt: result?.finishedAt ?? null,
    failure: failure?.message ?? null,
    failureClass: described?.failureClass ?? null,
    failureReason: described?.reason ?? null,
    failureFix: described?.fix ?? null,
    derivedFrom: result?.derivedFrom ?? null,
    resumedFromEpoch: result?.resumedFrom?.epoch ?? null,
  };
}
