import { parseAllDocuments, type YAMLError } from 'yaml';
import type { SweepIssue } from './errors/index.js';
import { bodyIssue, type TextParse } from './body-issue.js';

/** Far above what a sweep needs; far below what an alias bomb ("billion laughs") needs. */
export const MAX_YAML_ALIASES = 50;

/**
 * YAML 1.2 core schema only: no custom or YAML 1.1 tags (`!!binary`, `!!set`, `!!timestamp`),
 * no merge keys (`<<` is then an ordinary, unknown field), duplicate keys are errors.
 */
const OPTIONS = {
  version: '1.2',
  schema: 'core',
  resolveKnownTags: false,
  merge: false,
  uniqueKeys: true,
  prettyErrors: true,
  // yaml reports through process warnings otherwise; here every problem is an issue.
  logLevel: 'silent',
} as const;

export function parseYamlText(text: string): TextParse {
  const parsed = parseAllDocuments(text, OPTIONS);
  // Without a document, yaml returns an empty stream (an array).
  const [doc, second] = Array.isArray(parsed) ? parsed : [];
  if (doc === undefined) return failure([bodyIssue('the document is empty')]);
  if (second !== undefined) {
    const message = `expected one YAML document, found ${parsed.length}`;
    return failure([bodyIssue(message, text, second.range[0])]);
  }
  // Warnings too: an unresolved tag would otherwise quietly become a string.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) return failure(problems.map(yamlIssue));
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    // yaml throws a ReferenceError once aliases expand beyond maxAliasCount.
    return failure([bodyIssue(`cannot expand the document: ${(error as Error).message}`)]);
  }
}

function yamlIssue(error: YAMLError): SweepIssue {
  // prettyErrors appends " at line L, column C:" and a code excerpt; the issue says it its way.
  const message = (error.message.split('\n')[0] ?? error.code).replace(
    / at line \d+, column \d+:$/,
    '',
  );
  const pos = error.linePos?.[0];
  if (pos === undefined) return { path: '(body)', message };
  return {
    path: '(body)',
    message: `line ${pos.line}, column ${pos.col}: ${message}`,
    line: pos.line,
    column: pos.col,
  };
}

function failure(issues: SweepIssue[]): TextParse {
  return { ok: false, issues };
}
