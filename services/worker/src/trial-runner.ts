import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError } from 'bullmq';
import type { Logger } from 'pino';
import { trialJobDataShape, type TrialJobResult, type TrialProgress } from '@seedsweep/queue';
import {
  failureClassOf,
  failureCodeOf,
  isRedisOutOfMemory,
  redisRefusalCode,
  type SweepStore,
  type TrialRecord,
  type WorkerHolds,
} from '@seedsweep/store';
import { trialKey, type TrialSpec } from '@seedsweep/sweep-spec';
import {
  InvalidCheckpointError,
  InvalidTrainConfigError,
  selectEngine,
  train,
  TRAINER_VERSION,
  TrainingAbortedError,
  type CheckpointPolicy,
  type TrainResult,
} from '@seedsweep/trainer';
import type { KernelsEngineChoice } from '@seedsweep/trainer/config';
import { ABORT_REASONS } from './abort-reasons.js';
import type { CheckpointDirectory } from './checkpoint-directory.js';
import { CheckpointPlan, type BaselineAhead, type Resume } from './checkpoint-plan.js';
import {
  RedisRefusalError,
  TRIAL_FAILURE_CODES,
  TrialInterruptedError,
  UnrecoverableTrialError,
} from './errors/index.js';
import type { RegionData } from './region-data.js';
import { trainedRecord } from './trained-record.js';

/** The parts of a BullMQ job (sandboxed or not) a trial needs. */
export interface TrialJobHandle {
  /** The job's id: what a hold on one of its key's workers is taken under. */
  id?: string | undefined;
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
  /**
   * The workers each API key holds. A trial whose job names its key (`owner`) trains only with
   * a hold on one of them, and waits while the key holds its maxWorkers; without this, or for
   * a job with no owner, trials train without one.
   */
  holds?: WorkerHolds;
  /** How long a hold lasts unrenewed, so that a dead worker's lapse: its lock's duration. */
  holdTtlMs?: number;
  /** How long a trial refused a hold waits before it is tried again (plus up to a second). */
  holdWaitMs?: number;
}

/** A hold on one of a key's workers, renewed while its trial trains. */
interface Hold {
  /** Renews the hold unless it was renewed a third of its duration ago or less. */
  renew(): void;
  release(): Promise<void>;
}

const FULL_REDIS_RETRY_MS = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60].map(
  (s) => s * 1000,
);

/** A region's prepared data, as the trainer takes it. */
type TrainingData = Parameters<typeof train>[1];

/**
 * Trains one trial and writes its result once. A payload that cannot be right (bad shape, a key
 * that is not its spec's hash, another trainer version) fails for good: retrying cannot fix it.
 */
export class TrialRunner {
  private readonly plan: CheckpointPlan;

  constructor(private readonly options: TrialRunnerOptions) {
    this.plan = new CheckpointPlan({
      store: options.store,
      log: options.log,
      ...(options.checkpoints && { directory: options.checkpoints }),
    });
  }

  async run(job: TrialJobHandle, signal?: AbortSignal): Promise<TrialJobResult> {
    const { key, spec, owner } = this.validate(job.data);
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

    // Only what trains takes a worker of its key: a derived trial or one waiting for its
    // baseline has ended above without training.
    const hold = owner !== undefined ? await this.hold(key, owner, job) : null;
    try {
      return await this.trainAndWrite(key, spec, job, signal, { resume, ahead, hold });
    } finally {
      await hold?.release();
    }
  }

  private async trainAndWrite(
    key: string,
    spec: TrialSpec,
    job: TrialJobHandle,
    signal: AbortSignal | undefined,
    from: { resume: Resume | null; ahead: BaselineAhead | null; hold: Hold | null },
  ): Promise<TrialJobResult> {
    let { resume } = from;
    const { ahead, hold } = from;
    const data = await this.load(spec);
    await selectEngine(spec.numerics === 'tfjs' ? 'tfjs' : (this.options.engine ?? 'auto'));
    const attempt = job.attemptsMade + 1;
    const checkpoints = await this.plan.savesFor(
      key,
      spec.train,
      ahead,
      resume?.checkpoint.epoch ?? 0,
    );
    this.options.log.info(
      { key, attempt, ...(resume && { resumeFromEpoch: resume.checkpoint.epoch }) },
      'training started',
    );
    let result: TrainResult;
    try {
      result = await this.train(spec, data, job, signal, { resume, checkpoints, hold });
    } catch (error) {
      if (!(error instanceof InvalidCheckpointError)) throw error;
      // Say, a checkpoint of another numeric family: the same result comes from the start.
      this.options.log.warn(
        { key, reason: error.reason },
        'checkpoint refused: training from the start',
      );
      resume = null;
      result = await this.train(spec, data, job, signal, { resume, checkpoints, hold });
    }
    const record = trainedRecord(key, result, data.test.y, {
      worker: this.options.workerName,
      attempt,
      finishedAt: new Date().toISOString(),
      resumedFrom: resume && { key: resume.baselineKey, epoch: resume.checkpoint.epoch },
    });
    const written = await this.write(record);
    this.logWrite(key, written, false);
    return { key, written, skipped: false, testAccuracy: result.testAccuracy };
  }

  /**
   * Takes a hold on one of the owner's workers, or puts the job back for a few seconds when the
   * owner holds all it may (maxWorkers): BullMQ has no concurrency per group of jobs. A delayed
   * job keeps its fair-share priority and its attempts. The hold is renewed on a timer (data
   * loading) and after every epoch, so it lapses only when this process stops.
   */
  private async hold(key: string, owner: string, job: TrialJobHandle): Promise<Hold | null> {
    const { holds, log } = this.options;
    if (!holds || job.id === undefined) return null;
    const jobId = job.id;
    const ttlMs = this.options.holdTtlMs ?? 30_000;
    const outcome = await holds.take(owner, jobId, ttlMs);
    if (!outcome.taken) {
      // Debug: while a key is at its limit, each of its queued trials is put back every few seconds.
      log.debug(
        { key, owner, held: outcome.held, maxWorkers: outcome.limit },
        'trial put back: its key holds all the workers it may',
      );
      // Spread by the job's id (a content key's hex digits), so the key's trials do not all
      // come back in the same instant.
      const spread = parseInt(jobId.slice(-3), 16) % 1_000 || 0;
      const waitMs = (this.options.holdWaitMs ?? 5_000) + spread;
      await job.moveToDelayed(Date.now() + waitMs);
      throw new DelayedError();
    }
    let renewedAt = Date.now();
    const renew = () => {
      renewedAt = Date.now();
      holds.renew(owner, jobId, ttlMs).catch((error: unknown) => {
        log.warn({ key, owner, err: error }, 'could not renew the hold on a worker of its key');
      });
    };
    const timer = setInterval(renew, ttlMs / 3);
    timer.unref();
    return {
      renew: () => {
        if (Date.now() - renewedAt >= ttlMs / 3) renew();
      },
      release: async () => {
        clearInterval(timer);
        // Should this fail (Redis gone), the hold lapses after ttlMs.
        await holds.release(owner, jobId).catch((error: unknown) => {
          log.warn({ key, owner, err: error }, 'could not release the hold on a worker of its key');
        });
      },
    };
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
    const ahead = this.plan.ahead(baselineKey, baseline, spec.train);
    if (ahead) return { resume: await this.plan.resumeFrom(ahead), ahead };
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

  private async load(spec: TrialSpec): Promise<TrainingData> {
    const data = await this.options.regions
      .load(spec.region, spec.dataset, spec.dataset.identity)
      .catch((error: unknown) => {
        // An option the data cannot be prepared with fails the same way everywhere: at once.
        const code = failureCodeOf(error);
        if (failureClassOf(code) !== 'trial') throw error;
        throw new UnrecoverableTrialError(code!, (error as Error).message);
      });
    if (data.identityHash !== spec.dataset.identity) {
      throw new UnrecoverableTrialError(
        TRIAL_FAILURE_CODES.datasetMismatch,
        `the trial wants dataset ${spec.dataset.identity}, this worker prepares ${data.identityHash}`,
      );
    }
    return data;
  }

  private async write(record: TrialRecord): Promise<boolean> {
    const pauses = this.options.fullRedisRetryMs ?? FULL_REDIS_RETRY_MS;
    for (let i = 0; ; i++) {
      try {
        return await this.options.store.writeResult(record);
      } catch (error) {
        if (!isRedisOutOfMemory(error) || i >= pauses.length) throw withRefusalCode(error);
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

  private validate(data: unknown): { key: string; spec: TrialSpec; owner: string | undefined } {
    const shape = trialJobDataShape.safeParse(data);
    if (!shape.success) {
      const issue = shape.error.issues[0]!;
      throw new UnrecoverableTrialError(
        TRIAL_FAILURE_CODES.invalidJob,
        `invalid job data: ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    const spec = shape.data.spec as unknown as TrialSpec;
    let computed: string;
    try {
      computed = trialKey(spec);
    } catch (error) {
      throw new UnrecoverableTrialError(
        TRIAL_FAILURE_CODES.invalidJob,
        `invalid trial spec: ${(error as Error).message}`,
      );
    }
    if (computed !== shape.data.key) {
      throw new UnrecoverableTrialError(
        TRIAL_FAILURE_CODES.invalidJob,
        `the job's key ${shape.data.key} is not its spec's (${computed})`,
      );
    }
    if (spec.trainerVersion !== TRAINER_VERSION) {
      throw new UnrecoverableTrialError(
        TRIAL_FAILURE_CODES.trainerMismatch,
        `the trial needs trainer version ${spec.trainerVersion}; this worker runs ${TRAINER_VERSION}`,
      );
    }
    return { key: shape.data.key, spec, owner: shape.data.owner };
  }

  private async train(
    spec: TrialSpec,
    data: TrainingData,
    job: TrialJobHandle,
    signal: AbortSignal | undefined,
    from: {
      resume: Resume | null;
      checkpoints: CheckpointPolicy | undefined;
      hold: Hold | null;
    },
  ): Promise<TrainResult> {
    try {
      return await train(spec.train, data, {
        ...(signal && { signal }),
        ...(from.resume && { resumeFrom: from.resume.checkpoint }),
        ...(from.checkpoints && { checkpoints: from.checkpoints }),
        onEpoch: (p) => {
          from.hold?.renew();
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
      throw asTrialFailure(error, signal);
    }
  }
}

/**
 * What a failed training run means for the job: an invalid configuration fails for good; an
 * abort is a cancellation (for good, and no failure at all) or a shutdown (retried elsewhere).
 */
function asTrialFailure(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof InvalidTrainConfigError) {
    return new UnrecoverableTrialError(error.code, error.message);
  }
  if (!(error instanceof TrainingAbortedError)) return error;
  if (signal?.reason === ABORT_REASONS.cancelled) {
    // The message reads as it always has: BullMQ keeps it as the job's failedReason.
    return new UnrecoverableTrialError(
      TRIAL_FAILURE_CODES.cancelled,
      'cancelled: no live sweep needs this trial',
    );
  }
  return new TrialInterruptedError(String(signal?.reason));
}

/** Redis refusing a write (full, or a read-only replica) as an error with a stable code. */
function withRefusalCode(error: unknown): unknown {
  const code = redisRefusalCode(error);
  if (code === null || !(error instanceof Error)) return error;
  return new RedisRefusalError(code, error);
}
