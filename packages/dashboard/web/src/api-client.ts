import { ApiProblem } from './api-problem.js';

/**
 * Requests to the API that served the page, with the key as `Authorization` (never in a URL).
 * Every refusal becomes an ApiProblem carrying the API's stable code.
 */
export class ApiClient {
  constructor(readonly key: string | null) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.key) headers.set('authorization', `Bearer ${this.key}`);
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers, cache: 'no-store' });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiProblem(0, 'NETWORK', `the API did not answer (${(error as Error).message})`);
    }
    if (!response.ok && response.status !== 304) throw await ApiProblem.from(response);
    return response;
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.fetch(path, init)).json()) as T;
  }

  /** A figure or file fetched with the key, as a blob: URL that an <img> or a link can use. */
  async objectUrl(path: string): Promise<string> {
    return URL.createObjectURL(await (await this.fetch(path)).blob());
  }
}
