import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Why a service is not ready, or null when it is. */
export type ReadinessCheck = () => Promise<string | null>;

export interface HealthServerOptions {
  port: number;
  /** 0.0.0.0 in containers, where the probes come from outside. */
  host: string;
  ready: ReadinessCheck;
  /** A check that takes longer than this counts as not ready. */
  timeoutMs?: number;
}

/**
 * `GET /healthz`: 200 while the process answers at all (its event loop turns), for liveness
 * probes and the image's HEALTHCHECK. `GET /readyz`: 200 when `ready` finds nothing wrong, else
 * 503 with the reason, for readiness probes. Anything else: 404.
 */
export class HealthServer {
  private constructor(private readonly server: Server) {}

  static async start(options: HealthServerOptions): Promise<HealthServer> {
    const server = createServer((request, response) => {
      const answer = (status: number, body: Record<string, string>) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return answer(405, { status: 'method not allowed' });
      if (request.url === '/healthz') return answer(200, { status: 'ok' });
      if (request.url !== '/readyz') return answer(404, { status: 'not found' });
      void withTimeout(options.ready(), options.timeoutMs ?? 2_000).then(
        (reason) =>
          reason === null
            ? answer(200, { status: 'ready' })
            : answer(503, { status: 'not ready', reason }),
        (error: unknown) => answer(503, { status: 'not ready', reason: (error as Error).message }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new HealthServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
