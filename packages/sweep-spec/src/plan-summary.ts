import { countTrials } from './count-trials.js';
import type { SweepDefinition } from './sweep-definition.js';
import { estimateSweep, type EstimateInput, type SweepEstimate } from './sweep-estimate.js';

/** What `POST /v1/sweeps?dryRun=true` and `seedsweep plan` say about a sweep, but `dryRun`. */
/** The estimate's counts and ranges, as estimateSweep gives them. */
type EstimateCounts = Pick<
  SweepEstimate,
  | 'trials'
  | 'stored'
  | 'toRun'
  | 'trainedInFull'
  | 'derived'
  | 'resumed'
  | 'unknown'
  | 'epochs'
  | 'coreHours'
  | 'wallHours'
>;

export interface PlanSummary extends EstimateCounts {
  name: string;
  trainerVersion: string;
  formula: string;
  groups: { id: string; region: string; seeds: number; cells: number }[];
  workers: { workers: number; trialsPerWorker: number; slots: number; assumption: string };
  secondsPerEpoch: {
    region: string;
    seconds: number;
    source: 'measured' | 'default';
    results: number;
  }[];
}

export interface SummaryInput extends Omit<EstimateInput, 'slots'> {
  definition: SweepDefinition;
  trainerVersion: string;
  workers: number;
  trialsPerWorker: number;
  /** Set when trialsPerWorker is a worker's default (one per core): whose cores were counted. */
  defaultCoresOf?: string;
}

/**
 * A sweep's plan and estimate (estimateSweep) as one document: the one place that turns them
 * into what the API answers and the CLI prints, so both say the same.
 */
export function summarisePlan(input: SummaryInput): PlanSummary {
  const { definition, plan, workers, trialsPerWorker } = input;
  const slots = workers * trialsPerWorker;
  const estimate = estimateSweep({ ...input, slots });
  const { trials, stored, toRun, trainedInFull, derived, resumed, unknown } = estimate;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    trials,
    stored,
    toRun,
    trainedInFull,
    derived,
    resumed,
    unknown,
    epochs: estimate.epochs,
    coreHours: estimate.coreHours,
    wallHours: estimate.wallHours,
    name: definition.name,
    trainerVersion: input.trainerVersion,
    formula: countTrials(definition).formula,
    groups: plan.groups.map((g) => ({
      id: g.id,
      region: g.region,
      seeds: g.seeds.length,
      cells: g.taus.length * g.activePercents.length,
    })),
    workers: {
      workers,
      trialsPerWorker,
      slots,
      assumption:
        `${plural(workers, 'worker')} × ${plural(trialsPerWorker, 'trial')} at a time` +
        (input.defaultCoresOf === undefined
          ? ''
          : ` (a worker's default WORKER_CONCURRENCY: one per core, ${trialsPerWorker} on ${input.defaultCoresOf})`),
    },
    secondsPerEpoch: estimate.rates.map((r) => ({
      region: r.region,
      seconds: r.secondsPerEpoch,
      source: r.source,
      results: r.results,
    })),
  };
}
