import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { SubmitResponse as ContractSubmitResponse } from '@seedsweep/api-contract';
import { FairShareSchedule, type EnqueueOutcome, type TrialEnqueuer } from '@seedsweep/queue';
import type { IdempotencyKeys, SweepAdmission, SweepStore } from '@seedsweep/store';
import {
  countTrials,
  parseSweepText,
  planSweep,
  SweepTooLargeError,
  type SweepDefinition,
  type SweepFormat,
  type SweepPlan,
  type Trial,
} from '@seedsweep/sweep-spec';
import { TRAINER_VERSION } from '@seedsweep/trainer/config';
import type { ApiKeyIdentity } from './auth/api-key-ring.js';
import { ApiError } from './errors/index.js';
import { assertPriorityAllowed } from './priority-permission.js';
import type { SubmissionQuotas } from './submission-quotas.js';
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
  /** The fair-share virtual time now (currentVirtualTime of the queue). */
  virtualTime: () => Promise<number>;
  /** The keys' quotas; null with authentication off, which has none. */
  quotas: SubmissionQuotas | null;
  /**
   * What a sweep would cost here, as its dry run says (SweepPlanner.summarise): its trials to
   * run and the upper estimate of their core-hours, which its key's quotas count.
   */
  estimate: (definition: SweepDefinition, plan: SweepPlan) => Promise<SweepAdmission>;
  /** How long a request waits for an earlier one with its Idempotency-Key; default 10 s. */
  idempotencyWaitMs?: number;
  /**
   * Trials enqueued before the answer; a larger sweep's rest is enqueued after it, in chunks of
   * this size, so that submitting 100,000 trials answers in seconds. Default 5,000.
   */
  enqueueWindow?: number;
}

/** How often a waiting request looks again whether the first one has finished. */
const IDEMPOTENCY_POLL_MS = 25;

/** What an Idempotency-Key is bound to: the body exactly as sent (after any decompression). */
export function requestFingerprint(format: SweepFormat, text: string): string {
  return createHash('sha256').update(format).update('\0').update(text).digest('hex');
}

/**
 * Validates, plans and enqueues a sweep. Everything that can be refused is refused before the
 * first write (and before an Idempotency-Key is claimed); a failure while enqueueing removes the
 * sweep again, so no half sweep is visible.
 */
export class SweepSubmitter {
  private readonly idempotencyWaitMs: number;
  /** Submissions still enqueueing after their answer; close() waits for them. */
  private readonly continuing = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly options: SweepSubmitterOptions) {
    this.idempotencyWaitMs = options.idempotencyWaitMs ?? 10_000;
  }

  /** `identity`: the API key submitting; null with authentication off. */
  async submit(
    text: string,
    format: SweepFormat,
    identity: ApiKeyIdentity | null,
    idempotencyKey?: string,
  ): Promise<SubmitOutcome> {
    const definition = this.validate(text, format, identity);
    if (idempotencyKey === undefined)
      return { response: await this.create(definition, identity), replayed: false };
    const fingerprint = requestFingerprint(format, text);
    const claim = await this.claim(idempotencyKey, fingerprint);
    if (claim.status === 'completed') {
      // Responses stored before `pending` existed had everything enqueued; before `retried`
      // and `failed`, none were counted.
      const stored = claim.response as Omit<SubmitResponse, 'pending' | 'retried' | 'failed'> &
        Partial<Pick<SubmitResponse, 'pending' | 'retried' | 'failed'>>;
      return {
        response: {
          ...stored,
          pending: stored.pending ?? 0,
          retried: stored.retried ?? 0,
          failed: stored.failed ?? 0,
        },
        replayed: true,
      };
    }
    let response: SubmitResponse;
    try {
      response = await this.create(definition, identity);
    } catch (error) {
      await this.options.idempotency.release(idempotencyKey).catch((releaseError: unknown) => {
        // The claim then expires by itself; until then retries wait for it and get a 409.
        this.options.log.warn({ err: releaseError }, 'could not release an Idempotency-Key');
      });
      throw error;
    }
    // The sweep exists and its trials are queued: answering with an error now would make the
    // client submit it again. A key left unrecorded expires like an abandoned claim.
    await this.options.idempotency
      .complete(idempotencyKey, fingerprint, response)
      .catch((error: unknown) => {
        this.options.log.warn(
          { err: error, sweepId: response.id },
          'could not record the response of an Idempotency-Key',
        );
      });
    return { response, replayed: false };
  }

  /**
   * Claims the key, or waits for the request that holds it: a client that retries while its
   * first request is still running (a timeout, a proxy's retry) gets the first request's answer
   * rather than an error. A 409 only when the first request takes longer than the wait.
   */
  private async claim(
    key: string,
    fingerprint: string,
  ): Promise<{ status: 'claimed' } | { status: 'completed'; response: unknown }> {
    const deadline = Date.now() + this.idempotencyWaitMs;
    for (;;) {
      const claim = await this.options.idempotency.claim(key, fingerprint);
      if (claim.status === 'claimed') return claim;
      if (claim.fingerprint !== fingerprint) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key ${key} was first used with a different sweep definition`,
        );
      }
      if (claim.status === 'completed') return claim;
      if (Date.now() >= deadline) {
        throw new ApiError(
          'IDEMPOTENCY_IN_PROGRESS',
          `the first request with Idempotency-Key ${key} is still running after ${this.idempotencyWaitMs / 1000} s; retry shortly`,
        );
      }
      await sleep(IDEMPOTENCY_POLL_MS);
    }
  }

  /** Parses and counts: every refusal that needs no Redis, in milliseconds, by arithmetic. */
  private validate(
    text: string,
    format: SweepFormat,
    identity: ApiKeyIdentity | null,
  ): SweepDefinition {
    const definition = parseSweepText(text, format, { maxBytes: this.options.maxBodyBytes });
    assertPriorityAllowed(definition, identity, text);
    const count = countTrials(definition);
    if (count.trials > this.options.maxTrials) {
      throw new SweepTooLargeError(
        count.trials,
        this.options.maxTrials,
        count.factors,
        count.formula,
      );
    }
    return definition;
  }

  private async create(
    definition: SweepDefinition,
    identity: ApiKeyIdentity | null,
  ): Promise<SubmitResponse> {
    const { store, enqueuer, log, quotas } = this.options;
    const plan = planSweep(definition, {
      maxTrials: this.options.maxTrials,
      trainerVersion: TRAINER_VERSION,
    });
    const id = newSweepId();
    const createdAt = new Date().toISOString();
    const virtualStart = await this.options.virtualTime();
    const schedule = new FairShareSchedule(
      { virtualStart, priority: definition.priority ?? 'normal' },
      plan.trials,
    );
    const owner = identity?.name ?? null;
    // Outside the key's lock: the estimate reads stored results, and depends on no other sweep.
    const admitted = quotas && identity ? await this.options.estimate(definition, plan) : null;
    const write = () =>
      store.createSweep(
        {
          id,
          name: definition.name,
          createdAt,
          definition,
          trainerVersion: TRAINER_VERSION,
          trials: plan.trials.length,
          reused: 0,
          enqueued: 0,
          virtualStart,
          owner,
          ...(admitted && { admitted }),
        },
        plan.trials,
      );
    if (quotas && identity && admitted) await quotas.admit(identity, admitted, write);
    else await write();
    const window = this.options.enqueueWindow ?? 5_000;
    const first = plan.trials.slice(0, window);
    const rest = plan.trials.slice(window);
    let outcome;
    try {
      outcome = await enqueuer.enqueue(first, undefined, { schedule, owner });
    } catch (error) {
      log.error({ err: error, sweepId: id }, 'enqueueing failed; removing the sweep');
      await this.remove(id);
      throw error;
    }
    if (rest.length > 0) this.continueInBackground(id, rest, outcome, schedule, owner);
    else await this.recordEnqueued(id, outcome);
    log.info(
      {
        sweepId: id,
        trials: plan.trials.length,
        ...outcome,
        pending: rest.length,
        ...(owner !== null && { owner, admitted }),
      },
      'sweep submitted',
    );
    return {
      id,
      name: definition.name,
      trials: plan.trials.length,
      reused: outcome.reusedResults + outcome.alreadyQueued,
      reusedResults: outcome.reusedResults,
      alreadyQueued: outcome.alreadyQueued,
      enqueued: outcome.enqueued,
      retried: outcome.retried,
      failed: outcome.keptFailures,
      pending: rest.length,
      createdAt,
    };
  }

  /** Waits for the submissions still enqueueing; those it cuts short the reconciler finishes. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.continuing);
  }

  /**
   * Enqueues the rest of a large sweep after its answer, a window at a time, stopping if the
   * sweep is cancelled or the API closes. The sweep counts as submitted only at the end; should
   * this process die first, the reconciler finishes it (SUBMISSION_GRACE_SECONDS).
   */
  private continueInBackground(
    id: string,
    rest: Trial[],
    first: EnqueueOutcome,
    schedule: FairShareSchedule,
    owner: string | null,
  ): void {
    const { store, enqueuer, log } = this.options;
    const window = this.options.enqueueWindow ?? 5_000;
    const run = async () => {
      const total = { ...first };
      for (let i = 0; i < rest.length; i += window) {
        if (this.closing || (await store.getSweep(id))?.lifecycle !== 'active') {
          log.info({ sweepId: id, left: rest.length - i }, 'enqueueing stopped before the end');
          return;
        }
        const outcome = await enqueuer.enqueue(rest.slice(i, i + window), undefined, {
          schedule,
          owner,
        });
        total.reusedResults += outcome.reusedResults;
        total.alreadyQueued += outcome.alreadyQueued;
        total.enqueued += outcome.enqueued;
        total.retried += outcome.retried;
        total.keptFailures += outcome.keptFailures;
      }
      await this.recordEnqueued(id, total);
      log.info({ sweepId: id, ...total }, 'sweep fully enqueued');
    };
    const running: Promise<void> = run()
      .catch((error: unknown) =>
        log.error({ err: error, sweepId: id }, 'enqueueing the rest failed; the reconciler will'),
      )
      .finally(() => this.continuing.delete(running));
    this.continuing.add(running);
  }

  private async recordEnqueued(id: string, outcome: EnqueueOutcome): Promise<void> {
    try {
      await this.options.store.recordEnqueued(id, {
        reused: outcome.reusedResults + outcome.alreadyQueued,
        enqueued: outcome.enqueued,
      });
    } catch (error) {
      // Every job is queued: the sweep is whole but for these counts, and the reconciler
      // records them once the sweep has been unrecorded for a while.
      this.options.log.warn({ err: error, sweepId: id }, 'could not record the enqueued counts');
    }
  }

  /** Removes a sweep whose jobs could not be enqueued; the enqueueing error is the answer. */
  private async remove(id: string): Promise<void> {
    try {
      await this.options.store.deleteSweep(id);
    } catch (error) {
      this.options.log.error(
        { err: error, sweepId: id },
        'could not remove the half-submitted sweep',
      );
    }
  }
}
