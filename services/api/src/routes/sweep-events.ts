import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { describeTrial, type TrialSpec } from '@seedsweep/sweep-spec';
import type { EndEvent, ProgressEvent, TrialEvent } from '@seedsweep/api-contract';
import { describeFailure, type StoreEvent, type SweepRecord } from '@seedsweep/store';
import type { AppContext } from '../app-context.js';
import { sweepParams } from './sweep-params.js';

const HEARTBEAT_MS = 15_000;
const STATUS_EVERY_MS = 5_000;
const FINAL_STATES = new Set(['done', 'failed', 'cancelled']);

/**
 * Server-sent events: `status` first and after every finished trial, `trial` as each trial of the
 * sweep finishes or fails, `progress` per epoch of its running trials, `end` once it is over.
 */
export async function sweepEventRoutes(parent: FastifyInstance): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  // Open streams would hold app.close() (and so a SIGTERM) until their sweeps end: end them first.
  const open = new Set<SweepEventStream>();
  app.addHook('preClose', async () => {
    for (const stream of open) stream.close();
  });
  app.get(
    '/v1/sweeps/:id/events',
    {
      schema: {
        tags: ['sweeps'],
        summary:
          'Server-sent events: status, trial (finished or failed), progress (per epoch), end',
        params: sweepParams,
      },
    },
    async (request, reply) => {
      const sweep = await app.seedsweep.reader.sweep(request.params.id);
      reply.hijack();
      const stream = new SweepEventStream(app.seedsweep, sweep, reply.raw);
      open.add(stream);
      request.raw.on('close', () => stream.close());
      await stream
        .run()
        .catch((error: unknown) => {
          request.log.warn({ err: error, sweepId: sweep.id }, 'event stream ended with an error');
          stream.close();
        })
        .finally(() => open.delete(stream));
    },
  );
}

class SweepEventStream {
  private closed = false;
  private readonly reader: Redis;
  /** This sweep's trials by key, from its plan: what the events are filtered and labelled by. */
  private specs = new Map<string, TrialSpec>();
  /** The last entry of the events stream this client has seen. */
  private lastId = '0-0';
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
    const key = jobId.startsWith('t-') ? jobId.slice(2) : '';
    const spec = this.specs.get(key);
    // The label travels with every event: a client that joined after the trial started has
    // seen no status that names it.
    if (spec) {
      const progress = data as Omit<ProgressEvent, 'key' | 'label'>;
      this.send('progress', { key, label: describeTrial(spec), ...progress });
    }
  };

  constructor(
    private readonly context: AppContext,
    private sweep: SweepRecord,
    private readonly raw: ServerResponse,
  ) {
    this.reader = context.redis.duplicate();
  }

  async run(): Promise<void> {
    const { store, queueEvents } = this.context;
    this.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Read the stream position before the status, so no event between the two is lost.
    this.lastId = await store.lastEventId();
    this.specs = new Map(this.context.reader.plan(this.sweep).trials.map((t) => [t.key, t.spec]));
    if (await this.sendStatus()) return;
    queueEvents.on('progress', this.onProgress);
    this.heartbeat = setInterval(() => this.raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    let statusAt = Date.now();
    while (!this.closed) {
      const { sent } = await this.sendTrials(5_000);
      // After its own trials, and every few seconds anyway: a cancellation writes no event.
      if (sent > 0 || Date.now() - statusAt >= STATUS_EVERY_MS) {
        this.sweep = (await store.getSweep(this.sweep.id)) ?? this.sweep;
        statusAt = Date.now();
        if (await this.sendStatus()) return;
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.context.queueEvents.off('progress', this.onProgress);
    this.reader.disconnect();
    if (!this.raw.writableEnded) this.raw.end();
  }

  /**
   * Sends the status; once the sweep is over, first the trial events still unread (the status
   * may already count trials whose events came after the last read), then `end`, and closes.
   */
  private async sendStatus(): Promise<boolean> {
    const status = await this.context.reader.status(this.sweep);
    if (!FINAL_STATES.has(status.state)) {
      this.send('status', status);
      return false;
    }
    while ((await this.sendTrials()).read > 0);
    this.send('status', status);
    this.send('end', { state: status.state } as EndEvent);
    this.close();
    return true;
  }

  /** Reads the next events (waiting up to `blockMs`) and sends this sweep's. */
  private async sendTrials(blockMs?: number): Promise<{ read: number; sent: number }> {
    const events = await this.context.store.readEvents(this.lastId, {
      redis: this.reader,
      ...(blockMs !== undefined && { blockMs }),
    });
    this.lastId = events.at(-1)?.id ?? this.lastId;
    const mine = events.filter((e) => e.type !== 'sweep' && this.specs.has(e.key));
    for (const event of mine) await this.sendTrial(event);
    return { read: events.length, sent: mine.length };
  }

  private async sendTrial(event: StoreEvent): Promise<void> {
    const { store } = this.context;
    const spec = this.specs.get(event.key);
    const label = spec ? describeTrial(spec) : event.key;
    if (event.type === 'result') {
      const result = await store.getResult(event.key);
      this.send('trial', {
        key: event.key,
        label,
        state: 'done',
        testAccuracy: result?.testAccuracy ?? null,
        diverged: result?.diverged ?? null,
        durationMs: result?.durationMs ?? null,
      } satisfies TrialEvent);
    } else {
      const [state] = await store.getStates([event.key]);
      // Read after the event: a retry may have cleared the failure since; its reason is gone.
      const described = state?.failure ? describeFailure(state.failure) : null;
      this.send('trial', {
        key: event.key,
        label,
        state: 'failed',
        ...(described && {
          failureClass: described.failureClass,
          code: described.code,
          reason: described.reason,
          fix: described.fix,
        }),
      } satisfies TrialEvent);
    }
  }

  private send(event: string, data: unknown): void {
    if (this.closed || this.raw.writableEnded) return;
    this.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
