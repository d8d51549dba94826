import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';

/** bull-board at /admin/queues: the trial queue's jobs, for operators. */
export async function adminPlugin(app: FastifyInstance): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath('/admin/queues');
  createBullBoard({
    queues: [new BullMQAdapter(app.seedsweep.queue, { readOnlyMode: false })],
    serverAdapter,
  });
  // bull-board answers errors itself, as a 500 with the message (and the stack trace when
  // NODE_ENV=development); rethrown, they reach the API's own handler and become problems.
  serverAdapter.setErrorHandler((error) => {
    throw error;
  });
  await app.register(serverAdapter.registerPlugin());
}
