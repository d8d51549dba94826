import { isCollection, LineCounter, parseDocument, type Node } from 'yaml';
import type { SweepIssue } from './errors/index.js';

/**
 * The issues of a definition text with the line and column of each field issue added (syntax
 * issues have theirs already): the field's value in the text, or, for a field that is missing,
 * the nearest enclosing one that is there. JSON is read as the YAML it also is. Issues of the
 * document as a whole, and texts that do not parse, are returned as they are.
 */
export function locateIssues(text: string, issues: readonly SweepIssue[]): SweepIssue[] {
  if (issues.every((i) => i.line !== undefined || i.path.startsWith('('))) return [...issues];
  const lines = new LineCounter();
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const doc = parseDocument(body, { lineCounter: lines, uniqueKeys: false, logLevel: 'silent' });
  if (doc.errors.length > 0) return [...issues];
  return issues.map((issue) => {
    if (issue.line !== undefined || issue.path.startsWith('(')) return issue;
    const segments = issue.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    for (let n = segments.length; n > 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as Node | undefined;
      const offset = node?.range?.[0];
      if (offset === undefined) continue;
      const { line, col } = lines.linePos(offset);
      return { ...issue, line, column: col };
    }
    const root = doc.contents;
    if (isCollection(root) && root.range) {
      const { line, col } = lines.linePos(root.range[0]);
      return { ...issue, line, column: col };
    }
    return issue;
  });
}
