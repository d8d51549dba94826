import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { buildSweepGrid, type SweepGrid } from '@seedsweep/stats';
import { PlanCache, type StoredGrid, type SweepStore, type TrialSummary } from '@seedsweep/store';

export interface GridAggregatorOptions {
  store: SweepStore;
  /** A connection of its own: following the events stream blocks it. */
  reader: Redis;
  log: Logger;
  debounceMs?: number;
  /** How long one blocking read waits; bounds how long close() takes. */
  blockMs?: number;
}

/**
 * Keeps every sweep's grid current. At start-up it notes the events stream's position, then
 * rebuilds every sweep from the stored results, then follows the stream from the noted position:
 * a restart or a missed event loses nothing, and a grid depends on the stored results only.
 * Emits `updated` with each grid it saves.
 */
export class GridAggregator extends EventEmitter<{ updated: [StoredGrid<SweepGrid>] }> {
  private readonly plans = new PlanCache(64);
  /** Summaries of finished trials seen so far; results are write-once, so they never go stale. */
  private readonly summaries = new Map<string, TrialSummary>();
  private closed = false;
  private following: Promise<void> | undefined;

  constructor(private readonly options: GridAggregatorOptions) {
    super();
  }

  /** Rebuilds all grids, then follows new events until close(). Resolves once rebuilt. */
  async start(): Promise<void> {
    const from = await this.options.store.lastEventId();
    const ids = await this.allSweepIds();
    for (const id of ids) await this.rebuild(id);
    this.options.log.info({ sweeps: ids.length }, 'grids rebuilt from stored results');
    this.following = this.follow(from);
  }

  /**
   * Forgets what it has seen and rebuilds every grid from the store: after Redis came back from
   * a crash, results it had seen may be gone (their trials run again and write them anew).
   */
  async resync(): Promise<void> {
    this.summaries.clear();
    const ids = await this.allSweepIds();
    for (const id of ids) await this.rebuild(id);
    this.options.log.info({ sweeps: ids.length }, 'grids rebuilt after Redis came back');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.following;
  }

  /** Recomputes one sweep's grid from the store and saves it; null if the sweep is gone. */
  async rebuild(sweepId: string): Promise<StoredGrid<SweepGrid> | null> {
    const { store } = this.options;
    const sweep = await store.getSweep(sweepId);
    if (!sweep) return null;
    const plan = this.plans.get(sweep);
    const keys = plan.trials.map((t) => t.key).filter((key) => !this.summaries.has(key));
    const states = await store.getStates(keys);
    keys.forEach((key, i) => {
      const summary = states[i]?.summary;
      if (summary) this.summaries.set(key, summary);
    });
    const grid = buildSweepGrid(plan, (key) => this.summaries.get(key), {
      margin: sweep.definition.analysis.failureMargin,
    });
    const stored: StoredGrid<SweepGrid> = { sweepId, updatedAt: new Date().toISOString(), grid };
    await store.saveGrid(stored);
    this.emit('updated', stored);
    return stored;
  }

  private async follow(from: string): Promise<void> {
    const { store, reader, log } = this.options;
    let lastId = from;
    while (!this.closed) {
      try {
        const events = await store.readEvents(lastId, {
          blockMs: this.options.blockMs ?? 2_000,
          redis: reader,
        });
        if (events.length === 0) continue;
        lastId = events.at(-1)!.id;
        const dirty = new Set<string>();
        for (const event of events) {
          if (event.type === 'sweep') dirty.add(event.key);
          else for (const id of await store.sweepsOf(event.key)) dirty.add(id);
        }
        // Let a burst of results land, then draw each touched sweep once.
        if (this.options.debounceMs) await sleep(this.options.debounceMs);
        for (const id of dirty) await this.rebuild(id);
        log.debug({ events: events.length, sweeps: dirty.size }, 'grids updated');
      } catch (error) {
        if (this.closed) break;
        log.error({ err: error }, 'following results failed; retrying');
        await sleep(1_000);
      }
    }
  }

  private async allSweepIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.options.store.listSweeps({ offset, limit: 500 });
      ids.push(...page.map((s) => s.id));
      if (page.length < 500) return ids;
    }
  }
}
