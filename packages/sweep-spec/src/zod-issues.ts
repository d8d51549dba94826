import type { z } from 'zod';
import type { SweepIssue } from './errors/index.js';

type ZodIssue = z.core.$ZodIssue;
type IssuePath = readonly PropertyKey[];

/** A validation problem before its path is spelled out. */
export interface RawIssue {
  path: IssuePath;
  message: string;
}

/**
 * Zod reports unknown keys once per object; one issue per key puts the key in the path, which
 * is what a user searching their file for the mistake needs.
 */
export function rawIssues(issues: readonly ZodIssue[], prefix: IssuePath = []): RawIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown field' }));
    }
    return [{ path, message: issue.message }];
  });
}

export function formatPath(path: IssuePath): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

export function toSweepIssues(issues: readonly ZodIssue[]): SweepIssue[] {
  return rawIssues(issues).map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/**
 * Error map for every parse: zod's "expected string, received undefined" hides the point,
 * which is that the field is missing.
 */
export const PARSE_PARAMS = {
  error: (issue: { code?: string; input?: unknown }): string | undefined =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined,
};
