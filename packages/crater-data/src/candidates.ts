import { DatasetFormatError } from './errors/dataset-format-error.js';

/** A crater candidate: centre pixel (x from the left, y from the top) and diameter d in pixels. */
export interface Candidate {
  x: number;
  y: number;
  d: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a candidate CSV: lines `x,y,d`, no header, LF or CRLF. Blank lines are allowed only at
 * the end: a blank line in the middle more likely means a damaged file than a harmless gap.
 */
export function parseCandidates(text: string, file: string): Candidate[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.map((line, i) => parseLine(line, file, i + 1));
}

function parseLine(line: string, file: string, lineNo: number): Candidate {
  const fail = (detail: string): never => {
    throw new DatasetFormatError(file, detail, lineNo);
  };
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length !== 3) fail(`expected 3 fields x,y,d, found ${JSON.stringify(line)}`);
  for (const f of fields) {
    if (!NUMBER.test(f) || !Number.isFinite(Number(f))) fail(`not a number: ${JSON.stringify(f)}`);
  }
  const [x, y, d] = fields.map(Number);
  if (!(d! > 0)) fail(`diameter must be positive, found ${d}`);
  return { x: x!, y: y!, d: d! };
}
