import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialCanceller, TrialQueue } from '@seedsweep/queue';
import type { SweepStore } from '@seedsweep/store';
import type { GridCache } from './grid-cache.js';
import type { SweepPlanner } from './sweep-planner.js';
import type { SweepReader } from './sweep-reader.js';
import type { SweepSubmitter } from './sweep-submitter.js';

/** What the routes share, decorated onto the Fastify instance as `seedsweep`. */
export interface AppContext {
  redis: Redis;
  store: SweepStore;
  queue: TrialQueue;
  queueEvents: QueueEvents;
  submitter: SweepSubmitter;
  /** Dry runs of submissions: what a sweep would cost here, writing nothing. */
  planner: SweepPlanner;
  reader: SweepReader;
  grids: GridCache;
  canceller: TrialCanceller;
  maxBodyBytes: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    seedsweep: AppContext;
  }
}
