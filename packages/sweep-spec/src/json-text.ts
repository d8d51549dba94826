import { bodyIssue, type TextParse } from './body-issue.js';
import { findJsonProblem } from './json-problem.js';

export function parseJsonText(text: string): TextParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problem = findJsonProblem(text);
    // The scanner and V8 agree on the grammar; should they not, V8's word still stands.
    if (problem === undefined) return { ok: false, issues: [bodyIssue((error as Error).message)] };
    return { ok: false, issues: [bodyIssue(problem.message, text, problem.offset)] };
  }
  const problem = findJsonProblem(text);
  // After a successful JSON.parse only a duplicate key is a problem of ours.
  if (problem?.kind === 'duplicate-key') {
    return { ok: false, issues: [bodyIssue(problem.message, text, problem.offset)] };
  }
  return { ok: true, value };
}
