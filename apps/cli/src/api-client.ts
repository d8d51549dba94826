import {
  ApiProblemError,
  ApiTimeoutError,
  ApiUnreachableError,
  keyProblem,
  type ApiClientError,
} from './api-errors.js';
import type {
  CancelResponse,
  ImportResponse,
  PlanResponse,
  Problem,
  RetryResponse,
  StoredGrid,
  SubmitResponse,
  SweepList,
  SweepStatus,
} from './api-types.js';
import type { CommandContext } from './command.js';
import { InterruptedError } from './interrupted-error.js';
import { SseParser, type SseEvent } from './sse-parser.js';

export type SweepFormat = 'yaml' | 'json';

export interface ApiClientOptions {
  /** SEEDSWEEP_URL without a trailing slash. */
  baseUrl: string;
  /** Ctrl-C: aborts whatever request is in flight. */
  signal: AbortSignal;
  /** How long a request may take until its answer is read; default 30 s. */
  timeoutMs?: number;
  /** SEEDSWEEP_API_KEY: sent as `Authorization: Bearer <key>` with every request. */
  apiKey?: string | undefined;
}

export interface TrialPage {
  sweepId: string;
  total: number;
  offset: number;
  limit: number;
  trials: Record<string, unknown>[];
}

const CONTENT_TYPES: Record<SweepFormat, string> = {
  yaml: 'application/yaml',
  json: 'application/json',
};

/**
 * Every HTTP call of the CLI. Failures come out typed: ApiProblemError for an error answer,
 * ApiUnreachableError when nothing answers, ApiTimeoutError when the answer is too slow,
 * InterruptedError on Ctrl-C.
 */
export class ApiClient {
  private readonly timeoutMs: number;

  /** The API a command talks to: SEEDSWEEP_URL, with SEEDSWEEP_API_KEY, stopped by Ctrl-C. */
  static forCommand(ctx: CommandContext): ApiClient {
    return new ApiClient({ baseUrl: ctx.env.apiUrl, apiKey: ctx.env.apiKey, signal: ctx.signal });
  }

  constructor(private readonly options: ApiClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async submit(
    text: string,
    format: SweepFormat,
    idempotencyKey?: string,
  ): Promise<{ response: SubmitResponse; replayed: boolean }> {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[format] };
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    return this.call('/v1/sweeps', { method: 'POST', headers, body: text }, async (res) => ({
      response: (await res.json()) as SubmitResponse,
      replayed: res.headers.get('idempotent-replayed') === 'true',
    }));
  }

  /** A dry run of submit: what the sweep would cost at this API; nothing is written. */
  plan(
    text: string,
    format: SweepFormat,
    options: { workers?: number | undefined; concurrency?: number | undefined } = {},
  ): Promise<PlanResponse> {
    const query = new URLSearchParams({ dryRun: 'true' });
    if (options.workers !== undefined) query.set('workers', String(options.workers));
    if (options.concurrency !== undefined) query.set('concurrency', String(options.concurrency));
    return this.json(`/v1/sweeps?${query}`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPES[format] },
      body: text,
    });
  }

  listSweeps(offset: number, limit: number): Promise<SweepList> {
    return this.json(`/v1/sweeps?offset=${offset}&limit=${limit}`);
  }

  sweep(id: string): Promise<SweepStatus> {
    return this.json(`/v1/sweeps/${id}`);
  }

  cancel(id: string): Promise<CancelResponse> {
    return this.json(`/v1/sweeps/${id}`, { method: 'DELETE' });
  }

  /** Runs the sweep's failed trials again, of either class. */
  retry(id: string): Promise<RetryResponse> {
    return this.json(`/v1/sweeps/${id}/retry`, { method: 'POST' });
  }

  grid(id: string): Promise<StoredGrid> {
    return this.json(`/v1/sweeps/${id}/grid`);
  }

  /** A figure as SVG text: `grid.svg`, or `seeds.svg?group=..&tau=..&p=..`. */
  figure(id: string, file: string): Promise<string> {
    return this.call(`/v1/sweeps/${id}/${file}`, {}, (res) => res.text());
  }

  /** A figure as PNG: `grid.png`, or `seeds.png?group=..&tau=..&p=..`. */
  figurePng(id: string, file: string): Promise<Uint8Array> {
    return this.call(
      `/v1/sweeps/${id}/${file}`,
      {},
      async (res) => new Uint8Array(await res.arrayBuffer()),
    );
  }

  trialPage(id: string, offset: number, limit: number): Promise<TrialPage> {
    return this.json(`/v1/sweeps/${id}/trials?format=json&offset=${offset}&limit=${limit}`);
  }

  /** The trials as CSV, chunk by chunk: a big sweep is never held in memory. */
  async *trialsCsv(id: string): AsyncGenerator<Uint8Array> {
    const { response, abort, controller } = await this.open(`/v1/sweeps/${id}/trials?format=csv`);
    try {
      yield* this.chunks(response, abort, controller);
    } finally {
      abort();
    }
  }

  /** The sweep's records file (gzip), chunk by chunk, as the API wrote it. */
  async *recordsFile(id: string): AsyncGenerator<Uint8Array> {
    const { response, abort, controller } = await this.open(`/v1/sweeps/${id}/records`);
    try {
      yield* this.chunks(response, abort, controller);
    } finally {
      abort();
    }
  }

  /** Imports a records document (a file, or its header and some of its trials). */
  importRecords(body: Uint8Array): Promise<ImportResponse> {
    return this.json('/v1/records', {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body,
    });
  }

  /**
   * The sweep's server-sent events until the server closes the stream. A stream that stays
   * silent for `idleMs` (the server sends a keep-alive every 15 s) counts as dropped and throws
   * ApiTimeoutError; a connection lost midway throws ApiUnreachableError.
   */
  async *events(id: string, idleMs = 45_000): AsyncGenerator<SseEvent> {
    const { response, abort, controller } = await this.open(`/v1/sweeps/${id}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    const parser = new SseParser();
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          controller.abort(
            new ApiTimeoutError(`the event stream was silent for ${idleMs / 1000} s`),
          ),
        idleMs,
      );
    };
    try {
      arm();
      for await (const chunk of this.chunks(response, abort, controller)) {
        arm();
        yield* parser.push(chunk);
      }
    } finally {
      clearTimeout(idle);
      abort();
    }
  }

  private json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return this.call(path, init, async (res) => (await res.json()) as T);
  }

  /** A request whose whole answer is read within the timeout. */
  private async call<T>(
    path: string,
    init: RequestInit,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const { response, abort, controller } = await this.open(path, init, true);
    try {
      return await read(response);
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new ApiProblemError({
          status: response.status,
          code: 'BAD_RESPONSE',
          detail: `the answer to ${path} from ${this.baseUrl} is not JSON; is SEEDSWEEP_URL the seedsweep API?`,
        });
      }
      throw this.failure(error, controller, path);
    } finally {
      abort();
    }
  }

  /**
   * Sends a request and waits for its status line. `keepTimer`: the timeout also covers
   * reading the body (the caller reads it whole); otherwise the timer stops at the headers.
   */
  private async open(
    path: string,
    init: RequestInit = {},
    keepTimer = false,
  ): Promise<{ response: Response; controller: AbortController; abort: () => void }> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(new InterruptedError('interrupted'));
    if (this.options.signal.aborted) onAbort();
    this.options.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        controller.abort(
          new ApiTimeoutError(
            `the seedsweep API at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s`,
          ),
        ),
      this.timeoutMs,
    );
    const abort = () => {
      clearTimeout(timer);
      this.options.signal.removeEventListener('abort', onAbort);
      if (!controller.signal.aborted) controller.abort();
    };
    const headers = new Headers(init.headers);
    if (this.options.apiKey !== undefined) {
      headers.set('authorization', `Bearer ${this.options.apiKey}`);
    }
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, { ...init, headers, signal: controller.signal });
    } catch (error) {
      abort();
      throw this.failure(error, controller, path);
    }
    if (!keepTimer) clearTimeout(timer);
    if (!response.ok) {
      let problem: Problem;
      try {
        problem = await problemOf(response, init.method ?? 'GET', path);
      } catch (error) {
        throw this.failure(error, controller, path);
      } finally {
        abort();
      }
      if (problem.status === 401 || problem.status === 403) {
        problem = keyProblem(problem, this.baseUrl, this.options.apiKey !== undefined);
      }
      throw new ApiProblemError(problem);
    }
    return { response, controller, abort };
  }

  private async *chunks(
    response: Response,
    abort: () => void,
    controller?: AbortController,
  ): AsyncGenerator<Uint8Array> {
    if (!response.body) return;
    const reader = response.body.getReader();
    try {
      for (;;) {
        let next;
        try {
          next = await reader.read();
        } catch (error) {
          throw this.failure(error, controller, null);
        }
        if (next.done) return;
        yield next.value;
      }
    } finally {
      abort();
      reader.releaseLock();
    }
  }

  /** What went wrong, as one of the typed errors. */
  private failure(
    error: unknown,
    controller: AbortController | undefined,
    path: string | null,
  ): Error {
    const reason: unknown = controller?.signal.reason;
    if (controller?.signal.aborted && (reason instanceof InterruptedError || isClientError(reason)))
      return reason as Error;
    if (error instanceof ApiProblemError || error instanceof InterruptedError) return error;
    const code = errorCode(error);
    if (path !== null) {
      return new ApiUnreachableError(
        `the seedsweep API is not reachable at ${this.baseUrl} (${code ?? (error as Error).message}): 'pnpm start' runs it; SEEDSWEEP_URL says where it is`,
        { cause: error },
      );
    }
    return new ApiUnreachableError(
      `the connection to ${this.baseUrl} was lost (${code ?? (error as Error).message})`,
      { cause: error },
    );
  }
}

function isClientError(value: unknown): value is ApiClientError {
  return value instanceof ApiTimeoutError || value instanceof ApiUnreachableError;
}

/** Node's fetch hides the socket's error code one or two causes down. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { code, errors } = current as { code?: unknown; errors?: unknown[] };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The error answer as a problem; a body that is not one (a proxy's HTML page) is described. */
async function problemOf(response: Response, method: string, path: string): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body.code === 'string' && typeof body.status === 'number') {
      return body as Problem;
    }
  } catch {
    // not JSON: described below
  }
  const reason = response.statusText ? ` ${response.statusText}` : '';
  return {
    status: response.status,
    code: `HTTP_${response.status}`,
    detail: `${method} ${path} was answered with HTTP ${response.status}${reason}`,
  };
}
