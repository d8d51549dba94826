import { Worker, type Job } from 'bullmq';

/**
 * A BullMQ Worker that knows which jobs it holds: taken and not yet handed back to Redis
 * (completed, failed, or delayed: a RandomOut trial waiting for its baseline, a trial whose key
 * is at its worker limit). BullMQ emits no event for a job its processor delayed, so events
 * alone would keep such a job as held for ever; processJob spans exactly the holding.
 */
export class TrackedWorker<DataType, ResultType> extends Worker<DataType, ResultType> {
  private readonly held = new Set<string>();

  override async processJob(
    job: Job<DataType, ResultType>,
    token: string,
    fetchNextCallback?: () => boolean,
  ): Promise<void | Job<DataType, ResultType>> {
    const id = job.id;
    if (id) this.held.add(id);
    try {
      return await super.processJob(job, token, fetchNextCallback);
    } finally {
      if (id) this.held.delete(id);
    }
  }

  /** Job ids taken and not yet handed back to Redis. */
  heldJobs(): string[] {
    return [...this.held];
  }
}
