import type { Redis } from 'ioredis';
import { StoreError } from './errors/store-error.js';
import type { StoreEvent } from './store-event.js';
import { StoreKeys } from './store-keys.js';
import type { NewSweep, StoredGrid, SweepRecord } from './sweep-record.js';
import {
  summarise,
  type TrialFailure,
  type TrialRecord,
  type TrialSummary,
} from './trial-record.js';
import {
  CANCEL_SWEEP_SCRIPT,
  CLEAR_FAILURE_SCRIPT,
  WRITE_FAILURE_SCRIPT,
  WRITE_RESULT_SCRIPT,
} from './store-scripts.js';

export interface SweepStoreOptions {
  /** Passed in, never created here, so tests and services own its lifecycle. */
  redis: Redis;
  /** Default `seedsweep`. */
  prefix?: string;
  /** Approximate cap of the events stream; results themselves are never trimmed. */
  eventsMaxLength?: number;
}

export interface StoreCounters {
  results: number;
  duplicateResults: number;
  failures: number;
  /** Training time of every result written, summed. */
  trainingMs: number;
  /** Epochs trained (derived results trained none, resumed ones those after their checkpoint). */
  epochs: number;
  /** Results taken from their baseline without training (see the trainer's matchesBaseline). */
  derivedResults: number;
  /** Results trained from a baseline's checkpoint, from the epoch of their first possible firing. */
  resumedResults: number;
  /** Results written by an import (trained elsewhere); in `results`, not in the training counts. */
  importedResults: number;
}

/** A trial as statuses and grids see it: its summary once done, its failure if it failed. */
export interface TrialState {
  summary: TrialSummary | null;
  failure: TrialFailure | null;
}

/** Pipelines and transactions are cut into batches of this many commands. */
const BATCH = 1000;

/**
 * Sweeps, trial specs, results and failures in Redis. Results are write-once and keyed by content,
 * so they outlive the sweeps that asked for them and serve every later sweep that needs them.
 */
export class SweepStore {
  readonly keys: StoreKeys;
  private readonly redis: Redis;
  private readonly eventsMaxLength: number;

  constructor(options: SweepStoreOptions) {
    this.redis = options.redis;
    this.keys = new StoreKeys(options.prefix ?? 'seedsweep');
    this.eventsMaxLength = options.eventsMaxLength ?? 1_000_000;
  }

  /**
   * Writes the sweep, its trial list and the trials' membership in one MULTI: a
   * reader sees all of it or none of it.
   */
  async createSweep(sweep: NewSweep, trials: readonly { key: string }[]): Promise<void> {
    const record: SweepRecord = {
      ...sweep,
      lifecycle: 'active',
      cancelledAt: null,
      submitted: false,
    };
    const multi = this.redis.multi();
    multi.hsetnx(this.keys.sweep(sweep.id), 'record', JSON.stringify(record));
    multi.hset(this.keys.sweep(sweep.id), 'lifecycle', 'active');
    if (sweep.owner) {
      // Beside the record, so that a key's usage reads a few fields, not every definition.
      multi.hset(
        this.keys.sweep(sweep.id),
        'owner',
        sweep.owner,
        'admittedTrials',
        String(sweep.admitted?.trials ?? sweep.trials),
        'admittedCoreHours',
        String(sweep.admitted?.coreHours ?? 0),
      );
      multi.sadd(this.keys.ownerSweeps(sweep.owner), sweep.id);
    }
    multi.zadd(this.keys.sweeps, Date.parse(sweep.createdAt), sweep.id);
    // Tells the aggregator there is a new sweep to draw, before any of its results arrive.
    multi.xadd(
      this.keys.events,
      'MAXLEN',
      '~',
      String(this.eventsMaxLength),
      '*',
      'type',
      'sweep',
      'key',
      sweep.id,
    );
    for (let i = 0; i < trials.length; i += BATCH) {
      const batch = trials.slice(i, i + BATCH);
      multi.rpush(this.keys.sweepTrials(sweep.id), ...batch.map((t) => t.key));
    }
    // Specs are not stored: the sweep's definition plans them again (PlanCache), and 100,000 of
    // them would be tens of megabytes written on the path of the answer.
    for (const trial of trials) multi.sadd(this.keys.trialSweeps(trial.key), sweep.id);
    const replies = await multi.exec();
    if (replies?.[0]?.[1] === 0) {
      throw new StoreError('SWEEP_EXISTS', `sweep ${sweep.id} already exists`, {
        key: this.keys.sweep(sweep.id),
      });
    }
  }

  /**
   * Removes a sweep whose jobs could not be enqueued, so no half-submitted sweep remains. A
   * pipeline, not a MULTI: the likeliest reason to be here is a full Redis, which refuses a
   * MULTI as a whole but lets DEL, SREM and ZREM through one by one (they free memory). The
   * sweep leaves the list first, so a reader never finds it half removed.
   */
  async deleteSweep(id: string): Promise<void> {
    const keys = await this.sweepTrialKeys(id);
    const owner = await this.redis.hget(this.keys.sweep(id), 'owner');
    const pipeline = this.redis.pipeline();
    pipeline.zrem(this.keys.sweeps, id);
    if (owner) pipeline.srem(this.keys.ownerSweeps(owner), id);
    pipeline.del(this.keys.sweep(id), this.keys.sweepTrials(id), this.keys.sweepGrid(id));
    for (const key of keys) pipeline.srem(this.keys.trialSweeps(key), id);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  async getSweep(id: string): Promise<SweepRecord | null> {
    const [record, lifecycle, cancelledAt, reused, enqueued] = await this.redis.hmget(
      this.keys.sweep(id),
      'record',
      'lifecycle',
      'cancelledAt',
      'reused',
      'enqueued',
    );
    if (!record) return null;
    const parsed = this.parse<SweepRecord>(record, this.keys.sweep(id));
    return {
      ...parsed,
      reused: reused === null ? parsed.reused : Number(reused),
      enqueued: enqueued === null ? parsed.enqueued : Number(enqueued),
      lifecycle: lifecycle === 'cancelled' ? 'cancelled' : 'active',
      cancelledAt: cancelledAt ?? null,
      submitted: enqueued !== null,
    };
  }

  /** What the submission found already done and what it enqueued, known once jobs are added. */
  async recordEnqueued(id: string, counts: { reused: number; enqueued: number }): Promise<void> {
    await this.redis.hset(
      this.keys.sweep(id),
      'reused',
      String(counts.reused),
      'enqueued',
      String(counts.enqueued),
    );
  }

  /** Newest first. */
  async listSweeps(options: { offset?: number; limit?: number } = {}): Promise<SweepRecord[]> {
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 100;
    const ids = await this.redis.zrevrange(this.keys.sweeps, offset, offset + limit - 1);
    const sweeps = await Promise.all(ids.map((id) => this.getSweep(id)));
    return sweeps.filter((s): s is SweepRecord => s !== null);
  }

  async countSweeps(): Promise<number> {
    return this.redis.zcard(this.keys.sweeps);
  }

  /** Marks the sweep cancelled; false if it was already cancelled or does not exist. */
  async cancelSweep(id: string, at = new Date()): Promise<boolean> {
    const cancelled = await this.redis.eval(
      CANCEL_SWEEP_SCRIPT,
      1,
      this.keys.sweep(id),
      at.toISOString(),
    );
    return cancelled === 1;
  }

  /** The sweep's unique trial keys, in enqueue order. */
  async sweepTrialKeys(id: string): Promise<string[]> {
    return this.redis.lrange(this.keys.sweepTrials(id), 0, -1);
  }

  /** For each key, whether a sweep that is not cancelled includes it; batched for big sweeps. */
  async neededByLiveSweeps(keys: string[]): Promise<boolean[]> {
    const memberships: string[][] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const pipeline = this.redis.pipeline();
      for (const key of keys.slice(i, i + BATCH)) pipeline.smembers(this.keys.trialSweeps(key));
      for (const [error, ids] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        memberships.push(ids as string[]);
      }
    }
    const ids = [...new Set(memberships.flat())];
    const lifecycles = ids.length > 0 ? await this.lifecycles(ids) : [];
    const live = new Set(ids.filter((_, i) => lifecycles[i] === 'active'));
    return memberships.map((sweeps) => sweeps.some((id) => live.has(id)));
  }

  private async lifecycles(ids: string[]): Promise<(string | null)[]> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.sweep(id), 'lifecycle');
    return ((await pipeline.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value as string | null;
    });
  }

  async sweepsOf(key: string): Promise<string[]> {
    return this.redis.smembers(this.keys.trialSweeps(key));
  }

  /** Writes the result unless one exists; true when this call wrote it. */
  async writeResult(record: TrialRecord): Promise<boolean> {
    const written = await this.redis.eval(...this.resultWrite(record, false));
    return written === 1;
  }

  /**
   * Writes results another deployment trained (an import), each unless one exists, in the order
   * given; true where this call wrote it. They are written as a worker's are (summary, event,
   * the `results` counter), so statuses, grids and later sweeps see them alike, but they count
   * as imported, not as training done here.
   */
  async importResults(records: readonly TrialRecord[]): Promise<boolean[]> {
    const written: boolean[] = [];
    for (let i = 0; i < records.length; i += BATCH) {
      const pipeline = this.redis.pipeline();
      for (const record of records.slice(i, i + BATCH)) {
        pipeline.eval(...this.resultWrite(record, true));
      }
      for (const [error, value] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        written.push(value === 1);
      }
    }
    return written;
  }

  private resultWrite(record: TrialRecord, imported: boolean) {
    return [
      WRITE_RESULT_SCRIPT,
      3,
      this.keys.trial(record.key),
      this.keys.events,
      this.keys.counters,
      JSON.stringify(record),
      record.key,
      String(this.eventsMaxLength),
      JSON.stringify(summarise(record)),
      String(Math.round(record.durationMs)),
      String(record.derivedFrom ? 0 : record.epochsRun - (record.resumedFrom?.epoch ?? 0)),
      record.derivedFrom ? '1' : '0',
      record.resumedFrom ? '1' : '0',
      imported ? '1' : '0',
    ] as const;
  }

  /** Records a final failure unless a result exists; true when this call recorded it. */
  async writeFailure(failure: TrialFailure): Promise<boolean> {
    const written = await this.redis.eval(
      WRITE_FAILURE_SCRIPT,
      3,
      this.keys.trial(failure.key),
      this.keys.events,
      this.keys.counters,
      JSON.stringify(failure),
      failure.key,
      String(this.eventsMaxLength),
    );
    return written === 1;
  }

  /**
   * Clears the failures of trials about to be retried (each kept as `lastFailure`), so they
   * count as unfinished again; how many had one.
   */
  async clearFailures(keys: readonly string[]): Promise<number> {
    let cleared = 0;
    for (let i = 0; i < keys.length; i += BATCH) {
      const pipeline = this.redis.pipeline();
      for (const key of keys.slice(i, i + BATCH)) {
        pipeline.eval(CLEAR_FAILURE_SCRIPT, 1, this.keys.trial(key));
      }
      for (const [error, value] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        if (value === 1) cleared += 1;
      }
    }
    return cleared;
  }

  async hasResult(key: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.trial(key), 'result')) === 1;
  }

  async getResult(key: string): Promise<TrialRecord | null> {
    const result = await this.redis.hget(this.keys.trial(key), 'result');
    return result ? this.parse<TrialRecord>(result, this.keys.trial(key)) : null;
  }

  /** Results and failures of many trials, in the order of `keys`, a pipeline per batch. */
  async getOutcomes(
    keys: string[],
  ): Promise<{ result: TrialRecord | null; failure: TrialFailure | null }[]> {
    const outcomes: { result: TrialRecord | null; failure: TrialFailure | null }[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const pipeline = this.redis.pipeline();
      for (const key of batch) pipeline.hmget(this.keys.trial(key), 'result', 'failure');
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, value], j) => {
        if (error) throw error;
        const [result, failure] = value as [string | null, string | null];
        const where = this.keys.trial(batch[j]!);
        outcomes.push({
          result: result ? this.parse<TrialRecord>(result, where) : null,
          failure: failure ? this.parse<TrialFailure>(failure, where) : null,
        });
      });
    }
    return outcomes;
  }

  /** Summaries and failures of many trials, in the order of `keys`: cheap enough for polling. */
  async getStates(keys: string[]): Promise<TrialState[]> {
    const states: TrialState[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const pipeline = this.redis.pipeline();
      for (const key of batch) pipeline.hmget(this.keys.trial(key), 'summary', 'failure');
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, value], j) => {
        if (error) throw error;
        const [summary, failure] = value as [string | null, string | null];
        const where = this.keys.trial(batch[j]!);
        states.push({
          summary: summary ? this.parse<TrialSummary>(summary, where) : null,
          failure: failure ? this.parse<TrialFailure>(failure, where) : null,
        });
      });
    }
    return states;
  }

  /** Which of `keys` already have a result, in order. */
  async resultsPresent(keys: string[]): Promise<boolean[]> {
    const present: boolean[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const pipeline = this.redis.pipeline();
      for (const key of keys.slice(i, i + BATCH)) pipeline.hexists(this.keys.trial(key), 'result');
      const replies = (await pipeline.exec()) ?? [];
      for (const [error, value] of replies) {
        if (error) throw error;
        present.push(value === 1);
      }
    }
    return present;
  }

  /** The aggregator's latest grid of a sweep (the store does not look inside `grid`). */
  async saveGrid<G>(stored: StoredGrid<G>): Promise<void> {
    await this.redis.set(this.keys.sweepGrid(stored.sweepId), JSON.stringify(stored));
  }

  /** The stored grid as its JSON text, for a reader that passes it on without looking inside. */
  async getGridJson(id: string): Promise<string | null> {
    return this.redis.get(this.keys.sweepGrid(id));
  }

  async getGrid<G>(id: string): Promise<StoredGrid<G> | null> {
    const grid = await this.redis.get(this.keys.sweepGrid(id));
    return grid ? this.parse<StoredGrid<G>>(grid, this.keys.sweepGrid(id)) : null;
  }

  /** The id of the newest event, or '0-0': start following there to miss nothing after now. */
  async lastEventId(): Promise<string> {
    const newest = await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1);
    return newest[0]?.[0] ?? '0-0';
  }

  /**
   * Events after `afterId`. With `blockMs`, waits that long for one to arrive; the client is then
   * blocked, so pass a connection reserved for reading.
   */
  async readEvents(
    afterId: string,
    options: { count?: number; blockMs?: number; redis?: Redis } = {},
  ): Promise<StoreEvent[]> {
    const redis = options.redis ?? this.redis;
    const count = options.count ?? 1000;
    const reply =
      options.blockMs === undefined
        ? await redis.xread('COUNT', count, 'STREAMS', this.keys.events, afterId)
        : await redis.xread(
            'COUNT',
            count,
            'BLOCK',
            options.blockMs,
            'STREAMS',
            this.keys.events,
            afterId,
          );
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
      return {
        id,
        type: eventType(map.get('type')),
        key: map.get('key') ?? '',
      };
    });
  }

  async counters(): Promise<StoreCounters> {
    const values = await this.redis.hgetall(this.keys.counters);
    return {
      results: Number(values.results ?? 0),
      duplicateResults: Number(values.duplicateResults ?? 0),
      failures: Number(values.failures ?? 0),
      trainingMs: Number(values.trainingMs ?? 0),
      epochs: Number(values.epochs ?? 0),
      derivedResults: Number(values.derivedResults ?? 0),
      resumedResults: Number(values.resumedResults ?? 0),
      importedResults: Number(values.importedResults ?? 0),
    };
  }

  private parse<T>(json: string, key: string): T {
    try {
      return JSON.parse(json) as T;
    } catch {
      throw new StoreError('CORRUPT_RECORD', `${key} does not hold valid JSON`, { key });
    }
  }
}

function eventType(type: string | undefined): StoreEvent['type'] {
  return type === 'failure' || type === 'sweep' ? type : 'result';
}
