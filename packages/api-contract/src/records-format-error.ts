/**
 * A records document that cannot be read: `syntax` when a line is not JSON, `structure` when it
 * is JSON but not what the format says (a missing field, another format or version). Thrown
 * for the first such line: nothing of a document that has one is imported.
 */
export class RecordsFormatError extends Error {
  constructor(
    readonly kind: 'syntax' | 'structure',
    /** 1-based; the header is line 1. */
    readonly line: number,
    /** Dotted path inside the line's JSON, or `(line)` for the line itself. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${where(line, path)}: ${problem}`);
    this.name = 'RecordsFormatError';
  }

  /** `line 4` or `line 4, spec.train`: what the message starts with. */
  get where(): string {
    return where(this.line, this.path);
  }
}

function where(line: number, path: string): string {
  return `line ${line}${path === '(line)' ? '' : `, ${path}`}`;
}
