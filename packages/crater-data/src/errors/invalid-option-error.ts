import { CraterDataError } from './crater-data-error.js';

/** An option outside its documented range; `option` is the option's name as the caller wrote it. */
export class InvalidOptionError extends CraterDataError {
  readonly code = 'INVALID_OPTION';

  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly requirement: string,
  ) {
    super(`invalid option ${option}: ${requirement}, got ${formatValue(value)}`);
  }
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
