import { InvalidSweepError } from './errors/index.js';
import { sweepDefinitionSchema, type SweepDefinition } from './sweep-definition.js';
import { describeType } from './value-lists.js';
import { PARSE_PARAMS, toSweepIssues } from './zod-issues.js';

/**
 * Validates an already-parsed document (e.g. a JSON request body) and fills in defaults.
 * Throws one InvalidSweepError listing every problem, so a user fixes them all in one go.
 */
export function parseSweepDefinition(value: unknown): SweepDefinition {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidSweepError([
      { path: '(root)', message: `expected a mapping of sweep fields, got ${describeType(value)}` },
    ]);
  }
  const parsed = sweepDefinitionSchema.safeParse(value, PARSE_PARAMS);
  if (parsed.success) return parsed.data;
  throw new InvalidSweepError(toSweepIssues(parsed.error.issues));
}
