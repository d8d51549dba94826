import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { SubmitResponse as ContractSubmitResponse } from '@seedsweep/api-contract';
import type { TrialEnqueuer } from '@seedsweep/queue';
import type { IdempotencyKeys, SweepStore } from '@seedsweep/store';
import { parseSweepText, planSweep, type SweepFormat } from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer';
import { ApiError } from './errors/index.js';
import { newSweepId } from './sweep-id.js';

/** The answer to a submission, before the route adds its links. */
export type SubmitResponse = Omit<ContractSubmitResponse, 'links'>;

export interface SubmitOutcome {
  response: SubmitResponse;
  /** True when an earlier request with the same Idempotency-Key and body created the sweep. */
  replayed: boolean;
}

export interface SweepSubmitterOptions {
  store: SweepStore;
  enqueuer: TrialEnqueuer;
  idempotency: IdempotencyKeys;
  maxTrials: number;
  maxBodyBytes: number;
  log: FastifyBaseLogger;
}

/**
 * Validates, plans and enqueues a sweep. Everything that can be refused is refused before the
 * first write; a failure while enqueueing removes the sweep again, so no half sweep is visible.
 */
export class SweepSubmitter {
  constructor(private readonly options: SweepSubmitterOptions) {}

  async submit(text: string, format: SweepFormat, idempotencyKey?: string): Promise<SubmitOutcome> {
    if (idempotencyKey === undefined)
      return { response: await this.create(text, format), replayed: false };
    const fingerprint = createHash('sha256').update(format).update('\0').update(text).digest('hex');
    const claim = await this.options.idempotency.claim(idempotencyKey, fingerprint);
    if (claim.status !== 'claimed') {
      if (claim.fingerprint !== fingerprint) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key ${idempotencyKey} was first used with a different sweep definition`,
        );
      }
      if (claim.status === 'in-progress') {
        throw new ApiError(
          'IDEMPOTENCY_IN_PROGRESS',
          `the first request with Idempotency-Key ${idempotencyKey} is still running; retry shortly`,
        );
      }
      return { response: claim.response as SubmitResponse, replayed: true };
    }
    try {
      const response = await this.create(text, format);
      await this.options.idempotency.complete(idempotencyKey, fingerprint, response);
      return { response, replayed: false };
    } catch (error) {
      await this.options.idempotency.release(idempotencyKey);
      throw error;
    }
  }

  private async create(text: string, format: SweepFormat): Promise<SubmitResponse> {
    const { store, enqueuer, log } = this.options;
    const definition = parseSweepText(text, format, { maxBytes: this.options.maxBodyBytes });
    const plan = planSweep(definition, {
      maxTrials: this.options.maxTrials,
      trainerVersion: TRAINER_VERSION,
    });
    const id = newSweepId();
    const createdAt = new Date().toISOString();
    await store.createSweep(
      {
        id,
        name: definition.name,
        createdAt,
        definition,
        trainerVersion: TRAINER_VERSION,
        trials: plan.trials.length,
        reused: 0,
        enqueued: 0,
      },
      plan.trials,
    );
    let outcome;
    try {
      outcome = await enqueuer.enqueue(plan.trials);
    } catch (error) {
      log.error({ err: error, sweepId: id }, 'enqueueing failed; removing the sweep');
      await store.deleteSweep(id);
      throw error;
    }
    const reused = outcome.reusedResults + outcome.alreadyQueued;
    await store.recordEnqueued(id, { reused, enqueued: outcome.enqueued });
    log.info({ sweepId: id, trials: plan.trials.length, ...outcome }, 'sweep submitted');
    return {
      id,
      name: definition.name,
      trials: plan.trials.length,
      reused,
      reusedResults: outcome.reusedResults,
      alreadyQueued: outcome.alreadyQueued,
      enqueued: outcome.enqueued,
      createdAt,
    };
  }
}
