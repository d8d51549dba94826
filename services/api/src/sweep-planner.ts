import os from 'node:os';
import type { PlanResponse } from '@seedsweep/api-contract';
import type { SweepStore, TrialRecord } from '@seedsweep/store';
import {
  MIN_MEASURED_RESULTS,
  parseSweepText,
  planSweep,
  secondsPerEpochTable,
  summarisePlan,
  type EpochMeasurement,
  type PlanSummary,
  type SweepDefinition,
  type SweepFormat,
  type SweepPlan,
  type TrialSpec,
} from '@seedsweep/sweep-spec';
import { TRAINER_VERSION, type BaselineHistory } from '@seedsweep/trainer/config';
import type { ApiKeyIdentity } from './auth/api-key-ring.js';
import { assertPriorityAllowed } from './priority-permission.js';
import type { SweepReader } from './sweep-reader.js';

type RegionName = TrialSpec['region'];

export interface SweepPlannerOptions {
  store: SweepStore;
  reader: SweepReader;
  maxTrials: number;
  maxBodyBytes: number;
  /** A worker's trials at a time when the request does not say: its default, one per core. */
  defaultTrialsPerWorker?: number;
}

export interface PlanRequest {
  text: string;
  format: SweepFormat;
  workers: number;
  trialsPerWorker?: number | undefined;
  /** The key asking: a dry run refuses `priority: high` as its submission would. */
  identity?: ApiKeyIdentity | null;
}

/** How many trials at a time the estimate's wall time assumes. */
export interface PlanSlots {
  workers: number;
  trialsPerWorker?: number | undefined;
}

/** Trained results read per region to measure its seconds per epoch. */
const MEASURE_PER_REGION = 50;
/** Other sweeps looked at, newest first, when the sweep's own results do not measure a region. */
const OTHER_SWEEPS = 10;
/** Results read from Redis at a time: a baseline's record is a few kilobytes. */
const BATCH = 500;

/**
 * A dry run of a submission: validates and plans the sweep as POST /v1/sweeps does, reads which
 * of its trials are stored and the stored baselines' records, and estimates the rest with
 * sweep-spec's estimateSweep. Reads only: nothing is written to Redis.
 */
export class SweepPlanner {
  private readonly defaultTrialsPerWorker: number;

  constructor(private readonly options: SweepPlannerOptions) {
    this.defaultTrialsPerWorker = options.defaultTrialsPerWorker ?? os.availableParallelism();
  }

  async plan(request: PlanRequest): Promise<PlanResponse> {
    const { maxTrials, maxBodyBytes } = this.options;
    const definition = parseSweepText(request.text, request.format, { maxBytes: maxBodyBytes });
    assertPriorityAllowed(definition, request.identity ?? null, request.text);
    // planSweep refuses an oversized sweep (SWEEP_TOO_LARGE) before building anything.
    const plan = planSweep(definition, { maxTrials, trainerVersion: TRAINER_VERSION });
    return { dryRun: true, ...(await this.summarise(definition, plan, request)) };
  }

  /**
   * What a planned sweep would cost here: the dry run's answer, and what a submission is
   * admitted with against its key's quotas (toRun, coreHours.max), so both count alike.
   */
  async summarise(
    definition: SweepDefinition,
    plan: SweepPlan,
    slots: PlanSlots,
  ): Promise<PlanSummary> {
    const { store } = this.options;
    const keys = plan.trials.map((t) => t.key);
    const present = await store.resultsPresent(keys);
    const stored = new Set(keys.filter((_, i) => present[i]));
    const regionOf = new Map(plan.trials.map((t) => [t.key, t.spec.region]));

    const measurements: EpochMeasurement[] = [];
    const measured = new Map<RegionName, number>();
    const measure = (record: TrialRecord, region: RegionName) => {
      const m = measurementOf(record, region);
      if (!m || (measured.get(region) ?? 0) >= MEASURE_PER_REGION) return;
      measured.set(region, (measured.get(region) ?? 0) + 1);
      measurements.push(m);
    };

    const baselines = new Map<string, BaselineHistory>();
    for await (const [key, record] of this.results(baselinesToJudge(plan, stored))) {
      baselines.set(key, {
        trainLoss: record.trainLoss,
        minAbsCgn: record.minAbsCgn,
        ...(record.minAbsSumCgn && { minAbsSumCgn: record.minAbsSumCgn }),
      });
      measure(record, regionOf.get(key)!);
    }
    const regions = [...new Set(plan.groups.map((g) => g.region))];
    const short = () => regions.filter((r) => (measured.get(r) ?? 0) < MIN_MEASURED_RESULTS);
    if (short().length > 0) {
      // The sweep's own stored results first, then the baselines of this deployment's newest sweeps.
      // Baselines first: a RandomOut result may be derived, which measures nothing.
      const own = plan.trials
        .filter((t) => stored.has(t.key) && !baselines.has(t.key))
        .sort(
          (a, b) =>
            Number(a.spec.train.randomout !== null) - Number(b.spec.train.randomout !== null),
        )
        .map((t) => t.key);
      const sampled = sample(own, regionOf, short());
      for await (const [key, record] of this.results(sampled)) measure(record, regionOf.get(key)!);
    }
    if (short().length > 0) await this.measureOtherSweeps(short(), measure);

    const rates = secondsPerEpochTable(regions, measurements);
    return summarisePlan({
      definition,
      plan,
      stored,
      baselines,
      rates,
      trainerVersion: TRAINER_VERSION,
      workers: slots.workers,
      trialsPerWorker: slots.trialsPerWorker ?? this.defaultTrialsPerWorker,
      ...(slots.trialsPerWorker === undefined && { defaultCoresOf: "the API's machine" }),
    });
  }

  /** Baselines of this deployment's newest sweeps, read until every region has enough. */
  private async measureOtherSweeps(
    regions: RegionName[],
    measure: (record: TrialRecord, region: RegionName) => void,
  ): Promise<void> {
    const { store, reader } = this.options;
    for (const sweep of await store.listSweeps({ limit: OTHER_SWEEPS })) {
      const plan = reader.plan(sweep);
      const regionOf = new Map<string, RegionName>();
      for (const group of plan.groups) {
        if (!regions.includes(group.region)) continue;
        for (const key of group.baseline) regionOf.set(key, group.region);
      }
      const keys = sample([...regionOf.keys()], regionOf, regions);
      for await (const [key, record] of this.results(keys)) measure(record, regionOf.get(key)!);
    }
  }

  /** The stored results of `keys`, a batch at a time; keys without one are skipped. */
  private async *results(keys: readonly string[]): AsyncGenerator<[string, TrialRecord]> {
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const outcomes = await this.options.store.getOutcomes(batch);
      for (const [j, outcome] of outcomes.entries()) {
        if (outcome.result) yield [batch[j]!, outcome.result];
      }
    }
  }
}

/** The stored baselines that decide what RandomOut trials not yet stored will do. */
function baselinesToJudge(plan: SweepPlan, stored: ReadonlySet<string>): string[] {
  const keys = new Set<string>();
  for (const group of plan.groups) {
    group.baseline.forEach((baseline, s) => {
      if (!stored.has(baseline) || keys.has(baseline)) return;
      if (group.cells.some((row) => row.some((seedKeys) => !stored.has(seedKeys[s]!)))) {
        keys.add(baseline);
      }
    });
  }
  return [...keys];
}

/** Up to MEASURE_PER_REGION keys of each of `regions`, in order. */
function sample(
  keys: readonly string[],
  regionOf: ReadonlyMap<string, RegionName>,
  regions: readonly RegionName[],
): string[] {
  const taken = new Map<RegionName, number>();
  return keys.filter((key) => {
    const region = regionOf.get(key)!;
    const n = taken.get(region) ?? 0;
    if (!regions.includes(region) || n >= MEASURE_PER_REGION) return false;
    taken.set(region, n + 1);
    return true;
  });
}

/** How long a result trained per epoch; none for a derived result, which trained nothing. */
function measurementOf(record: TrialRecord, region: RegionName): EpochMeasurement | null {
  if (record.derivedFrom) return null;
  const epochs = record.epochsRun - (record.resumedFrom?.epoch ?? 0);
  if (!(epochs > 0) || !(record.durationMs > 0)) return null;
  return { region, durationMs: record.durationMs, epochs };
}
