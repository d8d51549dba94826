import type { Logger } from 'pino';
import type { SweepStore, TrialRecord } from '@seedsweep/store';
import { randomOutVariants } from '@seedsweep/sweep-spec';
import {
  dependentsNeed,
  firstPossibleFiring,
  parseTrainConfig,
  type CheckpointPolicy,
  type TrainCheckpoint,
  type TrainConfig,
} from '@seedsweep/trainer';
import type { CheckpointDirectory } from './checkpoint-directory.js';

/** A finished baseline, and the epoch the RandomOut trial at hand could first fire in. */
export interface BaselineAhead {
  key: string;
  record: TrialRecord;
  firing: number;
}

/** A baseline's checkpoint a RandomOut trial continues from. */
export interface Resume {
  baselineKey: string;
  checkpoint: TrainCheckpoint;
}

export interface CheckpointPlanOptions {
  store: SweepStore;
  log: Logger;
  /** Without it nothing is saved and every RandomOut trial that may fire trains from the start. */
  directory?: CheckpointDirectory;
}

/**
 * Which baseline states a trial's run saves, and which one a RandomOut trial resumes from. A
 * RandomOut trial is its baseline bit for bit until the first epoch one of its checks could
 * fire in, so the baseline's state at the start of that epoch is its own state there.
 */
export class CheckpointPlan {
  constructor(private readonly options: CheckpointPlanOptions) {}

  /**
   * Where a RandomOut trial stands against its finished baseline: null when none of its checks
   * could fire (training it would repeat the baseline), else the epoch it could first fire in.
   */
  ahead(baselineKey: string, baseline: TrialRecord, train: TrainConfig): BaselineAhead | null {
    const firing = firstPossibleFiring(train, baseline);
    return firing === null ? null : { key: baselineKey, record: baseline, firing };
  }

  /** The latest of the baseline's checkpoints up to the epoch the trial could first fire in. */
  async resumeFrom(ahead: BaselineAhead): Promise<Resume | null> {
    const { directory, log } = this.options;
    if (!directory || ahead.firing === 0) return null;
    const checkpoint = await directory.latest(ahead.key, ahead.firing, (file, error) =>
      log.warn({ file, reason: error.reason }, 'unreadable checkpoint skipped'),
    );
    return checkpoint && { baselineKey: ahead.key, checkpoint };
  }

  /**
   * What a trial's run saves. A RandomOut trial whose baseline failed or is gone saves nothing:
   * its states are not the baseline's.
   */
  async savesFor(
    key: string,
    train: TrainConfig,
    ahead: BaselineAhead | null,
    resumedAt: number,
  ): Promise<CheckpointPolicy | undefined> {
    if (ahead) return this.siblingSaves(ahead, train, resumedAt);
    return train.randomout ? undefined : this.baselineSaves(key, train);
  }

  /**
   * A baseline keeps the start of each epoch where a RandomOut trial of a sweep that includes it
   * could first fire.
   */
  private async baselineSaves(
    key: string,
    train: TrainConfig,
  ): Promise<CheckpointPolicy | undefined> {
    const dependents = await this.dependentsOf(key, train);
    if (dependents.length === 0) return undefined;
    return this.savingInto(key, dependentsNeed(dependents));
  }

  /**
   * A RandomOut trial trains as its baseline up to the epoch it could first fire in, so on the
   * way it keeps the baseline's checkpoints its siblings need and nobody has written: a
   * baseline finished before a sweep with these settings arrived kept none for them.
   */
  private async siblingSaves(
    ahead: BaselineAhead,
    train: TrainConfig,
    resumedAt: number,
  ): Promise<CheckpointPolicy | undefined> {
    const needed = new Set<number>();
    for (const sibling of await this.dependentsOf(ahead.key, { ...train, randomout: null })) {
      const epoch = firstPossibleFiring(sibling, ahead.record);
      if (epoch !== null && epoch > resumedAt && epoch <= ahead.firing) needed.add(epoch);
    }
    for (const epoch of await this.presentEpochs(ahead.key)) needed.delete(epoch);
    if (needed.size === 0) return undefined;
    return this.savingInto(ahead.key, (epoch) => needed.has(epoch));
  }

  private async presentEpochs(baselineKey: string): Promise<number[]> {
    return (await this.options.directory?.epochs(baselineKey)) ?? [];
  }

  /**
   * The RandomOut settings run against a baseline, from the definitions of the sweeps that
   * include it (each holds every RandomOut setting run against each of its baselines).
   */
  private async dependentsOf(baselineKey: string, train: TrainConfig): Promise<TrainConfig[]> {
    const { directory, store } = this.options;
    if (!directory) return [];
    const dependents = new Map<string, TrainConfig>();
    for (const id of await store.sweepsOf(baselineKey)) {
      const sweep = await store.getSweep(id);
      for (const randomout of sweep ? randomOutVariants(sweep.definition) : []) {
        const config = parseTrainConfig({ ...train, randomout });
        dependents.set(JSON.stringify(config.randomout), config);
      }
    }
    return [...dependents.values()];
  }

  /** Saves into the baseline's checkpoints; a failed save costs trials their head start, not this one its result. */
  private savingInto(
    baselineKey: string,
    wants: CheckpointPolicy['wants'],
  ): CheckpointPolicy | undefined {
    const { directory, log } = this.options;
    if (!directory) return undefined;
    return {
      wants,
      save: async (checkpoint) => {
        try {
          await directory.save(baselineKey, checkpoint);
        } catch (error) {
          log.warn(
            { key: baselineKey, epoch: checkpoint.epoch, err: error },
            'checkpoint not written: its trials will train from the start',
          );
        }
      },
    };
  }
}
