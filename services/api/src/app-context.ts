import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialCanceller, TrialQueue } from '@seedsweep/queue';
import type { SweepStore } from '@seedsweep/store';
import type { ApiKeyRing } from './auth/api-key-ring.js';
import type { GridCache } from './grid-cache.js';
import type { SubmissionQuotas } from './submission-quotas.js';
import type { SweepPlanner } from './sweep-planner.js';
import type { SweepReader } from './sweep-reader.js';
import type { SweepSubmitter } from './sweep-submitter.js';

/** What the routes share, decorated onto the Fastify instance as `seedsweep`. */
export interface AppContext {
  redis: Redis;
  store: SweepStore;
  queue: TrialQueue;
  queueEvents: QueueEvents;
  /** The API keys; null with authentication off. */
  keys: ApiKeyRing | null;
  /** The keys' quotas; null with authentication off, which has none. */
  quotas: SubmissionQuotas | null;
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
