import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createTrialQueue, TrialEnqueuer, type TrialQueue } from '@seedsweep/queue';
import { SweepStore, type TrialFailure, type TrialRecord } from '@seedsweep/store';
import { planSweep, type SweepDefinition, type Trial } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';
import { submitSweep } from './api-requests.js';
import type { BenchStack } from './bench-stack.js';
import type { BenchContext } from './context.js';

/**
 * How the trials are put on the queue: `fair`, through the API, with the fair-share priorities;
 * `fifo`, straight onto the queue without priorities, as the API did before fair share: first
 * in, first out, the baseline fair share is measured against.
 */
export type QueueOrder = 'fair' | 'fifo';

const POLL_MS = 200;
/** A run that has not ended by then is stuck: a worker that cannot train, say. */
const RUN_LIMIT_MS = 30 * 60_000;

/** The trials of a sweep's plan, in plan order, for the workers' trainer version. */
export function planTrials(definition: SweepDefinition): Trial[] {
  return planSweep(definition, { trainerVersion: TRAINER_VERSION }).trials;
}

/**
 * A benchmark's deployment as the fairness benchmark drives it: sweeps submitted in either
 * queue order, their trials' results polled from its Redis.
 */
export class FairnessDeployment {
  readonly redis: Redis;
  readonly store: SweepStore;
  readonly queue: TrialQueue;

  constructor(
    readonly stack: BenchStack,
    private readonly ctx: BenchContext,
  ) {
    this.redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    this.store = new SweepStore({ redis: this.redis });
    this.queue = createTrialQueue({ connection: this.redis, prefix: this.store.keys.prefix });
  }

  /** Every worker connected: the measure is of workers working, not of one starting. */
  async workersReady(workers: number): Promise<void> {
    while ((await this.queue.getWorkersCount()) < workers) {
      this.checkAborted();
      await sleep(100);
    }
  }

  /** Submits as `order` says: the sweep's id, and its trials in plan order. */
  async submit(
    definition: SweepDefinition,
    order: QueueOrder,
    apiKey?: string,
  ): Promise<{ id: string; trials: Trial[] }> {
    const trials = planTrials(definition);
    if (order === 'fair') {
      const answer = await submitSweep(
        this.stack.apiUrl,
        JSON.stringify(definition),
        'json',
        this.ctx.signal,
        apiKey,
      );
      return { id: answer.id, trials };
    }
    // What the API did before fair share: the sweep, then its trials without priorities.
    const id = `sw-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
    await this.store.createSweep(
      {
        id,
        name: definition.name,
        createdAt: new Date().toISOString(),
        definition,
        trainerVersion: TRAINER_VERSION,
        trials: trials.length,
        reused: 0,
        enqueued: 0,
      },
      trials,
    );
    const outcome = await new TrialEnqueuer(this.queue, this.store, this.redis).enqueue(trials);
    await this.store.recordEnqueued(id, {
      reused: outcome.reusedResults + outcome.alreadyQueued,
      enqueued: outcome.enqueued,
    });
    return { id, trials };
  }

  /** Polls the trials' results until `enough` says so; a failed trial ends the benchmark. */
  async resultsUntil(
    keys: string[],
    enough: (results: (TrialRecord | null)[]) => boolean,
  ): Promise<(TrialRecord | null)[]> {
    const deadline = Date.now() + RUN_LIMIT_MS;
    for (;;) {
      const outcomes = await this.store.getOutcomes(keys);
      const failed = outcomes.find((o) => o.failure);
      if (failed) throw new Error(`a trial failed: ${failureLine(failed.failure!)}`);
      const results = outcomes.map((o) => o.result);
      if (enough(results)) return results;
      this.checkAborted();
      if (Date.now() > deadline) {
        throw new Error(`the trials did not finish within ${RUN_LIMIT_MS / 60_000} min`);
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * Waits for the trials running now to finish, so that the training up to now is all in the
   * results, then reads the results of `keys`.
   */
  async settledResults(keys: string[]): Promise<(TrialRecord | null)[]> {
    const running = (await this.queue.getActive()).map((job) => job.data.key);
    await this.resultsUntil(running, (results) => results.every((r) => r !== null));
    return (await this.store.getOutcomes(keys)).map((o) => o.result);
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
    await this.stack.stop();
  }

  private checkAborted(): void {
    if (this.ctx.signal.aborted) throw new Error('interrupted');
  }
}

function failureLine(failure: TrialFailure): string {
  return `${failure.key.slice(0, 12)}: ${failure.message.split('\n')[0]}`;
}
