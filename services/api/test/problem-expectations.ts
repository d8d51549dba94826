import type { Redis } from 'ioredis';
import { expect } from 'vitest';

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): unknown;
}

/** The answer is an RFC 9457 problem with every member, this status and code, and no internals. */
export function expectProblem(response: Answer, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const problem = response.json() as Record<string, unknown> & {
    detail: string;
    errors?: { path: string; message: string }[];
  };
  expect(problem).toMatchObject({
    type: `urn:seedsweep:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.any(String),
    code,
  });
  expectNoInternals(response.body);
  return problem;
}

/** No stack frame, source path or module name leaks into an answer. */
export function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat [\w.<>]+ \(|\n\s+at /);
  expect(body).not.toMatch(/\.(ts|js|mjs|cjs):\d+/);
  expect(body).not.toMatch(/node_modules|\/work\/|file:\/\//);
}

/** Every key under the prefix, so a test can say that a refused request wrote none. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}
