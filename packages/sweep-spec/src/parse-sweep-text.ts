import { InvalidSweepError } from './errors/index.js';
import { bodyIssue } from './body-issue.js';
import { parseJsonText } from './json-text.js';
import { parseSweepDefinition } from './parse-sweep-definition.js';
import type { SweepDefinition } from './sweep-definition.js';
import { parseYamlText } from './yaml-text.js';

export type SweepFormat = 'json' | 'yaml';

/** 1 MiB: a sweep definition is a few hundred bytes; a long seed list a few kilobytes. */
export const DEFAULT_MAX_SWEEP_BYTES = 1024 * 1024;

export interface ParseSweepTextOptions {
  /** Longer texts (in UTF-8 bytes) are refused before parsing; default 1 MiB. */
  maxBytes?: number;
}

/** Parses and validates a sweep definition file or request body; throws InvalidSweepError. */
export function parseSweepText(
  text: string,
  format: SweepFormat,
  options: ParseSweepTextOptions = {},
): SweepDefinition {
  const { maxBytes = DEFAULT_MAX_SWEEP_BYTES } = options;
  if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be >= 0, got ${maxBytes}`);
  if (format !== 'json' && format !== 'yaml') {
    throw new RangeError(`unknown sweep format ${String(format)}; use 'json' or 'yaml'`);
  }
  // A UTF-16 code unit is at least one UTF-8 byte: a text this long is too large without counting.
  const bytes = text.length > maxBytes ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    const size = text.length > maxBytes ? `more than ${maxBytes}` : `${bytes}`;
    throw new InvalidSweepError([
      bodyIssue(`the text is ${size} bytes; the limit is ${maxBytes} bytes`),
    ]);
  }
  // Editors on some systems start files with a byte-order mark; JSON.parse refuses it.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parsed = format === 'json' ? parseJsonText(body) : parseYamlText(body);
  if (!parsed.ok) throw new InvalidSweepError(parsed.issues);
  return parseSweepDefinition(parsed.value);
}
