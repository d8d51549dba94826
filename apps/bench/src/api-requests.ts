import type { Problem, SubmitResponse, SweepStatus } from '@seedsweep/api-contract';

/**
 * The requests the benchmarks make of their own deployment's API, which takes no keys (the CLI
 * starts it with AUTH=off) unless the benchmark asked for some: `apiKey` is then sent. A
 * request that has no answer within 30 s fails.
 */
export function submitSweep(
  apiUrl: string,
  text: string,
  format: 'yaml' | 'json',
  signal: AbortSignal,
  apiKey?: string,
): Promise<SubmitResponse> {
  return request(`${apiUrl}/v1/sweeps`, signal, {
    method: 'POST',
    headers: {
      'content-type': format === 'yaml' ? 'application/yaml' : 'application/json',
      ...authorization(apiKey),
    },
    body: text,
  });
}

export function sweepStatus(
  apiUrl: string,
  id: string,
  signal: AbortSignal,
  apiKey?: string,
): Promise<SweepStatus> {
  return request(`${apiUrl}/v1/sweeps/${id}`, signal, { headers: authorization(apiKey) });
}

function authorization(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
}

async function request<T>(url: string, signal: AbortSignal, init: RequestInit = {}): Promise<T> {
  const what = `${init.method ?? 'GET'} ${new URL(url).pathname}`;
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
    if (response.ok) return (await response.json()) as T;
  } catch (error) {
    if (signal.aborted) throw new Error('interrupted');
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
  const body = await response.text();
  let detail = body.trim();
  try {
    const problem = JSON.parse(body) as Problem;
    detail = `${problem.detail ?? problem.title ?? ''} [${problem.code}]`;
  } catch {
    // Not a problem document: its text as it is.
  }
  throw new Error(`${what} answered ${response.status}: ${detail}`);
}
