import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { trialJobDataShape, type TrialJobResult, type TrialProgress } from '@seedsweep/queue';
import {
  failureClassOf,
  failureCodeOf,
  isRedisOutOfMemory,
  redisRefusalCode,
  type SweepStore,
  type TrialRecord,
} from '@seedsweep/store';
import { randomOutVariants, trialKey, type TrialSpec } from '@seedsweep/sweep-spec';
import {
  dependentsNeed,
  firstPossibleFiring,
  InvalidCheckpointError,
  InvalidTrainConfigError,
  parseTrainConfig,
  selectEngine,
  train,
  TRAINER_VERSION,
  TrainingAbortedError,
  type CheckpointPolicy,
  type TrainCheckpoint,
  type TrainConfig,
  type TrainResult,
} from '@seedsweep/trainer';
import type { KernelsEngineChoice } from '@seedsweep/trainer/config';
import { ABORT_REASONS, CANCELLED_PREFIX } from './abort-reasons.js';
import type { CheckpointDirectory } from './checkpoint-directory.js';
import type { RegionData } from './region-data.js';

/** The parts of a BullMQ job (sandboxed or not) a trial needs. */
export interface TrialJobHandle {
  data: unknown;
  attemptsMade: number;
  updateProgress(progress: TrialProgress): Promise<void>;
  /** Puts the job back on the queue until `timestamp` (ms); the processor then throws DelayedError. */
  moveToDelayed(timestamp: number): Promise<void>;
}

export interface TrialRunnerOptions {
  store: SweepStore;
  regions: RegionData;
  workerName: string;
  /**
   * Which engine trains the `kernels` trials: `auto` (native where built, else wasm), `native`
   * or `wasm`; they give the same bits. `tfjs` trials always train on tfjs.
   */
  engine?: KernelsEngineChoice;
  /** One line per training started and per result written or refused: what operators count. */
  log: Logger;
  /** Whether a trial's job is still on the queue (waiting, delayed or running). */
  jobExists(key: string): Promise<boolean>;
  /** How long a RandomOut trial waits for its baseline before it is tried again. */
  baselineWaitMs?: number;
  /**
   * Where baselines keep the states their RandomOut trials resume from; without it every
   * RandomOut trial that may fire trains from the start.
   */
  checkpoints?: CheckpointDirectory;
  /**
   * While Redis is full (it refuses writes under `noeviction`), a trained result is held and its
   * write retried with these pauses, in ms, before the attempt fails: training cost minutes,
   * an operator freeing memory costs seconds. Default: 1 s doubling to 1 min, about 10 minutes.
   */
  fullRedisRetryMs?: number[];
}

const FULL_REDIS_RETRY_MS = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60].map(
  (s) => s * 1000,
);

/**
 * Trains one trial and writes its result once. A payload that cannot be right (bad shape, a key
 * that is not its spec's hash, another trainer version) fails for good: retrying cannot fix it.
 */
export class TrialRunner {
  constructor(private readonly options: TrialRunnerOptions) {}

  async run(job: TrialJobHandle, signal?: AbortSignal): Promise<TrialJobResult> {
    const { key, spec } = this.validate(job.data);
    const existing = await this.options.store.getResult(key);
    if (existing)
      return { key, written: false, skipped: true, testAccuracy: existing.testAccuracy };
    let resume: Resume | null = null;
    let ahead: BaselineAhead | null = null;
    if (spec.train.randomout) {
      const fromBaseline = await this.fromBaseline(key, spec, job);
      if ('derived' in fromBaseline) return fromBaseline.derived;
      ({ resume, ahead } = fromBaseline);
    }

    const data = await this.options.regions
      .load(spec.region, spec.dataset, spec.dataset.identity)
      .catch((error: unknown) => {
        // An option the data cannot be prepared with fails the same way everywhere: at once.
        const code = failureCodeOf(error);
        if (failureClassOf(code) === 'trial') throw unrecoverable(code!, (error as Error).message);
        throw error;
      });
    if (data.identityHash !== spec.dataset.identity) {
      throw unrecoverable(
        'DATASET_MISMATCH',
        `the trial wants dataset ${spec.dataset.identity}, this worker prepares ${data.identityHash}`,
      );
    }
    await selectEngine(spec.numerics === 'tfjs' ? 'tfjs' : (this.options.engine ?? 'auto'));
    const attempt = job.attemptsMade + 1;
    const checkpoints = ahead
      ? await this.siblingCheckpoints(ahead, spec, resume?.checkpoint.epoch ?? 0)
      : spec.train.randomout
        ? undefined
        : await this.baselineCheckpoints(key, spec);
    this.options.log.info(
      { key, attempt, ...(resume && { resumeFromEpoch: resume.checkpoint.epoch }) },
      'training started',
    );
    let result: TrainResult;
    try {
      result = await this.train(spec, data, job, signal, { resume, checkpoints });
    } catch (error) {
      if (!(error instanceof InvalidCheckpointError)) throw error;
      // Say, a checkpoint of another numeric family: the same result comes from the start.
      this.options.log.warn(
        { key, reason: error.reason },
        'checkpoint refused: training from the start',
      );
      resume = null;
      result = await this.train(spec, data, job, signal, { resume, checkpoints });
    }
    const record = this.record(key, result, data.test.y, attempt, resume);
    const written = await this.write(record);
    this.logWrite(key, written, false);
    return { key, written, skipped: false, testAccuracy: result.testAccuracy };
  }

  /**
   * A RandomOut trial whose baseline record shows that no check could fire takes the baseline's
   * result: training it would repeat the baseline bit for bit. One that could first fire in a
   * later epoch resumes from the baseline's state at the start of that epoch (or the latest
   * checkpoint before it), which is its own state there. While the baseline is still on the
   * queue, the trial waits for it; a baseline that failed or is gone leaves it to train.
   */
  private async fromBaseline(
    key: string,
    spec: TrialSpec,
    job: TrialJobHandle,
  ): Promise<{ derived: TrialJobResult } | { resume: Resume | null; ahead: BaselineAhead | null }> {
    const baselineKey = trialKey({ ...spec, train: { ...spec.train, randomout: null } });
    const baseline = await this.options.store.getResult(baselineKey);
    if (!baseline) {
      // A failed baseline's job is kept (for bull-board) but will not run again: do not wait.
      const [state] = await this.options.store.getStates([baselineKey]);
      if (!state?.failure && (await this.options.jobExists(baselineKey))) {
        await job.moveToDelayed(Date.now() + (this.options.baselineWaitMs ?? 5_000));
        throw new DelayedError();
      }
      return { resume: null, ahead: null };
    }
    const firing = firstPossibleFiring(spec.train, baseline);
    if (firing !== null) {
      const resume = await this.checkpointOf(baselineKey, firing);
      return { resume, ahead: { key: baselineKey, record: baseline, firing } };
    }
    const record: TrialRecord = {
      ...baseline,
      key,
      durationMs: 0,
      worker: this.options.workerName,
      attempt: job.attemptsMade + 1,
      finishedAt: new Date().toISOString(),
      derivedFrom: baselineKey,
    };
    const written = await this.write(record);
    this.logWrite(key, written, true);
    return { derived: { key, written, skipped: false, testAccuracy: record.testAccuracy } };
  }

  private async checkpointOf(baselineKey: string, epoch: number): Promise<Resume | null> {
    const directory = this.options.checkpoints;
    if (!directory || epoch === 0) return null;
    const checkpoint = await directory.latest(baselineKey, epoch, (file, error) =>
      this.options.log.warn({ file, reason: error.reason }, 'unreadable checkpoint skipped'),
    );
    return checkpoint && { baselineKey, checkpoint };
  }

  /**
   * A baseline keeps the start of each epoch where a RandomOut trial of a sweep that includes it
   * could first fire.
   */
  private async baselineCheckpoints(
    key: string,
    spec: TrialSpec,
  ): Promise<CheckpointPolicy | undefined> {
    const dependents = await this.dependentsOf(key, spec.train);
    if (dependents.length === 0) return undefined;
    return this.checkpointsOf(key, dependentsNeed(dependents));
  }

  /**
   * A RandomOut trial is its baseline until the epoch it could first fire in, so while it trains
   * there it keeps the baseline's checkpoints its siblings need and nobody has written: a
   * baseline finished before a sweep with these settings arrived kept none for them.
   */
  private async siblingCheckpoints(
    ahead: BaselineAhead,
    spec: TrialSpec,
    resumedAt: number,
  ): Promise<CheckpointPolicy | undefined> {
    const baselineTrain = { ...spec.train, randomout: null };
    const needed = new Set<number>();
    for (const sibling of await this.dependentsOf(ahead.key, baselineTrain)) {
      const epoch = firstPossibleFiring(sibling, ahead.record);
      if (epoch !== null && epoch > resumedAt && epoch <= ahead.firing) needed.add(epoch);
    }
    const present = new Set(await this.options.checkpoints?.epochs(ahead.key));
    for (const epoch of present) needed.delete(epoch);
    if (needed.size === 0) return undefined;
    return this.checkpointsOf(ahead.key, (epoch) => needed.has(epoch));
  }

  /**
   * The RandomOut settings run against a baseline, from the definitions of the sweeps that
   * include it (each holds every RandomOut setting run against each of its baselines).
   */
  private async dependentsOf(baselineKey: string, train: TrainConfig): Promise<TrainConfig[]> {
    if (!this.options.checkpoints) return [];
    const dependents = new Map<string, TrainConfig>();
    for (const id of await this.options.store.sweepsOf(baselineKey)) {
      const sweep = await this.options.store.getSweep(id);
      for (const randomout of sweep ? randomOutVariants(sweep.definition) : []) {
        const config = parseTrainConfig({ ...train, randomout });
        dependents.set(JSON.stringify(config.randomout), config);
      }
    }
    return [...dependents.values()];
  }

  /** Saves into the baseline's checkpoints; a failed save costs trials their head start, not this one its result. */
  private checkpointsOf(
    baselineKey: string,
    wants: CheckpointPolicy['wants'],
  ): CheckpointPolicy | undefined {
    const directory = this.options.checkpoints;
    if (!directory) return undefined;
    return {
      wants,
      save: async (checkpoint) => {
        try {
          await directory.save(baselineKey, checkpoint);
        } catch (error) {
          this.options.log.warn(
            { key: baselineKey, epoch: checkpoint.epoch, err: error },
            'checkpoint not written: its trials will train from the start',
          );
        }
      },
    };
  }

  private async write(record: TrialRecord): Promise<boolean> {
    const pauses = this.options.fullRedisRetryMs ?? FULL_REDIS_RETRY_MS;
    for (let i = 0; ; i++) {
      try {
        return await this.options.store.writeResult(record);
      } catch (error) {
        if (!isRedisOutOfMemory(error) || i >= pauses.length) throw withRedisCode(error);
        this.options.log.warn(
          { key: record.key, retryInMs: pauses[i] },
          'Redis is full: holding the result until it has room',
        );
        await sleep(pauses[i]);
      }
    }
  }

  /** A refused write is the at-least-once delivery at work: another run of the trial won. */
  private logWrite(key: string, written: boolean, derived: boolean): void {
    if (written) this.options.log.info({ key, derived }, 'result written');
    else this.options.log.warn({ key, derived }, 'duplicate result refused: already written');
  }

  private validate(data: unknown): { key: string; spec: TrialSpec } {
    const shape = trialJobDataShape.safeParse(data);
    if (!shape.success) {
      const issue = shape.error.issues[0]!;
      throw unrecoverable(
        'INVALID_JOB',
        `invalid job data: ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    const spec = shape.data.spec as unknown as TrialSpec;
    let computed: string;
    try {
      computed = trialKey(spec);
    } catch (error) {
      throw unrecoverable('INVALID_JOB', `invalid trial spec: ${(error as Error).message}`);
    }
    if (computed !== shape.data.key) {
      throw unrecoverable(
        'INVALID_JOB',
        `the job's key ${shape.data.key} is not its spec's (${computed})`,
      );
    }
    if (spec.trainerVersion !== TRAINER_VERSION) {
      throw unrecoverable(
        'TRAINER_MISMATCH',
        `the trial needs trainer version ${spec.trainerVersion}; this worker runs ${TRAINER_VERSION}`,
      );
    }
    return { key: shape.data.key, spec };
  }

  private async train(
    spec: TrialSpec,
    data: Parameters<typeof train>[1],
    job: TrialJobHandle,
    signal: AbortSignal | undefined,
    from: { resume: Resume | null; checkpoints: CheckpointPolicy | undefined },
  ): Promise<TrainResult> {
    try {
      return await train(spec.train, data, {
        ...(signal && { signal }),
        ...(from.resume && { resumeFrom: from.resume.checkpoint }),
        ...(from.checkpoints && { checkpoints: from.checkpoints }),
        onEpoch: (p) => {
          // Progress is advisory: a lost update must never fail the trial.
          job
            .updateProgress({
              epoch: p.epoch,
              epochs: p.epochs,
              trainLoss: p.trainLoss,
              reinitializations: p.reinitializations.conv1 + p.reinitializations.conv2,
            })
            .catch(() => {});
        },
      });
    } catch (error) {
      if (error instanceof InvalidTrainConfigError) throw unrecoverable(error.code, error.message);
      if (error instanceof TrainingAbortedError && signal?.reason === ABORT_REASONS.cancelled) {
        throw new UnrecoverableError(`${CANCELLED_PREFIX}: no live sweep needs this trial`);
      }
      if (error instanceof TrainingAbortedError) {
        throw new Error(`interrupted (${String(signal?.reason)}); another worker will retry it`);
      }
      throw error;
    }
  }

  private record(
    key: string,
    result: TrainResult,
    labels: Uint8Array,
    attempt: number,
    resume: Resume | null,
  ): TrialRecord {
    let craters = 0;
    for (const label of labels) craters += label;
    const majority = Math.max(craters, labels.length - craters);
    return {
      key,
      testAccuracy: result.testAccuracy,
      majorityRate: labels.length > 0 ? majority / labels.length : 0,
      testCount: labels.length,
      trainLoss: result.trainLoss,
      epochsRun: result.epochsRun,
      diverged: result.diverged,
      divergedAtEpoch: result.divergedAtEpoch,
      reinitializations: result.reinitializations,
      minAbsCgn: result.minAbsCgn,
      minAbsSumCgn: result.minAbsSumCgn,
      weightsHash: result.weightsHash,
      engine: result.engine,
      numerics: result.numerics,
      codePath: result.codePath,
      versions: result.versions,
      durationMs: result.durationMs,
      worker: this.options.workerName,
      attempt,
      finishedAt: new Date().toISOString(),
      resumedFrom: resume && { key: resume.baselineKey, epoch: resume.checkpoint.epoch },
    };
  }
}

/**
 * A failure BullMQ does not retry, with a stable code: the code crosses the sandbox's process
 * boundary (BullMQ copies an error's own properties), and the worker classifies the failure by
 * it (the store's failureClassOf).
 */
function unrecoverable(code: string, message: string): UnrecoverableError {
  return Object.assign(new UnrecoverableError(message), { code });
}

/** Redis refusing a write (full, or a read-only replica) as an error with a stable code. */
function withRedisCode(error: unknown): unknown {
  const code = redisRefusalCode(error);
  if (code === null || !(error instanceof Error)) return error;
  return Object.assign(new Error(error.message, { cause: error }), { code });
}

/** A finished baseline, and the epoch the RandomOut trial at hand could first fire in. */
interface BaselineAhead {
  key: string;
  record: TrialRecord;
  firing: number;
}

/** A baseline's checkpoint a RandomOut trial continues from. */
interface Resume {
  baselineKey: string;
  checkpoint: TrainCheckpoint;
}
