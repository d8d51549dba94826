import type { SweepIssue } from './errors/index.js';

/** The outcome of reading a text into a value, before the value is validated. */
export type TextParse = { ok: true; value: unknown } | { ok: false; issues: SweepIssue[] };

/** An issue with the text itself; with an offset, it names the line and column. */
export function bodyIssue(message: string, text?: string, offset?: number): SweepIssue {
  if (text === undefined || offset === undefined) return { path: '(body)', message };
  const { line, column } = textPosition(text, offset);
  return { path: '(body)', message: `line ${line}, column ${column}: ${message}`, line, column };
}

/** 1-based line and column (in UTF-16 code units) of an offset into a text. */
function textPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
