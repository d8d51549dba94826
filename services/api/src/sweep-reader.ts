import type { RunningTrial, SweepStatus, TrialRow } from '@seedsweep/api-contract';
import type { TrialProgress, TrialQueue } from '@seedsweep/queue';
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
  ) {}

  async sweep(id: string): Promise<SweepRecord> {
    const sweep = await this.store.getSweep(id);
    if (!sweep) throw new ApiError('SWEEP_NOT_FOUND', `there is no sweep ${id}`, { sweepId: id });
    return sweep;
  }

  plan(sweep: SweepRecord): SweepPlan {
    return this.plans.get(sweep);
  }

  async status(sweep: SweepRecord): Promise<SweepStatus> {
    const keys = await this.store.sweepTrialKeys(sweep.id);
    const states = await this.store.getStates(keys);
    return sweepStatus(sweep, keys, states, await this.running(new Set(keys)));
  }

  async list(offset: number, limit: number): Promise<{ total: number; sweeps: SweepStatus[] }> {
    const sweeps = await this.store.listSweeps({ offset, limit });
    return {
      total: await this.store.countSweeps(),
      sweeps: await Promise.all(sweeps.map((s) => this.status(s))),
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

  /** This sweep's running trials with their last reported epoch. */
  private async running(keys: Set<string>): Promise<RunningTrial[]> {
    const active = await this.queue.getActive(0, -1);
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
